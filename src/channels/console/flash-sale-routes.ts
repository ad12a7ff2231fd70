// The staff console's flash sales (docs/console-api.md, "Mall: flash sales"): every sale with its
// live sold, awaiting payment and remaining, a new one, and its review by a second person (approval
// holds its quantity from the stock). Thin over the flash-sale module, which holds every rule and
// role check; every step is in the audit log.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../container.ts';
import { FLASH_SALE_STATUSES, flashSaleInputSchema } from '../../modules/flashsale/index.ts';
import { flashSaleSchema } from '../api/mall-flash-sales.ts';
import { staffActor } from '../api/auth.ts';
import { safeText } from '../schemas.ts';

type Deps = Pick<Services, 'flashSales' | 'tokens' | 'clock' | 'staff'>;

const problem = z.object({ type: z.string(), title: z.string(), status: z.number(), code: z.string(), detail: z.string() }).loose();
const errors = { 400: problem, 401: problem, 403: problem, 404: problem, 409: problem };
const idParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
const STAFF = ['product', 'marketing'] as const;

export function flashSaleRoutes(s: Deps): FastifyPluginAsyncZod {
  const f = s.flashSales;
  return async (app) => {
    const tags = ['console: mall'];

    app.get('/mall/flash-sales', {
      schema: {
        tags, summary: 'Flash sales, newest first, with live sold, awaiting payment and remaining',
        querystring: z.object({ status: z.enum(FLASH_SALE_STATUSES).optional(), offset: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(200).default(50) }).strict(),
        response: { 200: z.object({ items: z.array(flashSaleSchema), total: z.number(), serverTime: z.string() }), ...errors },
      },
    }, async (req) => {
      const actor = await staffActor(s, req, [...STAFF, 'ops']);
      const r = await f.list(actor, { status: req.query.status }, { offset: req.query.offset, limit: req.query.limit });
      return { ...r, serverTime: s.clock.now().toISOString() };
    });

    app.get('/mall/flash-sales/:id', {
      schema: { tags, summary: 'One flash sale with its live counts', params: idParams, response: { 200: flashSaleSchema, ...errors } },
    }, async (req) => {
      await staffActor(s, req, [...STAFF, 'ops']);
      return f.view(req.params.id);
    });

    app.post('/mall/flash-sales', {
      schema: { tags, summary: 'A new flash sale, waiting for a second person\'s approval', body: flashSaleInputSchema, response: { 201: flashSaleSchema, ...errors } },
    }, async (req, reply) => {
      const actor = await staffActor(s, req, STAFF);
      return reply.code(201).send(await f.create(actor, req.body));
    });

    app.post('/mall/flash-sales/:id/approve', {
      schema: {
        tags, summary: 'Approve a pending flash sale (never your own: SELF_REVIEW): its quantity is held from the stock (OUT_OF_STOCK when short) and it goes on sale at its start',
        params: idParams, body: z.object({}).strict().nullish(), response: { 200: flashSaleSchema, ...errors },
      },
    }, async (req) => {
      const actor = await staffActor(s, req, STAFF);
      return f.review(actor, req.params.id, { approve: true });
    });

    app.post('/mall/flash-sales/:id/reject', {
      schema: { tags, summary: 'Reject a pending flash sale with a reason', params: idParams, body: z.object({ reason: safeText(500) }).strict(), response: { 200: flashSaleSchema, ...errors } },
    }, async (req) => {
      const actor = await staffActor(s, req, STAFF);
      return f.review(actor, req.params.id, { approve: false, reason: req.body.reason });
    });
  };
}
