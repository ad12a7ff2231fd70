// The mall's flash sales (秒杀) over REST (docs/mall.md, "Flash sales"): the public list of upcoming
// and live sales with what is left and the server's time for a countdown, a signed-in subscriber's
// try for a unit (an order to pay within 15 minutes, or 409 SOLD_OUT / LIMIT_REACHED / NOT_STARTED
// / ENDED with nothing held), and a staff member's new sale (approved in the console by a second
// person). Thin over the flash-sale module, which holds every rule and role check.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../container.ts';
import { flashSaleInputSchema, type FlashSaleView } from '../../modules/flashsale/index.ts';
import { AppError } from '../../platform/errors.ts';
import { requireSubscriber, staffActor } from './auth.ts';
import { addressSchema, orderSchema } from './mall-orders.ts';

type Deps = Pick<Services, 'flashSales' | 'tokens' | 'clock' | 'staff'>;

const problem = z.object({ type: z.string(), title: z.string(), status: z.number(), code: z.string(), detail: z.string() }).loose();
const errors = { 400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 422: problem };
const l10nSchema = z.object({ 'zh-CN': z.string(), en: z.string() });
const idParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });

/** A sale as the public sees it. */
export const publicFlashSaleSchema = z.object({
  id: z.number(), productId: z.number(), skuId: z.number(), names: l10nSchema, attrs: z.record(z.string(), z.string()), image: z.string().nullable(),
  listFen: z.number().describe('The list price (划线价)'), saleFen: z.number().describe('The usual sale price'), priceFen: z.number().describe('The flash price, in fen'),
  quantity: z.number(), perSubscriberLimit: z.number(),
  startsAt: z.string(), startsAtLocal: z.string().describe('Beijing time, 2026-12-03 10:00'), endsAt: z.string(), endsAtLocal: z.string(),
  phase: z.enum(['upcoming', 'live', 'ended', 'settled']).describe('upcoming (a countdown to startsAt), live, ended'),
  remaining: z.number().describe('Units on sale now (units of orders that end unpaid come back)'),
});
/** A sale as staff see it: its review and live sold / awaiting payment / remaining. */
export const flashSaleSchema = publicFlashSaleSchema.extend({
  phase: z.enum(['pending', 'rejected', 'upcoming', 'live', 'ended', 'settled']),
  status: z.enum(['pending', 'approved', 'rejected', 'settled']),
  awaitingPayment: z.number().describe('Units won whose orders still await payment'), sold: z.number().describe('Units paid for'),
  createdBy: z.number(), createdAt: z.string(), reviewedBy: z.number().nullable(), reviewedAt: z.string().nullable(), reviewReason: z.string().nullable(), settledAt: z.string().nullable(),
});

const serverTime = (s: Deps) => s.clock.now().toISOString();
const publicView = (v: FlashSaleView) => v as z.infer<typeof publicFlashSaleSchema>;

export function mallFlashSaleRoutes(s: Deps): FastifyPluginAsyncZod {
  const f = s.flashSales;
  return async (app) => {
    const tags = ['mall'];

    app.get('/mall/flash-sales', {
      schema: {
        tags, summary: 'Flash sales upcoming and live, soonest first, with what is left',
        description: 'No sign-in. `serverTime` is the server\'s clock, for a countdown that does not trust the device\'s.',
        response: { 200: z.object({ items: z.array(publicFlashSaleSchema), serverTime: z.string() }), ...errors },
      },
    }, async () => ({ items: (await f.upcomingAndLive()).map(publicView), serverTime: serverTime(s) }));

    app.get('/mall/flash-sales/:id', {
      schema: {
        tags, summary: 'One flash sale with what is left and the server\'s time', params: idParams,
        response: { 200: publicFlashSaleSchema.extend({ serverTime: z.string() }), ...errors },
      },
    }, async (req) => ({ ...publicView(await f.view(req.params.id, { publicOnly: true })), serverTime: serverTime(s) }));

    app.post('/mall/flash-sales/:id/orders', {
      schema: {
        tags, summary: 'Try for a unit of a flash sale: an order to pay within 15 minutes',
        description:
          'Signed-in subscriber; `Idempotency-Key` required (400 IDEMPOTENCY_KEY_REQUIRED). 201 with the order awaiting payment ' +
          '(pay it with POST /api/v1/mall/orders/{id}/payment; unpaid after 15 minutes it expires and its unit is on sale again). ' +
          'The same key again: 200 the same order, also after the sale has ended; another request under it 422 IDEMPOTENCY_KEY_REUSED. ' +
          '409 SOLD_OUT, LIMIT_REACHED (with `limit`), NOT_STARTED (with `startsAt`), ENDED; 400 ADDRESS_REQUIRED, ADDRESS_OUT_OF_AREA; 404 FLASH_SALE_NOT_FOUND. Nothing is held or charged on any of them.',
        params: idParams,
        headers: z.object({ 'idempotency-key': z.string().min(8).max(128).optional() }).loose(),
        body: z.object({ address: addressSchema.optional() }).strict(),
        response: { 200: z.object({ order: orderSchema }), 201: z.object({ order: orderSchema }), ...errors },
      },
    }, async (req, reply) => {
      const subscriberId = requireSubscriber(s, req);
      const key = req.headers['idempotency-key'];
      if (!key) throw new AppError('IDEMPOTENCY_KEY_REQUIRED');
      const r = await f.buy(subscriberId, req.params.id, { idempotencyKey: key, address: req.body.address ?? null });
      if (r.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(r.replayed ? 200 : 201).send({ order: r.order });
    });

    app.post('/mall/flash-sales', {
      schema: {
        tags, summary: 'A new flash sale (staff: product or marketing), on sale once a second person approves it',
        description: 'A staff bearer token. The SKU must be shipped from stock (400 FLASH_SALE_NOT_STOCKED) and the price at most its sale price. ' +
          'Approved in the console (POST /api/v1/console/mall/flash-sales/{id}/approve, not by its creator: 409 SELF_REVIEW), which holds its quantity from the stock.',
        body: flashSaleInputSchema,
        response: { 201: flashSaleSchema, ...errors },
      },
    }, async (req, reply) => {
      const actor = await staffActor(s, req, ['product', 'marketing']);
      return reply.code(201).send(await f.create(actor, req.body));
    });
  };
}
