// Payments on the subscriber REST API (docs/payments.md): pay an order with a chosen method
// (explicitly confirmed, under an Idempotency-Key), read a payment, recharge paid online, the
// providers' notify endpoints (form-encoded; answered in the provider's own word: `success` or
// `fail`), and the built-in sandbox gateway's pay page with 支付 and 取消.
import { z } from 'zod';
import formbody from '@fastify/formbody';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../../container.ts';
import { RECHARGE_MAX_FEN, RECHARGE_MIN_FEN } from '../../businesses/limits.ts';
import { PAYMENT_METHODS, RECHARGE_METHODS, paymentView, type NextStep, type Payment, type SandboxGateway } from '../../modules/payment/index.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n, yuan } from '../../platform/i18n.ts';
import { requireSubscriber } from './auth.ts';
import { sendProblem } from './problem.ts';
import { safeText } from '../schemas.ts';

type Deps = Pick<Services, 'payments' | 'paidRecharges' | 'tokens' | 'clock'>;

const problem = z.object({ type: z.string(), title: z.string(), status: z.number(), code: z.string(), detail: z.string() }).loose();
const l10nSchema = z.object({ 'zh-CN': z.string(), en: z.string() });
const idempotencyHeaders = z.object({ 'idempotency-key': z.string().min(8).max(128).optional() }).loose();
const paymentSchema = z.object({
  id: z.string(), orderRef: z.string(), method: z.enum(PAYMENT_METHODS), state: z.string(), totalFen: z.number(), points: z.number(), pointsFen: z.number(),
  amountFen: z.number(), refundedFen: z.number(), refundedPoints: z.number(), subject: z.string(), providerTradeNo: z.string().nullable(),
  expiresAt: z.string(), paidAt: z.string().nullable(), createdAt: z.string(),
});
const nextSchema = z.object({ kind: z.enum(['redirect', 'paid', 'pending']), url: z.string().optional() })
  .describe('redirect: send the subscriber to `url` (the provider\'s pay page); paid: done; pending: settled later (cash on delivery)');
const createdSchema = z.object({ payment: paymentSchema, next: nextSchema, replayed: z.boolean() });

function keyOf(headers: { 'idempotency-key'?: string }): string {
  const key = headers['idempotency-key'];
  if (!key) throw new AppError('IDEMPOTENCY_KEY_REQUIRED');
  return key;
}

function created(r: { payment: Payment; next: NextStep; replayed: boolean }) {
  return { payment: paymentView(r.payment), next: r.next, replayed: r.replayed };
}

/** The quote a payment is confirmed on: answered 409 CONFIRMATION_REQUIRED until `confirm: true`. */
function confirmation(q: { totalFen: number; points: number; pointsFen: number; amountFen: number; summary: { 'zh-CN': string; en: string } }, method: string) {
  return new AppError('CONFIRMATION_REQUIRED', { detail: q.summary, extra: { quote: { ...q, method } } });
}

const esc = (t: string) => t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Where the pay page sends the browser back to once the trade is decided (a real gateway's
 * return_url): a path on this site only, so the page cannot be made to send anyone elsewhere.
 */
function returnPath(v: string | undefined): string | undefined {
  return v !== undefined && /^\/(?![/\\])[\x21-\x7e]{0,299}$/.test(v) ? v : undefined;
}

/** The sandbox gateway's page, in both languages: what is paid, and 支付 / 取消 (or what became of it). */
function payPage(g: SandboxGateway, tradeNo: string, t: { amountFen: number; outTradeNo: string; status: string } | undefined, note?: { 'zh-CN': string; en: string }, back?: string): string {
  const title = `${g.names['zh-CN']} · ${g.names.en}`;
  const carry = back ? `?return=${encodeURIComponent(back)}` : '';
  const body = !t
    ? '<p>没有这笔交易 · No such trade</p>'
    : `<p>订单 Order <code>${esc(t.outTradeNo)}</code></p><p class="amt">¥${yuan(t.amountFen)}</p>` +
      (note ? `<p>${esc(note['zh-CN'])} · ${esc(note.en)}</p>` : '') +
      (t.status === 'WAIT_BUYER_PAY'
        ? `<form method="post" action="${esc(tradeNo)}/pay${esc(carry)}"><button type="submit">支付 Pay</button></form><form method="post" action="${esc(tradeNo)}/cancel${esc(carry)}"><button type="submit" class="c">取消 Cancel</button></form>`
        : `<p>${t.status === 'TRADE_SUCCESS' ? '已支付，正在通知商户 · Paid; the merchant is being told' : '已取消 · Cancelled'}</p>` +
          (back ? `<p><a href="${esc(back)}">返回商户 · Back to the merchant</a></p>` : ''));
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title>` +
    '<style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;color:#1f1f1f}.amt{font-size:2rem;font-weight:600}button{font-size:1.1rem;padding:.6rem 2rem;margin:.3rem 0;border:0;border-radius:6px;background:#1456b8;color:#fff}button.c{background:#595959}</style>' +
    `</head><body><h1>${esc(title)}</h1>${body}</body></html>`;
}

export function paymentRoutes(s: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['payments'];
    const p = s.payments;

    app.get('/payments/methods', {
      schema: { tags, summary: 'The ways of paying offered (points, the phone balance, cash on delivery, the configured providers)', response: { 200: z.object({ methods: z.array(z.object({ method: z.enum(PAYMENT_METHODS), names: l10nSchema })) }) } },
    }, async () => ({ methods: p.methods() }));

    app.post('/payments', {
      schema: {
        tags, summary: 'Pay an order of the signed-in subscriber: points for part, the rest by the chosen method',
        description:
          'Needs an `Idempotency-Key`: a repeated key returns the first payment (`replayed: true`). Answers 409 CONFIRMATION_REQUIRED with a `quote` (the points part and the money part) until called with `confirm: true`; ' +
          'with `quotedTotalFen` from that quote, an order whose total has changed answers 409 PRICE_CHANGED and nothing is charged. ' +
          'Points over the balance: 400 POINTS_INSUFFICIENT; points that are not a whole number of fen or worth more than the order: 400 PAYMENT_AMOUNT_INVALID.',
        headers: idempotencyHeaders,
        body: z.object({
          orderRef: safeText(120).describe('The order to pay, as its module names it (e.g. order:123)'),
          method: z.enum(PAYMENT_METHODS),
          points: z.number().int().min(0).max(100_000_000).optional(),
          confirm: z.boolean().optional(),
          quotedTotalFen: z.number().int().min(0).optional(),
        }).strict(),
        response: { 200: createdSchema, 201: createdSchema, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 422: problem },
      },
    }, async (req, reply) => {
      const subscriberId = requireSubscriber(s, req);
      const key = keyOf(req.headers);
      const b = req.body;
      const order = await p.describe(b.orderRef, subscriberId);
      const q = p.quote({ method: b.method, totalFen: order.totalFen, points: b.points });
      if (b.confirm !== true) return sendProblem(reply, req, confirmation(q, b.method));
      if (b.quotedTotalFen !== undefined && b.quotedTotalFen !== order.totalFen) {
        return sendProblem(reply, req, new AppError('PRICE_CHANGED', { extra: { quote: { ...q, method: b.method } } }));
      }
      const r = await p.create({ subscriberId, orderRef: b.orderRef, method: b.method, totalFen: order.totalFen, points: b.points, subject: order.subject, idempotencyKey: key });
      if (r.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(r.replayed ? 200 : 201).send(created(r));
    });

    app.get('/payments/:id', {
      schema: { tags, summary: 'One of the signed-in subscriber\'s payments', params: z.object({ id: z.string().max(64) }), response: { 200: paymentSchema, 401: problem, 403: problem, 404: problem } },
    }, async (req) => paymentView(await p.ofSubscriber(req.params.id, requireSubscriber(s, req))));

    app.post('/recharges', {
      schema: {
        tags, summary: 'Recharge this number, paid online: the balance is credited when the verified payment notification arrives',
        description:
          'The web hall, mobile hall and kiosk recharge this way (the `recharge` business, which credits at once, is the operator\'s top-up on SMS and USSD). ' +
          'Needs an `Idempotency-Key` (a repeated key is the same recharge) and `confirm: true` (else 409 CONFIRMATION_REQUIRED with the quote). Answers where to pay (`next.url`).',
        headers: idempotencyHeaders,
        body: z.object({
          amountFen: z.number().int('whole fen only').min(RECHARGE_MIN_FEN).max(RECHARGE_MAX_FEN).describe('amount in fen (1 yuan = 100 fen)'),
          method: z.enum(RECHARGE_METHODS),
          confirm: z.boolean().optional(),
        }).strict(),
        response: { 200: createdSchema, 201: createdSchema, 400: problem, 401: problem, 403: problem, 409: problem, 422: problem },
      },
    }, async (req, reply) => {
      const subscriberId = requireSubscriber(s, req);
      const key = keyOf(req.headers);
      const { amountFen, method, confirm } = req.body;
      if (!p.provider(method)) throw new AppError('PAYMENT_METHOD_UNAVAILABLE');
      const q = s.paidRecharges.quote(amountFen, method);
      if (confirm !== true) {
        const summary = l10n(`充值${yuan(amountFen)}元，${q.summary['zh-CN']}`, `Recharge ¥${yuan(amountFen)}: ${q.summary.en}`);
        return sendProblem(reply, req, confirmation({ ...q, summary }, method));
      }
      const r = await s.paidRecharges.start({ subscriberId, amountFen, method, idempotencyKey: key });
      if (r.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(r.replayed ? 200 : 201).send(created(r));
    });

    // The providers' side: form-encoded bodies, answered as each provider expects.
    await app.register(async (scope) => {
      await scope.register(formbody);
      const gw = scope.withTypeProvider<ZodTypeProvider>();

      gw.post('/payments/notify/:provider', {
        schema: {
          tags, summary: 'A payment provider\'s asynchronous notification (form-encoded, signed by the provider)',
          description: 'Answers `success` when the notification is verified (and then counted once: the same notification again credits nothing) and `fail` when it is refused (a forged signature, an amount that is not the payment\'s, a replay from outside the provider\'s retry window): nothing credited.',
          params: z.object({ provider: z.string().max(20) }),
          body: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
        },
      }, async (req, reply) => {
        const form = Object.fromEntries(Object.entries(req.body).map(([k, v]) => [k, Array.isArray(v) ? v[0] ?? '' : v]));
        const r = await p.notify(req.params.provider, form);
        if (!r.ok) req.log.warn({ provider: req.params.provider, outcome: r.outcome, paymentId: r.paymentId }, 'payment notification refused');
        return reply.type('text/plain; charset=utf-8').send(r.answer);
      });

      for (const g of [p.sandbox, p.bank]) {
        if (!g) continue;
        // Notifications go to our own notify endpoint through the whole HTTP stack (parser, edge rule, route).
        g.deliverWith(async (provider, form) => (await gw.inject({
          method: 'POST', url: `/api/v1/payments/notify/${provider}`, payload: new URLSearchParams(form).toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        })).body);
      }

      const gateway = (tradeNo: string) => (tradeNo.startsWith('BK') ? p.bank : p.sandbox);
      const tradeParams = z.object({ tradeNo: z.string().regex(/^(SB|BK)[A-Za-z0-9_-]{8,40}$/) });
      const pageQuery = z.object({ return: z.string().max(300).optional().describe('a path on this site the page links back to once the trade is decided (e.g. /recharge?payment=…); anything else is ignored') });
      gw.get('/payments/sandbox/:tradeNo', {
        schema: { tags, summary: 'The sandbox gateway\'s pay page (HTML): 支付 / 取消', params: tradeParams, querystring: pageQuery },
      }, async (req, reply) => {
        const g = gateway(req.params.tradeNo);
        if (!g) throw new AppError('NOT_FOUND');
        const t = await g.trade(req.params.tradeNo);
        return reply.code(t ? 200 : 404).type('text/html; charset=utf-8').send(payPage(g, req.params.tradeNo, t, undefined, returnPath(req.query.return)));
      });
      for (const action of ['pay', 'cancel'] as const) {
        gw.post(`/payments/sandbox/:tradeNo/${action}`, {
          schema: { tags, summary: action === 'pay' ? 'The sandbox gateway\'s 支付 button: the trade is paid and notified' : 'The sandbox gateway\'s 取消 button: the trade is closed and notified', params: tradeParams, querystring: pageQuery },
        }, async (req, reply) => {
          const g = gateway(req.params.tradeNo);
          if (!g) throw new AppError('NOT_FOUND');
          const moved = await g.decide(req.params.tradeNo, action === 'pay');
          const t = await g.trade(req.params.tradeNo);
          const note = moved ? undefined : l10n('该交易已处理，未重复扣款', 'This trade was already decided; nothing was taken twice');
          return reply.code(t ? 200 : 404).type('text/html; charset=utf-8').send(payPage(g, req.params.tradeNo, t, note, returnPath(req.query.return)));
        });
      }
    });
  };
}
