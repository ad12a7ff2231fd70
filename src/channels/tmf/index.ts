// TM Forum Open API v4 for what the core owns: TMF620 catalogue, TMF622 ordering, TMF629 customer.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../container.ts';
import { useTmfErrors } from './common.ts';
import { customerRoutes } from './customer.ts';
import { communicationRoutes } from './communication.ts';
import { productCatalogRoutes } from './product-catalog.ts';
import { productOrderingRoutes } from './product-ordering.ts';
import { recommendationRoutes } from './recommendation.ts';

export function tmfRoutes(s: Services): FastifyPluginAsyncZod {
  return async (app) => {
    useTmfErrors(app);
    // PATCH bodies are JSON merge patches (RFC 7386); plain application/json is accepted too.
    app.addContentTypeParser('application/merge-patch+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
    await app.register(productCatalogRoutes(s));
    await app.register(productOrderingRoutes(s));
    await app.register(customerRoutes(s));
    await app.register(communicationRoutes(s));
    await app.register(recommendationRoutes(s));
  };
}
