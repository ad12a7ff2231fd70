// The mall's checkout over REST (docs/mall.md, "Checkout"): the quote of the signed-in
// subscriber's cart, placing it as an order (confirmed, under an Idempotency-Key, at the total
// quoted), the subscriber's orders, paying an order that awaits payment, and cancelling one.
// Thin over the checkout module.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../container.ts';
import { DELIVERIES, PRODUCT_KINDS } from '../../modules/goods/index.ts';
import { ORDER_STATES, type PlacedOrder } from '../../modules/checkout/index.ts';
import { PAYMENT_METHODS } from '../../modules/payment/index.ts';
import { AppError } from '../../platform/errors.ts';
import { requireSubscriber } from './auth.ts';
import { safeText } from '../schemas.ts';

type Deps = Pick<Services, 'checkout' | 'tokens' | 'clock'>;

const problem = z.object({ type: z.string(), title: z.string(), status: z.number(), code: z.string(), detail: z.string() }).loose();
const errors = { 400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 422: problem };
const l10nSchema = z.object({ 'zh-CN': z.string(), en: z.string() });
const line = (max: number) => safeText(max).refine((v) => v.trim().length > 0, 'is empty');
export const addressSchema = z.object({
  name: line(40).describe('The receiver'),
  phone: z.string().regex(/^1\d{10}$/).describe("The receiver's mobile number, 11 digits"),
  province: line(20).describe('As written: 广东省, 北京市, 广西壮族自治区'),
  city: line(20), district: line(20),
  detail: line(120).describe('Street and house number'),
}).strict();
const couponCode = z.string().trim().min(1).max(40).describe('A coupon code to use');
const points = z.number().int().min(0).max(100_000_000).describe('Points to pay part with (the payment module\'s rate: 100 points = ¥1)');
const idempotencyHeaders = z.object({ 'idempotency-key': z.string().min(8).max(128).optional() }).loose();
const idParams = z.object({ id: z.coerce.number().int().positive().max(2 ** 53) });

const promotionSchema = z.object({ promotionId: z.number(), couponCode: z.string().optional(), names: l10nSchema, discountFen: z.number() });
const quoteSchema = z.object({
  lines: z.array(z.object({
    productId: z.number(), skuId: z.number(), quantity: z.number(), names: l10nSchema, attrs: z.record(z.string(), z.string()), kind: z.enum(PRODUCT_KINDS),
    delivery: z.enum(DELIVERIES), saleFen: z.number(), lineFen: z.number(), categoryId: z.number().nullable(),
  })),
  goodsFen: z.number(), deliveryFen: z.number(), discountFen: z.number(), promotions: z.array(promotionSchema),
  totalFen: z.number().describe('What the order costs: goods + delivery − discount'),
  points: z.number(), pointsFen: z.number(), payFen: z.number().describe('totalFen − pointsFen: the money part'),
  shipped: z.boolean(), address: addressSchema.nullable(),
});
export const orderSchema = z.object({
  id: z.number(), orderNo: z.string(), state: z.enum(ORDER_STATES), source: z.string(),
  lines: z.array(z.object({
    lineId: z.number(), productId: z.number(), skuId: z.number(), names: l10nSchema, attrs: z.record(z.string(), z.string()), kind: z.enum(PRODUCT_KINDS), delivery: z.enum(DELIVERIES),
    quantity: z.number(), unitFen: z.number(), lineFen: z.number(), number: z.string().optional(), codes: z.array(z.string()).optional(),
    codesVoidedAt: z.string().optional().describe('when the codes were revoked (the order refunded in full): void, no longer valid'),
  })),
  goodsFen: z.number(), deliveryFen: z.number(), discountFen: z.number(), couponCode: z.string().optional(), points: z.number(), pointsFen: z.number(),
  totalFen: z.number(), payFen: z.number(),
  refundedFen: z.number().describe('Of the money part, what has been refunded (fen); all of it, with the points, and the order is refunded'),
  refundedPoints: z.number().describe('Of the points part, the points given back'),
  method: z.string().nullable(), paymentId: z.string().optional(), shipmentId: z.number().optional(),
  address: addressSchema.optional(), payBy: z.string(), placedAt: z.string(), placedAtLocal: z.string().describe('Beijing time'), paidAt: z.string().optional(),
  deliveredAt: z.string().optional(),
  workflow: z.object({ state: z.string(), step: z.string(), error: z.string().optional() }),
}).meta({ id: 'MallOrder' });
const nextSchema = z.object({ kind: z.enum(['redirect', 'paid', 'pending']), url: z.string().optional() })
  .describe('redirect: send the subscriber to `url` (the pay page); paid: done; pending: paid to the courier (cash on delivery)');
const placedSchema = z.object({ order: orderSchema, next: nextSchema });

function keyOf(headers: { 'idempotency-key'?: string }): string {
  const key = headers['idempotency-key'];
  if (!key) throw new AppError('IDEMPOTENCY_KEY_REQUIRED');
  return key;
}

export function mallOrderRoutes(s: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['mall'];
    const orders = s.checkout.orders;
    const placed = (r: PlacedOrder) => ({ order: r.order, next: r.next });

    app.post('/mall/checkout/quote', {
      schema: {
        tags, summary: "The signed-in subscriber's cart quoted now: goods, delivery fee, discount, points and total",
        description: 'Prices and stock are read now. Delivery is free from ¥99 of shipped goods, else ¥10; goods not shipped need no address. ' +
          '`409 CART_EMPTY`, `409 OUT_OF_STOCK` (with `skuId` and `saleable`), `404 PRODUCT_NOT_FOUND` (a line no longer on sale), `400 ADDRESS_REQUIRED`, `400 ADDRESS_OUT_OF_AREA`, ' +
          'a coupon\'s `COUPON_*`, `400 POINTS_INSUFFICIENT`, `400 PAYMENT_AMOUNT_INVALID` (points not whole fen, or worth more than the order).',
        body: z.object({ address: addressSchema.optional(), couponCode: couponCode.optional(), points: points.optional() }).strict(),
        response: { 200: quoteSchema, ...errors },
      },
    }, async (req) => orders.quote(requireSubscriber(s, req), req.body));

    app.post('/mall/orders', {
      schema: {
        tags, summary: "Place the signed-in subscriber's cart as an order",
        description:
          'Needs an `Idempotency-Key` (400 IDEMPOTENCY_KEY_REQUIRED): the same key again answers the same order (200), another body under it 422 IDEMPOTENCY_KEY_REUSED. ' +
          'The cart is quoted again now: without `confirm: true` 409 CONFIRMATION_REQUIRED with the `quote`; `expectedTotalFen` not the total now: 409 PRICE_CHANGED with the new `quote`. ' +
          'Refusals, each with nothing held or charged: OUT_OF_STOCK, NUMBER_TAKEN, NUMBER_REQUIRED, COUPON_*, POINTS_INSUFFICIENT, ADDRESS_*, CART_EMPTY, INSUFFICIENT_BALANCE. ' +
          '201 `{order, next}`: `next.kind` redirect (the pay page), paid, or pending (cash on delivery). Unpaid, the order expires at `payBy` (15 minutes).',
        headers: idempotencyHeaders,
        body: z.object({
          address: addressSchema.optional(),
          numbers: z.record(z.string().regex(/^\d{1,10}$/), z.string().regex(/^1[3-9]\d{9}$/)).optional().describe('The chosen number of each number-card line, by SKU id'),
          couponCode: couponCode.optional(),
          points: points.optional(),
          method: z.enum(PAYMENT_METHODS),
          expectedTotalFen: z.number().int().min(0).optional().describe("The quote's totalFen the subscriber confirmed"),
          confirm: z.boolean().optional(),
        }).strict(),
        response: { 200: placedSchema, 201: placedSchema, ...errors },
      },
    }, async (req, reply) => {
      const subscriberId = requireSubscriber(s, req);
      const r = await orders.place(subscriberId, req.body, keyOf(req.headers));
      if (r.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(r.replayed ? 200 : 201).send(placed(r));
    });

    app.get('/mall/orders', {
      schema: {
        tags, summary: "The signed-in subscriber's orders, newest first",
        querystring: z.object({ offset: z.coerce.number().int().min(0).max(1_000_000).default(0), limit: z.coerce.number().int().min(1).max(100).default(20) }),
        response: { 200: z.object({ items: z.array(orderSchema), total: z.number() }), ...errors },
      },
    }, async (req) => orders.list(requireSubscriber(s, req), { offset: req.query.offset, limit: req.query.limit }));

    app.get('/mall/orders/:id', {
      schema: { tags, summary: "One of the signed-in subscriber's orders (404 ORDER_NOT_FOUND for anyone else's)", params: idParams, response: { 200: orderSchema, ...errors } },
    }, async (req) => orders.ofSubscriber(req.params.id, requireSubscriber(s, req)));

    app.post('/mall/orders/:id/payment', {
      schema: {
        tags, summary: 'Pay an order that awaits payment and has none open (a flash-sale order, or after the pay page was closed)',
        description: 'Needs an `Idempotency-Key` and `confirm: true` (else 409 CONFIRMATION_REQUIRED with the quote). 409 ORDER_NOT_PAYABLE (paid, closed or expired), 409 ORDER_PAYMENT_OPEN (a payment is still open), 400 POINTS_INSUFFICIENT.',
        params: idParams, headers: idempotencyHeaders,
        body: z.object({ method: z.enum(PAYMENT_METHODS), points: points.optional(), confirm: z.boolean().optional() }).strict(),
        response: { 200: placedSchema, 201: placedSchema, ...errors },
      },
    }, async (req, reply) => {
      const subscriberId = requireSubscriber(s, req);
      const r = await orders.pay(subscriberId, req.params.id, req.body, keyOf(req.headers));
      if (r.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(r.replayed ? 200 : 201).send(placed(r));
    });

    app.post('/mall/orders/:id/cancel', {
      schema: {
        tags, summary: 'Cancel an unpaid order: everything it holds is released', description: '409 ORDER_NOT_CANCELLABLE once it is paid or closed.',
        params: idParams, response: { 200: orderSchema, ...errors },
      },
    }, async (req) => orders.cancel(requireSubscriber(s, req), req.params.id));
  };
}
