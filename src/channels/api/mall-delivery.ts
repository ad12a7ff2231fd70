// The mall's deliveries on the subscriber REST API (docs/mall.md, "Delivery"): the signed-in
// subscriber's shipments with their timelines in Beijing time, a return within seven days of
// signing (under an Idempotency-Key), and the carriers' webhook, each event signed with the
// carrier's shared secret (HMAC-SHA256 of the raw body in X-Carrier-Signature).
import { z } from 'zod';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../../container.ts';
import { RETURN_STATES, SHIPMENT_STATES, returnView, type ShipmentView } from '../../modules/delivery/index.ts';
import { AppError } from '../../platform/errors.ts';
import { requireSubscriber } from './auth.ts';
import { safeText } from '../schemas.ts';

type Deps = Pick<Services, 'delivery' | 'tokens' | 'clock'>;

const problem = z.object({ type: z.string(), title: z.string(), status: z.number(), code: z.string(), detail: z.string() }).loose();
const l10nSchema = z.object({ 'zh-CN': z.string(), en: z.string() });
const returnSchema = z.object({
  id: z.number(), shipmentId: z.number(), state: z.enum(RETURN_STATES).describe('requested 待审核, approved 待寄回, received 已收货 (no refund under way), refunding 退款中 (asked for, awaiting approval or the provider), refunded 已退款, rejected 未通过'), reason: z.string(), lines: z.array(z.object({ skuId: z.number(), quantity: z.number() })),
  refundFen: z.number().nullable(), rejectReason: z.string().nullable(), requestedAt: z.string(), requestedAtLocal: z.string(),
});
export const shipmentSchema = z.object({
  id: z.number(), orderRef: z.string(), state: z.enum(SHIPMENT_STATES).describe('to_ship 待发货, shipped 已发货, in_transit 运输中, delivered 已签收, returned 已退回, cancelled 已取消发货 (the order was refunded in full before it left)'),
  warehouse: z.string(), carrier: z.string(), carrierNames: l10nSchema, trackingNo: z.string().nullable(),
  address: z.object({ name: z.string(), phone: z.string(), province: z.string(), city: z.string(), district: z.string(), detail: z.string() }),
  codFen: z.number().describe('cash the courier takes on delivery (货到付款), fen'),
  shippedAt: z.string().nullable(), deliveredAt: z.string().nullable(),
  returnUntil: z.string().nullable().describe('a return may be asked for until this instant: the end of the seventh Beijing day after signing'),
  timeline: z.array(z.object({ state: z.enum(SHIPMENT_STATES), place: z.string().nullable(), note: l10nSchema, at: z.string(), atLocal: z.string().describe('Beijing time, 2026-11-15 10:00') })),
  returns: z.array(returnSchema),
});
const idParams = z.object({ id: z.coerce.number().int().min(1).max(2 ** 53 - 1) });

export function deliveryRoutes(s: Deps): FastifyPluginAsyncZod {
  const d = s.delivery;
  return async (app) => {
    const tags = ['mall: delivery'];

    app.get('/mall/shipments', {
      schema: { tags, summary: "The signed-in subscriber's shipments, newest first, each with its timeline", response: { 200: z.object({ items: z.array(shipmentSchema) }), 401: problem, 403: problem } },
    }, async (req): Promise<{ items: ShipmentView[] }> => {
      const subscriberId = requireSubscriber(s, req);
      const items = [];
      for (const x of await d.ofSubscriber(subscriberId)) items.push(await d.view(x));
      return { items };
    });

    app.get('/mall/shipments/:id', {
      schema: { tags, summary: "One of the signed-in subscriber's shipments with its timeline (404 SHIPMENT_NOT_FOUND for anyone else's)", params: idParams, response: { 200: shipmentSchema, 401: problem, 403: problem, 404: problem } },
    }, async (req) => d.view(await d.ofSubscriberOne(req.params.id, requireSubscriber(s, req))));

    app.post('/mall/shipments/:id/returns', {
      schema: {
        tags, summary: 'Ask to return a signed-for parcel within seven days (七天无理由退货)',
        description:
          'Needs an `Idempotency-Key`: the same key and request answer the first return (200, `idempotent-replayed`), another request under it 422 IDEMPOTENCY_KEY_REUSED. ' +
          'Until the end of the seventh Beijing day after signing, else 409 RETURN_WINDOW_CLOSED (with `returnUntil`); before signing 409 SHIPMENT_NOT_DELIVERED; one open return per shipment (409 RETURN_ALREADY_OPEN). ' +
          'Staff then approve it, receive the goods, and the order\'s refund follows.',
        params: idParams,
        headers: z.object({ 'idempotency-key': z.string().min(8).max(128).optional() }).loose(),
        body: z.object({
          reason: safeText(200).pipe(z.string().trim().min(1)),
          lines: z.array(z.object({ skuId: z.number().int().min(1), quantity: z.number().int().min(1).max(99) }).strict()).max(50).optional().describe('what goes back; none: the whole order'),
        }).strict(),
        response: { 200: returnSchema, 201: returnSchema, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 422: problem },
      },
    }, async (req, reply) => {
      const subscriberId = requireSubscriber(s, req);
      const key = req.headers['idempotency-key'];
      if (!key) throw new AppError('IDEMPOTENCY_KEY_REQUIRED');
      const r = await d.requestReturn(subscriberId, req.params.id, req.body, key);
      if (r.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(r.replayed ? 200 : 201).send(returnView(r.request));
    });

    // The carriers' side: the raw body is what is signed, so it is kept as it came.
    await app.register(async (scope) => {
      scope.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
        (req as { rawBody?: string }).rawBody = body as string;
        try {
          done(null, JSON.parse(body as string));
        } catch {
          done(Object.assign(new AppError('INVALID_INPUT'), { statusCode: 400 }), undefined);
        }
      });
      scope.withTypeProvider<ZodTypeProvider>().post('/mall/delivery/carriers/:carrier/events', {
        schema: {
          tags, summary: "A carrier's tracking event (its webhook), signed with the carrier's shared secret",
          description:
            '`X-Carrier-Signature`: the hex HMAC-SHA256 of the raw body under the carrier\'s secret; missing or wrong: 401 CARRIER_SIGNATURE_INVALID and nothing changed. ' +
            'An unknown carrier 404 CARRIER_NOT_FOUND, an unknown tracking number 404 TRACKING_NOT_FOUND. The same `eventId` again is recorded once (`duplicate`); ' +
            'an event older than the shipment\'s state is kept in the timeline but never moves it back (`recorded`); `moved`: the shipment is now in the event\'s state.',
          params: z.object({ carrier: z.string().regex(/^[a-z][a-z0-9_-]{0,19}$/) }),
          headers: z.object({ 'x-carrier-signature': z.string().max(200).optional() }).loose(),
          body: z.object({
            eventId: z.string().min(1).max(100).regex(/^[\x21-\x7e]+$/, 'printable ASCII'),
            trackingNo: z.string().min(1).max(40).regex(/^[A-Za-z0-9-]+$/, 'letters, digits and -'),
            state: z.enum(['shipped', 'in_transit', 'delivered', 'returned']),
            at: z.iso.datetime({ offset: true }).describe('when it happened'),
            place: safeText(100).optional(),
            note: l10nSchema.optional(),
          }).strict(),
          response: { 200: z.object({ outcome: z.enum(['moved', 'recorded', 'duplicate']), shipmentId: z.number(), state: z.enum(SHIPMENT_STATES) }), 400: problem, 401: problem, 404: problem },
        },
        // Before the body is validated: a forged request learns nothing about what it would have been.
        preValidation: async (req) => {
          const raw = (req as { rawBody?: string }).rawBody ?? '';
          if (!d.verify(req.params.carrier, raw, req.headers['x-carrier-signature'] as string | undefined)) throw new AppError('CARRIER_SIGNATURE_INVALID');
        },
      }, async (req) => {
        const b = req.body;
        const r = await d.carrierEvent(req.params.carrier, { eventId: b.eventId, trackingNo: b.trackingNo, state: b.state, at: new Date(b.at), place: b.place, note: b.note });
        if (r.outcome !== 'moved') req.log.info({ carrier: req.params.carrier, eventId: b.eventId, outcome: r.outcome }, 'carrier event not moving its shipment');
        return { outcome: r.outcome, shipmentId: r.shipment.id, state: r.shipment.state };
      });
    });
  };
}
