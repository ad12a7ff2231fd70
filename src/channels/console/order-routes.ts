// The staff console's mall orders (docs/console-api.md, "Mall: orders"): the list, searched by
// order number or the buyer's phone number and filtered by state, and one order with its workflow
// steps, its payment and its shipment. Read-only: refunds are the payment console's
// (payment-routes.ts), shipping and returns the delivery console's.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../container.ts';
import { ORDER_STATES, type OrderView } from '../../modules/checkout/index.ts';
import { orderSchema } from '../api/mall-orders.ts';
import { staffActor } from '../api/auth.ts';
import { subscriberIdOf } from './numbers.ts';
import { maskMsisdn } from '../../platform/msisdn.ts';

type Deps = Pick<Services, 'checkout' | 'payments' | 'delivery' | 'subscribers' | 'tokens' | 'clock' | 'staff'>;

const problem = z.object({ type: z.string(), title: z.string(), status: z.number(), code: z.string(), detail: z.string() }).loose();
const errors = { 400: problem, 401: problem, 403: problem, 404: problem };
const READERS = ['ops', 'product'] as const;
const ORDER_NO = /^MO\d{16}$/;

const consoleOrderSchema = orderSchema.extend({ subscriberId: z.number(), msisdn: z.string().nullable() });
const detailSchema = consoleOrderSchema.extend({
  steps: z.array(z.object({ name: z.string(), state: z.string(), error: z.string().optional() })),
  payment: z.object({ id: z.string(), method: z.string(), state: z.string(), amountFen: z.number(), points: z.number(), refundedFen: z.number(), paidAt: z.string().nullable() }).nullable(),
  shipment: z.object({ id: z.number(), state: z.string(), carrier: z.string(), trackingNo: z.string().nullable(), codFen: z.number() }).nullable(),
});

export function orderConsoleRoutes(s: Deps): FastifyPluginAsyncZod {
  const orders = s.checkout.orders;
  return async (app) => {
    const tags = ['console: mall orders'];
    const withBuyers = async (items: OrderView[]) => {
      const numbers = new Map((await s.subscribers.contactDetails([...new Set(items.map((o) => o.subscriberId))])).map((c) => [c.subscriberId, c.msisdn]));
      // Masked, as numbers are shown on shared screens; staff find an order by the full number (`q`).
      return items.map((o) => { const m = numbers.get(o.subscriberId); return { ...o, msisdn: m ? maskMsisdn(m) : null }; });
    };

    app.get('/mall/orders', {
      schema: {
        tags, summary: 'Mall orders, newest first: by order number or the buyer\'s phone number (`q`), and state',
        description: 'Roles ops or product. A `q` that is neither an order number (MO + 16 digits) nor a phone number is 400 INVALID_INPUT.',
        querystring: z.object({
          q: z.string().trim().max(30).optional(), state: z.enum(ORDER_STATES).optional(),
          offset: z.coerce.number().int().min(0).max(1_000_000).default(0), limit: z.coerce.number().int().min(1).max(100).default(20),
        }).strict(),
        response: { 200: z.object({ items: z.array(consoleOrderSchema), total: z.number() }), ...errors },
      },
    }, async (req) => {
      await staffActor(s, req, READERS);
      const { q, state, offset, limit } = req.query;
      let filter: { orderNo?: string; subscriberId?: number } = {};
      if (q && ORDER_NO.test(q.toUpperCase())) filter = { orderNo: q.toUpperCase() };
      else if (q) {
        const subscriberId = await subscriberIdOf(s, q);
        if (subscriberId === null) return { items: [], total: 0 };
        filter = { subscriberId };
      }
      const r = await orders.search({ ...filter, state }, { offset, limit });
      return { items: await withBuyers(r.items), total: r.total };
    });

    app.get('/mall/orders/:id', {
      schema: {
        tags, summary: 'One mall order with its workflow steps, its payment and its shipment', description: 'Roles ops or product. 404 ORDER_NOT_FOUND.',
        params: z.object({ id: z.coerce.number().int().min(1).max(2 ** 53 - 1) }),
        response: { 200: detailSchema, ...errors },
      },
    }, async (req) => {
      await staffActor(s, req, READERS);
      const o = (await withBuyers([await orders.get(req.params.id)]))[0]!;
      const [steps, p, sh] = await Promise.all([
        orders.steps(o.id),
        o.paymentId ? s.payments.get(o.paymentId) : undefined,
        o.shipmentId ? s.delivery.get(o.shipmentId) : undefined,
      ]);
      return {
        ...o, steps,
        payment: p ? { id: p.id, method: p.method, state: p.state, amountFen: p.amountFen, points: p.points, refundedFen: p.refundedFen, paidAt: p.paidAt ? new Date(p.paidAt).toISOString() : null } : null,
        shipment: sh ? { id: sh.id, state: sh.state, carrier: sh.carrier, trackingNo: sh.trackingNo, codFen: sh.codFen } : null,
      };
    });
  };
}
