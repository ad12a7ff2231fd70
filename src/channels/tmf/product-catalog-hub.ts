// TMF630 hub of the product catalog API: a listener registers its callback (and an optional
// query) and is then sent every catalogue event from the database (modules/hub).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../platform/errors.ts';
import { l10n } from '../../platform/i18n.ts';
import type { Services } from '../../container.ts';
import { requireStaff } from '../api/auth.ts';
import { baseUrl, tmfErrorSchema } from './common.ts';
import { CATALOG_API } from './catalog-resources.ts';

const HUB_PATH = `${CATALOG_API}/hub`;

const hubInput = z.object({
  callback: z.string().min(1).max(2000),
  query: z.string().max(2000).nullable().optional(),
  '@type': z.string().max(100).optional(),
}).strict();

const hubSchema = z.object({ id: z.string(), callback: z.string(), query: z.string().nullable() });
const errors = { 400: tmfErrorSchema, 401: tmfErrorSchema, 403: tmfErrorSchema, 404: tmfErrorSchema };

export function catalogHubRoutes(s: Pick<Services, 'hub' | 'tokens' | 'clock' | 'staff'>): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(`/${HUB_PATH}`, {
      schema: {
        tags: ['tmf620'], summary: 'Register a listener for catalogue events (product or ops staff)',
        description: 'Every ProductOffering, ProductOfferingPrice, ProductSpecification, Category and Catalog Create, ' +
          'AttributeValueChange, StateChange and Delete event from now on is POSTed to `callback` as TMF event JSON ' +
          '(eventId, eventTime, eventType, event), in eventId order, retried with backoff until it answers 2xx. ' +
          '`query` narrows them: `eventType=ProductOfferingStateChangeEvent&event.productOffering.lifecycleStatus=Launched` (a comma means any of).',
        body: hubInput,
        response: { 201: hubSchema, ...errors },
      },
    }, async (req, reply) => {
      requireStaff(s, req, ['product', 'ops']);
      // The hrefs in the events point where the listener was registered.
      const l = await s.hub.register({ callback: req.body.callback, query: req.body.query, baseUrl: baseUrl(req) });
      return reply.code(201).header('Location', `${baseUrl(req)}/tmf-api/${HUB_PATH}/${encodeURIComponent(l.id)}`).send(l);
    });

    app.delete(`/${HUB_PATH}/:id`, {
      schema: {
        tags: ['tmf620'], summary: 'Remove a listener (product or ops staff)',
        params: z.object({ id: z.string().min(1).max(64) }),
        response: { 204: z.null(), ...errors },
      },
    }, async (req, reply) => {
      requireStaff(s, req, ['product', 'ops']);
      if (!(await s.hub.unregister(req.params.id))) throw new AppError('NOT_FOUND', { detail: l10n(`没有这个监听：${req.params.id}`, `No listener ${req.params.id}`) });
      return reply.code(204).send(null);
    });
  };
}
