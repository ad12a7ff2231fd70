// The staff console's deliveries (docs/console-api.md, "Mall: delivery"): shipments by state, one
// with its timeline and returns, shipping (carrier and tracking number), and the returns queue:
// approve, reject with a reason, goods received (the order's refund follows), the refund run again.
// Thin over the delivery module, which holds every rule and role check; every change is audited.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../container.ts';
import { RETURN_STATES, SHIPMENT_STATES, returnView } from '../../modules/delivery/index.ts';
import { staffActor } from '../api/auth.ts';
import { subscriberIdOf } from './numbers.ts';
import { shipmentSchema } from '../api/mall-delivery.ts';
import { safeText } from '../schemas.ts';

type Deps = Pick<Services, 'delivery' | 'subscribers' | 'tokens' | 'clock' | 'staff'>;

const problem = z.object({ type: z.string(), title: z.string(), status: z.number(), code: z.string(), detail: z.string() }).loose();
const errors = { 400: problem, 401: problem, 403: problem, 404: problem, 409: problem };
const returnSchema = shipmentSchema.shape.returns.element;
const idParams = z.object({ id: z.coerce.number().int().min(1).max(2 ** 53 - 1) });
const READERS = ['ops', 'agent'] as const;

export function deliveryConsoleRoutes(s: Deps): FastifyPluginAsyncZod {
  const d = s.delivery;
  return async (app) => {
    const tags = ['console: delivery'];

    app.get('/shipments', {
      schema: {
        tags, summary: 'Shipments, newest first: by state (to_ship is the warehouse\'s queue), order reference, tracking number or number',
        querystring: z.object({ state: z.enum(SHIPMENT_STATES).optional(), orderRef: safeText(120).optional(), trackingNo: safeText(40).optional(), msisdn: z.string().max(30).optional(), limit: z.coerce.number().int().min(1).max(200).optional() }).strict(),
        response: { 200: z.object({ items: z.array(shipmentSchema) }), ...errors },
      },
    }, async (req) => {
      await staffActor(s, req, READERS);
      const { msisdn, ...f } = req.query;
      const found = msisdn ? await subscriberIdOf(s, msisdn) : undefined;
      if (found === null) return { items: [] };
      const subscriberId = found;
      const items = [];
      for (const x of await d.search({ ...f, subscriberId })) items.push(await d.view(x));
      return { items };
    });

    app.get('/shipments/carriers', {
      schema: { tags, summary: 'The carriers plugged in, and whether each makes its own tracking numbers', response: { 200: z.object({ items: z.array(z.object({ code: z.string(), names: z.object({ 'zh-CN': z.string(), en: z.string() }), makesTrackingNumbers: z.boolean() })) }), ...errors } },
    }, async (req) => {
      await staffActor(s, req, READERS);
      return { items: d.carriers() };
    });

    app.get('/shipments/:id', {
      schema: { tags, summary: 'One shipment with its timeline and returns', params: idParams, response: { 200: shipmentSchema, ...errors } },
    }, async (req) => {
      await staffActor(s, req, READERS);
      return d.view(await d.get(req.params.id));
    });

    app.post('/shipments/:id/ship', {
      schema: {
        tags, summary: 'Hand a parcel to its carrier: the carrier and its tracking number (made by the carrier when it can)',
        description: 'The ops role. 409 SHIPMENT_ALREADY_SHIPPED once shipped, 409 ORDER_REFUNDED (or SHIPMENT_CANCELLED) for a parcel cancelled because its order was refunded in full, 400 TRACKING_NO_REQUIRED for a carrier that makes none, 409 TRACKING_NO_TAKEN for a number on another parcel, 404 CARRIER_NOT_FOUND.',
        params: idParams,
        body: z.object({ carrier: z.string().regex(/^[a-z][a-z0-9_-]{0,19}$/).optional(), trackingNo: z.string().min(4).max(40).regex(/^[A-Za-z0-9-]+$/, 'letters, digits and -').optional() }).strict(),
        response: { 200: shipmentSchema, ...errors },
      },
    }, async (req) => {
      const actor = await staffActor(s, req, ['ops']);
      return d.view(await d.ship(actor, req.params.id, req.body));
    });

    app.get('/returns', {
      schema: {
        tags, summary: 'The returns queue, oldest first: requested ones wait for a decision, approved ones for the goods',
        querystring: z.object({ state: z.enum(RETURN_STATES).optional(), limit: z.coerce.number().int().min(1).max(200).optional() }).strict(),
        response: { 200: z.object({ items: z.array(returnSchema) }), ...errors },
      },
    }, async (req) => {
      await staffActor(s, req, READERS);
      return { items: (await d.returns(req.query)).map(returnView) };
    });

    const step = (path: string, summary: string, run: (actor: Awaited<ReturnType<typeof staffActor>>, id: number, body: { reason?: string }) => Promise<Parameters<typeof returnView>[0]>, withReason = false) => {
      app.post(`/returns/:id/${path}`, {
        schema: {
          tags, summary, description: 'The ops role; 409 RETURN_NOT_IN_STATE when the return is elsewhere in its course.', params: idParams,
          ...(withReason ? { body: z.object({ reason: safeText(200).pipe(z.string().trim().min(1)) }).strict() } : {}),
          response: { 200: returnSchema, ...errors },
        },
      }, async (req) => {
        const actor = await staffActor(s, req, ['ops']);
        return returnView(await run(actor, req.params.id, (req.body ?? {}) as { reason?: string }));
      });
    };
    step('approve', 'Approve a requested return: the subscriber sends the goods back', (a, id) => d.approveReturn(a, id));
    step('reject', 'Refuse a requested return, with the reason the subscriber is shown', (a, id, b) => d.rejectReturn(a, id, b.reason ?? ''), true);
    step('received', 'The returned goods are back: the shipment is returned and the order\'s owner refunds (refunded; refunding while the refund awaits approval or the provider; received when the refund must run again)', (a, id) => d.receiveReturn(a, id));
    step('refund', 'Run a received or refunding return\'s refund again (the first attempt failed, or was rejected): asked again only when none is under way', (a, id) => d.refundReturn(a, id));
  };
}
