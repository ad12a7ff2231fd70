// The staff console's REST API under /api/v1/console (docs/console-api.md): one plugin with the
// staff routes, the catalogue routes and the marketing routes, each handed only the services it uses.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../container.ts';
import { catalogueRoutes } from './catalogue-routes.ts';
import { staffRoutes } from './staff-routes.ts';
import { marketingRoutes } from './marketing-routes.ts';
import { triggerRoutes } from './trigger-routes.ts';
import { paymentConsoleRoutes } from './payment-routes.ts';
import { deliveryConsoleRoutes } from './delivery-routes.ts';
import { broadcastRoutes } from './broadcast-routes.ts';
import { mallRoutes } from './mall-routes.ts';
import { campaignRoutes } from './campaign-routes.ts';
import { flashSaleRoutes } from './flash-sale-routes.ts';
import { orderConsoleRoutes } from './order-routes.ts';
import { reviewConsoleRoutes } from './review-routes.ts';
import { promotionConsoleRoutes } from './promotion-routes.ts';

export function consoleRoutes(s: Services): FastifyPluginAsyncZod {
  return async (app) => {
    await app.register(staffRoutes(s));
    await app.register(catalogueRoutes(s));
    await app.register(marketingRoutes(s));
    await app.register(triggerRoutes(s));
    await app.register(paymentConsoleRoutes(s));
    await app.register(deliveryConsoleRoutes(s));
    await app.register(broadcastRoutes(s));
    await app.register(mallRoutes(s));
    await app.register(campaignRoutes(s));
    await app.register(flashSaleRoutes(s));
    await app.register(orderConsoleRoutes(s));
    await app.register(reviewConsoleRoutes(s));
    await app.register(promotionConsoleRoutes(s));
  };
}
