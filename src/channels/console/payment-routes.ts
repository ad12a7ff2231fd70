// The staff console's payments (docs/console-api.md, "Payments"): search, one payment with its
// notifications and refunds, refunds (full or partial; the ops role; above the approval threshold
// a second person approves), cash on delivery settled, and the day's reconciliation report.
// Thin over the payment module, which holds every rule and role check; every change is audited.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../container.ts';
import { PAYMENT_METHODS, PAYMENT_STATES, paymentView, refundView } from '../../modules/payment/index.ts';
import { staffActor } from '../api/auth.ts';
import { subscriberIdOf } from './numbers.ts';
import { safeText } from '../schemas.ts';

type Deps = Pick<Services, 'payments' | 'subscribers' | 'tokens' | 'clock' | 'staff'>;

const problem = z.object({ type: z.string(), title: z.string(), status: z.number(), code: z.string(), detail: z.string() }).loose();
const errors = { 400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 502: problem };
const paymentSchema = z.object({
  id: z.string(), orderRef: z.string(), method: z.string(), state: z.string(), totalFen: z.number(), points: z.number(), pointsFen: z.number(),
  amountFen: z.number(), refundedFen: z.number(), refundedPoints: z.number(), subject: z.string(), providerTradeNo: z.string().nullable(),
  expiresAt: z.string(), paidAt: z.string().nullable(), createdAt: z.string(),
});
const refundSchema = z.object({ id: z.string(), paymentId: z.string(), amountFen: z.number(), points: z.number(), state: z.string(), reason: z.string(), requestedBy: z.number().nullable(), reviewedBy: z.number().nullable(), createdAt: z.string() });
const lineSchema = z.object({ paymentId: z.string(), tradeNo: z.string().nullable(), oursFen: z.number().nullable(), theirsFen: z.number().nullable(), oursState: z.string().nullable(), theirsState: z.string().nullable() });
const idParams = z.object({ id: z.string().min(1).max(64) });
const ROLES = ['ops', 'agent'] as const;

export function paymentConsoleRoutes(s: Deps): FastifyPluginAsyncZod {
  const p = s.payments;
  return async (app) => {
    const tags = ['console: payments'];

    app.get('/payments', {
      schema: {
        tags, summary: 'Payments, newest first: by number, order reference, state or method',
        querystring: z.object({ msisdn: z.string().max(30).optional(), orderRef: safeText(120).optional(), state: z.enum(PAYMENT_STATES).optional(), method: z.enum(PAYMENT_METHODS).optional(), limit: z.coerce.number().int().min(1).max(200).optional() }).strict(),
        response: { 200: z.object({ items: z.array(paymentSchema) }), ...errors },
      },
    }, async (req) => {
      await staffActor(s, req, ROLES);
      const { msisdn, ...f } = req.query;
      const found = msisdn ? await subscriberIdOf(s, msisdn) : undefined;
      if (found === null) return { items: [] };
      const subscriberId = found;
      return { items: (await p.search({ ...f, subscriberId })).map(paymentView) };
    });

    app.get('/payments/reconciliation', {
      schema: {
        tags, summary: "A day's payments of one provider against the provider's side (Beijing time)",
        querystring: z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), method: z.enum(PAYMENT_METHODS) }).strict(),
        response: { 200: z.object({ day: z.string(), method: z.string(), matched: z.number(), matchedFen: z.number(), missingOnOurs: z.array(lineSchema), missingOnTheirs: z.array(lineSchema), amountMismatches: z.array(lineSchema) }), ...errors },
      },
    }, async (req) => {
      await staffActor(s, req, ['ops']);
      return p.report(req.query.day, req.query.method);
    });

    app.get('/payments/:id', {
      schema: {
        tags, summary: 'One payment with its notifications and refunds', params: idParams,
        response: { 200: z.object({ payment: paymentSchema, notifications: z.array(z.object({ id: z.number(), provider: z.string(), tradeNo: z.string().nullable(), status: z.string().nullable(), verified: z.boolean(), outcome: z.string(), receivedAt: z.string() })), refunds: z.array(refundSchema) }), ...errors },
      },
    }, async (req) => {
      await staffActor(s, req, ROLES);
      const payment = await p.get(req.params.id);
      const h = await p.history(payment.id);
      return {
        payment: paymentView(payment),
        notifications: h.notifications.map((n) => ({ ...n, receivedAt: new Date(n.receivedAt).toISOString() })),
        refunds: h.refunds.map(refundView),
      };
    });

    app.post('/payments/:id/refunds', {
      schema: {
        tags, summary: 'Refund a payment: all that is left (no amount) or part of its money part; its points come back in proportion',
        description: 'The ops role. Above the approval threshold (PAYMENT_REFUND_APPROVAL_FEN, ¥500) the refund waits, `awaiting_approval`, for another person to approve it. 400 REFUND_EXCEEDS_PAID over what is left; 409 REFUND_NOT_ALLOWED once refunded in full. ' +
          'With an `Idempotency-Key`, the same key on the same payment again answers the first refund (200, `idempotent-replayed`), another body under it 422 IDEMPOTENCY_KEY_REUSED: a request sent twice refunds once. ' +
          'A mall order whose payment is refunded in full (money and points) is refunded in the same transaction.',
        params: idParams, headers: z.object({ 'idempotency-key': z.string().min(8).max(128).optional() }).loose(),
        body: z.object({ amountFen: z.number().int().min(1).optional(), reason: safeText(200).pipe(z.string().trim().min(1)) }).strict(),
        response: { 200: refundSchema, 201: refundSchema, ...errors, 422: problem },
      },
    }, async (req, reply) => {
      const actor = await staffActor(s, req, ['ops']);
      const r = await p.requestRefund(actor, req.params.id, { ...req.body, idempotencyKey: req.headers['idempotency-key'] });
      if (r.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(r.replayed ? 200 : 201).send(refundView(r.refund));
    });

    app.post('/payments/refunds/:id/review', {
      schema: {
        tags, summary: 'Approve (it runs) or reject (with a reason) a refund awaiting approval; not by who asked for it',
        params: idParams, body: z.object({ approve: z.boolean(), reason: safeText(200).optional() }).strict(),
        response: { 200: refundSchema, ...errors },
      },
    }, async (req) => {
      const actor = await staffActor(s, req, ['ops']);
      const d = req.body.approve ? { approve: true as const } : { approve: false as const, reason: req.body.reason ?? '' };
      return refundView(await p.reviewRefund(actor, req.params.id, d));
    });

    app.post('/payments/:id/delivered', {
      schema: { tags, summary: 'Cash on delivery: the courier took the cash, the payment is paid', params: idParams, response: { 200: paymentSchema, ...errors } },
    }, async (req) => {
      const actor = await staffActor(s, req, ['ops']);
      return paymentView(await p.settleOnDelivery(req.params.id, actor));
    });
  };
}
