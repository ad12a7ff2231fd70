// The REST API under /api/v1: sign-in, the business registry, and the demo SMS outbox.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { inputJsonSchema } from '../../businesses/registry.ts';
import { searchTerms } from '../../businesses/search.ts';
import { STAFF_TOKEN_TTL_S, SUBSCRIBER_TOKEN_TTL_S } from '../../modules/identity/index.ts';
import { AppError } from '../../platform/errors.ts';
import { normaliseMsisdn } from '../../platform/msisdn.ts';
import type { Services } from '../../container.ts';
import { bearerToken, requirePrincipal } from './auth.ts';
import { requestLang, sendProblem } from './problem.ts';
import { mallRoutes } from './mall.ts';
import { offerLinkRoutes } from './offer-links.ts';
import { contactPreferenceRoutes } from './contact-preferences.ts';
import { mallCartRoutes } from './mall-cart.ts';
import { mallOrderRoutes } from './mall-orders.ts';
import { mallReviewRoutes } from './mall-reviews.ts';
import { mallFlashSaleRoutes } from './mall-flash-sales.ts';
import { mallPromotionRoutes } from './mall-promotions.ts';

/** A username as typed at sign-in: no NUL or other control characters (PostgreSQL cannot compare those). */
export const staffUsernameSchema = z.string().min(1).max(64).refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'contains a control character');
/**
 * A mainland mobile number as a person types it: `13800000001`, `+86 138 0000 0001`, full-width
 * digits; handed on as the 11 digits it means. Letters are refused, never dropped.
 */
export const msisdnSchema = z.string().max(40)
  .transform((v, ctx) => normaliseMsisdn(v) ?? (ctx.addIssue({ code: 'custom', message: 'not a mainland mobile number: 11 digits starting with 1, optionally after +86' }), z.NEVER))
  .describe('A mainland mobile number: 13800000001, or +86 138 0000 0001');
const l10nSchema = z.object({ 'zh-CN': z.string(), en: z.string() });
const problemSchema = z.object({ type: z.string(), title: z.string(), status: z.number(), code: z.string(), detail: z.string() }).loose();

/**
 * The hall a subscriber's request comes from: the web hall, mobile hall and kiosk say which in
 * `X-Omnihall-Channel`, so a business withdrawn on one of them is gone there; other clients are
 * the open API. (It only chooses which channel's catalogue applies; prices are the same.)
 */
export const HALL_CHANNELS = ['web', 'mobile', 'kiosk', 'api'] as const;
const hallChannelHeader = z.enum(HALL_CHANNELS).optional()
  .describe('The hall the request comes from: web, mobile, kiosk (the web app sends it), else api');

export function apiRoutes(s: Pick<Services, 'authSessions' | 'clock' | 'config' | 'invoker' | 'otp' | 'registry' | 'sms' | 'staff' | 'subscribers' | 'tokens' | 'goods' | 'marketing' | 'cart' | 'checkoutQuotes' | 'checkout' | 'reviews' | 'flashSales' | 'promotions'>): FastifyPluginAsyncZod {
  return async (app) => {
    // The mall's public goods, prices and stock (src/channels/api/mall.ts).
    await app.register(mallRoutes(s));
    await app.register(offerLinkRoutes(s));
    // The subscriber's marketing contact settings (src/channels/api/contact-preferences.ts).
    await app.register(contactPreferenceRoutes(s));
    // The mall's cart, a subscriber's or a guest's (src/channels/api/mall-cart.ts).
    await app.register(mallCartRoutes(s));
    await app.register(mallOrderRoutes(s));
    // Reviews of goods and offerings, helpful votes, the subscriber's own (src/channels/api/mall-reviews.ts).
    await app.register(mallReviewRoutes(s));
    // Flash sales (秒杀): the public list, a buyer's try for a unit, staff's new sale (src/channels/api/mall-flash-sales.ts).
    await app.register(mallFlashSaleRoutes(s));
    // Promotions and coupons: the activity zone, the wallet, a claim (src/channels/api/mall-promotions.ts).
    await app.register(mallPromotionRoutes(s));

    app.post('/auth/otp', {
      schema: {
        tags: ['auth'], summary: 'Send a one-time sign-in code by SMS',
        description:
          'The same answer for every well-formed number, a subscriber\'s or not: 202, "if this is an omnihall number, a code is on its way" (`message` in the request\'s language, `messages` in both). ' +
          'At most 1 code a minute and 5 an hour per number, 10 in 10 minutes per source address (then blocked, the block doubling up to an hour): `429 RATE_LIMITED` with `retryAfter` seconds and `Retry-After`.',
        body: z.object({ msisdn: msisdnSchema }).strict(),
        response: {
          202: z.object({ expiresInSeconds: z.number(), message: z.string(), messages: l10nSchema }),
          400: problemSchema, 429: problemSchema,
        },
      },
    }, async (req, reply) => {
      const r = await s.otp.request(req.body.msisdn, req.ip);
      return reply.code(202).send({ expiresInSeconds: r.expiresInSeconds, message: r.messages[requestLang(req)], messages: r.messages });
    });

    app.post('/auth/token', {
      schema: {
        tags: ['auth'], summary: 'Exchange a one-time code for a bearer token',
        description: 'After 10 wrong codes in 10 minutes from one source address, or 10 in an hour for one number (whatever code they were for): `429 RATE_LIMITED` with `retryAfter` and `Retry-After`, the block doubling up to an hour.',
        body: z.object({ msisdn: msisdnSchema, code: z.string().regex(/^\d{6}$/, 'six digits') }).strict(),
        response: { 200: z.object({ token: z.string(), expiresInSeconds: z.number() }), 400: problemSchema, 401: problemSchema, 429: problemSchema },
      },
    }, async (req) => {
      const subscriberId = await s.otp.verify(req.body.msisdn, req.body.code, req.ip);
      return { token: await s.authSessions.issue({ kind: 'subscriber', subscriberId }, SUBSCRIBER_TOKEN_TTL_S), expiresInSeconds: SUBSCRIBER_TOKEN_TTL_S };
    });

    app.post('/auth/staff/token', {
      schema: {
        tags: ['auth'], summary: 'Staff sign-in with username and password',
        description: 'Locked like the console\'s sign-in: `429 TOO_MANY_ATTEMPTS` with `Retry-After` after repeated failures for the user or the source address.',
        body: z.object({ username: staffUsernameSchema, password: z.string().min(1).max(256) }).strict(),
        response: { 200: z.object({ token: z.string(), roles: z.array(z.string()), expiresInSeconds: z.number() }), 400: problemSchema, 401: problemSchema, 429: problemSchema },
      },
    }, async (req) => {
      const u = await s.staff.signIn(req.body.username, req.body.password, req.ip);
      const token = await s.authSessions.issue({ kind: 'staff', staffId: u.id, roles: u.roles }, STAFF_TOKEN_TTL_S);
      return { token, roles: u.roles, expiresInSeconds: STAFF_TOKEN_TTL_S };
    });

    app.post('/auth/sign-out', {
      schema: {
        tags: ['auth'], summary: 'Sign out: the bearer token (a subscriber\'s or a staff member\'s) stops working on every node',
        description: 'With `everywhere: true`, every session of the token\'s subscriber or staff member ends. 401 for a token that is not valid (already signed out, expired, forged).',
        body: z.object({ everywhere: z.boolean().optional() }).strict().nullish(),
        response: { 204: z.null().describe('Signed out'), 400: problemSchema, 401: problemSchema },
      },
    }, async (req, reply) => {
      const p = requirePrincipal(s, req);
      const actor = p.kind === 'staff' ? await s.staff.actor(p.staffId, p.roles, req.ip) : null;
      await s.authSessions.signOut(bearerToken(req)!, req.body?.everywhere ?? false);
      if (actor) await s.staff.signedOut(actor);
      return reply.code(204).send(null);
    });

    app.get('/businesses', {
      schema: {
        tags: ['businesses'], summary: 'Every business in the registry, with its input JSON Schema',
        description: 'With `channel`, only the businesses offered on that channel (staff may withdraw one on a channel).',
        querystring: z.object({ channel: z.enum(HALL_CHANNELS).optional() }).strict(),
        response: {
          200: z.object({
            businesses: z.array(z.object({
              id: z.string(), kind: z.enum(['query', 'transaction']), names: l10nSchema, descriptions: l10nSchema,
              confirm: z.boolean(), input: z.record(z.string(), z.unknown()),
              keywords: z.array(z.string()).describe('How people ask for it, Chinese and English (查话费, 充值, top up): one search box matches these'),
              pinyinInitials: z.string().describe('The pinyin initials of its Chinese name (充值缴费 → czjf), for searching by initials'),
            })),
          }),
        },
      },
    }, async (req) => {
      const hidden = req.query.channel ? await s.invoker.withdrawnOn(req.query.channel) : new Set<string>();
      return {
        businesses: s.registry.list().filter((b) => !hidden.has(b.id)).map((b) => ({
          id: b.id, kind: b.kind, names: b.names, descriptions: b.descriptions, confirm: b.confirm, input: inputJsonSchema(b), ...searchTerms(b),
        })),
      };
    });

    app.post('/businesses/:id', {
      schema: {
        tags: ['businesses'],
        summary: 'Run a business for the signed-in subscriber',
        description:
          'Transactions need an `Idempotency-Key` header; a repeated key returns the first answer. ' +
          'A business that charges answers 409 CONFIRMATION_REQUIRED with a `quote` until called with `confirm: true`; ' +
          'send the quote\'s `terms` back as `quoteTerms` and, if any amount has changed, nothing is charged and the answer is 409 PRICE_CHANGED with the new quote. ' +
          'Staff with the right role may act for a subscriber by giving `msisdn`.',
        params: z.object({ id: z.string().max(64) }),
        headers: z.object({ 'idempotency-key': z.string().min(8).max(128).optional(), 'x-omnihall-channel': hallChannelHeader }).loose(),
        body: z.object({
          input: z.record(z.string(), z.unknown()).optional(),
          confirm: z.boolean().optional(),
          quoteTerms: z.string().max(200).optional()
            .describe('The terms of the quote being confirmed: if any amount in them has changed, nothing is charged and the answer is 409 PRICE_CHANGED with the new quote'),
          quotedPriceFen: z.number().int().min(0).optional()
            .describe('The priceFen of the quote being confirmed, for clients that keep only the price: if it is no longer this, nothing is charged and the answer is 409 PRICE_CHANGED with the new quote'),
          msisdn: msisdnSchema.optional(),
        }).strict().optional(),
        response: {
          200: z.object({ status: z.literal('ok'), businessId: z.string(), result: z.unknown(), text: z.object({ short: l10nSchema, long: l10nSchema }), message: z.string(), replayed: z.boolean() }),
          400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema,
        },
      },
    }, async (req, reply) => {
      const principal = requirePrincipal(s, req);
      const body = req.body ?? {};
      let subscriberId: number;
      if (principal.kind === 'subscriber') {
        subscriberId = principal.subscriberId;
        if (body.msisdn) {
          const other = await s.subscribers.byMsisdn(body.msisdn);
          if (other?.id !== subscriberId) throw new AppError('FORBIDDEN');
        }
      } else {
        if (!body.msisdn) throw new AppError('INVALID_INPUT', { detail: { 'zh-CN': '请提供客户号码 msisdn', en: 'Give the subscriber’s msisdn' } });
        const sub = await s.subscribers.byMsisdn(body.msisdn);
        if (!sub) throw new AppError('NOT_A_SUBSCRIBER');
        subscriberId = sub.id;
      }
      const out = await s.invoker.invoke({
        channel: principal.kind === 'staff' ? 'agent' : (req.headers['x-omnihall-channel'] ?? 'api'),
        principal, subscriberId, businessId: req.params.id, input: body.input ?? {}, confirm: body.confirm,
        quoteTerms: body.quoteTerms, quotedPriceFen: body.quotedPriceFen,
        idempotencyKey: req.headers['idempotency-key'] ?? null,
      });
      const lang = requestLang(req);
      if (out.status === 'confirmation_required') {
        return sendProblem(reply, req, new AppError('CONFIRMATION_REQUIRED', { detail: out.quote.summary, extra: { quote: out.quote } }));
      }
      if (out.replayed) reply.header('idempotent-replayed', 'true');
      return { status: 'ok' as const, businessId: out.businessId, result: out.result, text: out.text, message: out.text.short[lang], replayed: out.replayed };
    });

    if (s.config.demo) {
      app.get('/demo/sms-outbox', {
        schema: {
          tags: ['demo'], summary: 'Demo mode only: the SMS messages omnihall would have sent to a number',
          querystring: z.object({ msisdn: msisdnSchema }).strict(),
          response: { 200: z.object({ messages: z.array(z.object({ id: z.number(), text: z.string(), purpose: z.string(), createdAt: z.string() })) }) },
        },
      }, async (req) => {
        const rows = await s.sms.outbox(req.query.msisdn);
        return { messages: rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })) };
      });
    }
  };
}
