// One-click links into one offer (一键登录), the subscriber's side: the hall's /o/<code> page
// exchanges the link's code once for an offer pass, shows that offer, and takes it through the
// offer.accept business with the same quote and confirmation as anywhere else. The pass opens
// this one offer only: it is no bearer token for any other route, and these routes take no offer
// id but the pass's own.
import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../container.ts';
import type { OfferPass } from '../../modules/marketing/index.ts';
import { AppError } from '../../platform/errors.ts';
import { bearerToken } from './auth.ts';
import { requestLang, sendProblem } from './problem.ts';

const l10nSchema = z.object({ 'zh-CN': z.string(), en: z.string() });
const problemSchema = z.object({ type: z.string(), title: z.string(), status: z.number(), code: z.string(), detail: z.string() }).loose();
const offerSchema = z.object({
  id: z.number(), offeringId: z.string(), names: l10nSchema, pitch: l10nSchema, priceFen: z.number(), validityDays: z.number().nullable(), endsAt: z.string(),
  available: z.boolean().describe('Whether it may still be taken now (live, budget left)'),
});
/** The halls a link opens in; the mobile hall unless the page says otherwise. */
const linkChannel = z.enum(['mobile', 'web']).optional();

export function offerLinkRoutes(s: Pick<Services, 'marketing' | 'invoker' | 'clock'>): FastifyPluginAsyncZod {
  const m = s.marketing;

  async function passOf(req: FastifyRequest): Promise<OfferPass> {
    const token = bearerToken(req);
    const p = token ? await m.links.verifyPass(token) : null;
    if (!p) throw new AppError('UNAUTHENTICATED', { detail: { 'zh-CN': '链接已失效，请重新打开短信中的链接或登录', en: 'This page has timed out; open the link again or sign in' } });
    return p;
  }

  async function offerOf(offerId: number) {
    const o = await m.offers.view(offerId);
    const now = s.clock.now();
    const available = o.status === 'active' && new Date(o.startsAt) <= now && new Date(o.endsAt) > now && o.left > 0;
    return { id: o.id, offeringId: o.offeringId, names: o.names, pitch: o.pitch, priceFen: o.priceFen, validityDays: o.validityDays, endsAt: o.endsAt, available };
  }

  return async (app) => {
    const tags = ['offer links'];

    app.post('/offer-links/exchange', {
      schema: {
        tags, summary: "Open a one-click link: its code, once, for a pass to that one offer",
        description: 'A code signs in once and expires (72 hours): `404 OFFER_LINK_INVALID` for a code omnihall did not make, `410 OFFER_LINK_EXPIRED`, `410 OFFER_LINK_USED`. The pass (30 minutes) is the bearer for GET /offer-links/offer and POST /offer-links/accept only.',
        body: z.object({ code: z.string().max(64) }).strict(),
        response: { 200: z.object({ pass: z.string(), expiresInSeconds: z.number(), offer: offerSchema }), 400: problemSchema, 404: problemSchema, 410: problemSchema },
      },
    }, async (req) => {
      const r = await m.links.exchange(req.body.code);
      return { pass: r.pass, expiresInSeconds: r.expiresInSeconds, offer: await offerOf(r.offerId) };
    });

    app.get('/offer-links/offer', {
      schema: { tags, summary: "The pass's offer", response: { 200: offerSchema, 401: problemSchema, 404: problemSchema } },
    }, async (req) => offerOf((await passOf(req)).offerId));

    app.post('/offer-links/accept', {
      schema: {
        tags, summary: "Take the pass's offer: quoted first (409 CONFIRMATION_REQUIRED with the quote), charged once when confirmed",
        description: 'Like POST /businesses/offer.accept: an `Idempotency-Key` header; `confirm: true` with the quote\'s `terms` as `quoteTerms` (409 PRICE_CHANGED if an amount has changed).',
        headers: z.object({ 'idempotency-key': z.string().min(8).max(128).optional(), 'x-omnihall-channel': linkChannel }).loose(),
        body: z.object({ confirm: z.boolean().optional(), quoteTerms: z.string().max(200).optional() }).strict().nullish(),
        response: {
          200: z.object({ status: z.literal('ok'), businessId: z.string(), result: z.unknown(), text: z.object({ short: l10nSchema, long: l10nSchema }), message: z.string(), replayed: z.boolean() }),
          400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema,
        },
      },
    }, async (req, reply) => {
      const pass = await passOf(req);
      const out = await s.invoker.invoke({
        channel: req.headers['x-omnihall-channel'] ?? 'mobile',
        principal: { kind: 'subscriber', subscriberId: pass.subscriberId }, subscriberId: pass.subscriberId,
        businessId: 'offer.accept', input: { offerId: pass.offerId }, confirm: req.body?.confirm, quoteTerms: req.body?.quoteTerms,
        idempotencyKey: req.headers['idempotency-key'] ?? null,
      });
      if (out.status === 'confirmation_required') {
        return sendProblem(reply, req, new AppError('CONFIRMATION_REQUIRED', { detail: out.quote.summary, extra: { quote: out.quote } }));
      }
      if (out.replayed) reply.header('idempotent-replayed', 'true');
      return { status: 'ok' as const, businessId: out.businessId, result: out.result, text: out.text, message: out.text.short[requestLang(req)], replayed: out.replayed };
    });
  };
}
