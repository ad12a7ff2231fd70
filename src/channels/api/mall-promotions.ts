// The mall's promotions and coupons over REST (docs/mall.md, "Promotions"): the public activity zone
// (活动专区: live automatic promotions and coupon templates with coupons left, their rule in the
// caller's language and what they apply to), a signed-in subscriber's wallet (我的优惠券: usable,
// used, expired) and a claim under an Idempotency-Key. Thin over the promotion module, which holds
// every rule and limit; a refused claim changes nothing.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../container.ts';
import { BENEFITS, PROMOTION_MODES, PROMOTION_STATUSES, type CouponView, type PromotionView } from '../../modules/promotion/index.ts';
import { AppError } from '../../platform/errors.ts';
import type { Lang } from '../../platform/i18n.ts';
import { requireSubscriber } from './auth.ts';
import { requestLang } from './problem.ts';

type Deps = Pick<Services, 'promotions' | 'goods' | 'tokens' | 'clock'>;

const problem = z.object({ type: z.string(), title: z.string(), status: z.number(), code: z.string(), detail: z.string() }).loose();
const errors = { 400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 422: problem };
const l10nSchema = z.object({ 'zh-CN': z.string(), en: z.string() });

const benefitFields = {
  benefit: z.enum(BENEFITS).describe('amount: offFen off; percent: percentOff per cent off (10 is 9折), at most capFen'),
  offFen: z.number().nullable(), percentOff: z.number().nullable(), capFen: z.number().nullable(),
  minSpendFen: z.number().describe('Spend at least this, in fen, on the goods it covers (满 X); 0: no threshold'),
};
const scopeFields = {
  productIds: z.array(z.number()), categoryIds: z.array(z.number()).describe('Each with the categories below it'),
  wholeShop: z.boolean().describe('Neither products nor categories named: every item in the mall'),
  categories: z.array(z.object({ id: z.number(), name: z.string() })).describe("The named categories with their names in the caller's language"),
};

/** A promotion as the public sees it. */
export const publicPromotionSchema = z.object({
  id: z.number(), mode: z.enum(['auto', 'wallet']).describe('auto: applies at checkout without a code; wallet: a coupon template to claim'),
  name: z.string().describe("In the caller's language (Accept-Language; zh-CN by default)"), names: l10nSchema,
  rule: z.string().describe("What it gives in the caller's language: 满300元减30元, 9折，最高减50元"), rules: l10nSchema,
  ...benefitFields, ...scopeFields,
  startsAt: z.string(), endsAt: z.string(), startsAtLocal: z.string().describe('Beijing time, 2026-12-01 00:00'), endsAtLocal: z.string(),
  validDays: z.number().nullable().describe('wallet: days a claimed coupon lasts (never past endsAt); null: until endsAt'),
  perSubscriberLimit: z.number().nullable().describe('auto: uses per subscriber; wallet: coupons a subscriber may claim; null: no limit'),
  left: z.number().nullable().describe('Uses (auto) or coupons to claim (wallet) left under the global limit; null: no limit'),
});

export const couponSchema = z.object({
  id: z.number(), code: z.string().describe('What checkout takes as couponCode: CP and ten letters and digits'), promotionId: z.number(),
  name: z.string(), names: l10nSchema, rule: z.string(), rules: l10nSchema, ...benefitFields, ...scopeFields,
  state: z.enum(['usable', 'used', 'expired']),
  validFrom: z.string(), validUntil: z.string(), validFromLocal: z.string(), validUntilLocal: z.string().describe('Beijing time'),
  claimedAt: z.string(), usedAt: z.string().nullable(),
});

/** A promotion as staff see it (the console): its review and its counts. */
export const promotionSchema = z.object({
  id: z.number(), mode: z.enum(PROMOTION_MODES), code: z.string().nullable(), names: l10nSchema, terms: l10nSchema.describe('The rule in words: 满300元减30元 / ¥30 off ¥300'),
  ...benefitFields, productIds: z.array(z.number()), categoryIds: z.array(z.number()),
  startsAt: z.string(), endsAt: z.string(), startsAtLocal: z.string(), endsAtLocal: z.string(), validDays: z.number().nullable(),
  perSubscriberLimit: z.number().nullable(), globalLimit: z.number().nullable(),
  issued: z.number().describe('Coupons claimed (wallet)'), used: z.number().describe('Uses held by orders not released'),
  left: z.number().nullable().describe('Left under the global limit (uses, or coupons to claim for wallet); null: no limit'),
  status: z.enum(PROMOTION_STATUSES), createdBy: z.number(), submittedBy: z.number().nullable(), reviewedBy: z.number().nullable(), reviewReason: z.string().nullable(),
});

type Names = Map<number, { 'zh-CN': string; en: string }>;

async function categoryNames(s: Deps): Promise<Names> {
  const out: Names = new Map();
  const walk = (cs: Awaited<ReturnType<Deps['goods']['products']['categories']>>) => { for (const c of cs) { out.set(c.id, c.names); walk(c.children); } };
  walk(await s.goods.products.categories());
  return out;
}

function scope(v: { productIds: number[]; categoryIds: number[] }, names: Names, lang: Lang) {
  return {
    productIds: v.productIds, categoryIds: v.categoryIds, wholeShop: !v.productIds.length && !v.categoryIds.length,
    categories: v.categoryIds.map((id) => ({ id, name: names.get(id)?.[lang] ?? String(id) })),
  };
}

function publicView(v: PromotionView, names: Names, lang: Lang): z.infer<typeof publicPromotionSchema> {
  return {
    id: v.id, mode: v.mode === 'wallet' ? 'wallet' : 'auto', name: v.names[lang], names: v.names, rule: v.terms[lang], rules: v.terms,
    benefit: v.benefit, offFen: v.offFen, percentOff: v.percentOff, capFen: v.capFen, minSpendFen: v.minSpendFen, ...scope(v, names, lang),
    startsAt: v.startsAt, endsAt: v.endsAt, startsAtLocal: v.startsAtLocal, endsAtLocal: v.endsAtLocal, validDays: v.validDays,
    perSubscriberLimit: v.perSubscriberLimit, left: v.left,
  };
}

function couponOut(c: CouponView, names: Names, lang: Lang): z.infer<typeof couponSchema> {
  return {
    id: c.id, code: c.code, promotionId: c.promotionId, name: c.names[lang], names: c.names, rule: c.terms[lang], rules: c.terms,
    benefit: c.benefit, offFen: c.offFen, percentOff: c.percentOff, capFen: c.capFen, minSpendFen: c.minSpendFen, ...scope(c, names, lang),
    state: c.state, validFrom: c.validFrom, validUntil: c.validUntil, validFromLocal: c.validFromLocal, validUntilLocal: c.validUntilLocal, claimedAt: c.claimedAt, usedAt: c.usedAt,
  };
}

export function mallPromotionRoutes(s: Deps): FastifyPluginAsyncZod {
  const p = s.promotions;
  return async (app) => {
    const tags = ['mall: promotions'];

    app.get('/mall/promotions', {
      schema: {
        tags, summary: 'The activity zone: live promotions and coupons to claim, with their rule in the caller\'s language',
        description: 'No sign-in. `promotions`: automatic ones (满减, 折扣) checkout applies by itself (the one taking most off, plus one coupon); ' +
          '`coupons`: templates a signed-in subscriber claims with POST /api/v1/mall/coupons, only those with coupons left. Approved, not paused, within their window.',
        response: { 200: z.object({ promotions: z.array(publicPromotionSchema), coupons: z.array(publicPromotionSchema), serverTime: z.string() }), ...errors },
      },
    }, async (req) => {
      const lang = requestLang(req);
      const [live, names] = await Promise.all([p.live(), categoryNames(s)]);
      return { promotions: live.promotions.map((v) => publicView(v, names, lang)), coupons: live.coupons.map((v) => publicView(v, names, lang)), serverTime: s.clock.now().toISOString() };
    });

    app.get('/mall/coupons', {
      schema: {
        tags, summary: 'The signed-in subscriber\'s coupons: usable (soonest to expire first), used, expired',
        response: { 200: z.object({ usable: z.array(couponSchema), used: z.array(couponSchema), expired: z.array(couponSchema) }), ...errors },
      },
    }, async (req) => {
      const subscriberId = requireSubscriber(s, req);
      const lang = requestLang(req);
      const [w, names] = await Promise.all([p.coupons.wallet(subscriberId), categoryNames(s)]);
      return { usable: w.usable.map((c) => couponOut(c, names, lang)), used: w.used.map((c) => couponOut(c, names, lang)), expired: w.expired.map((c) => couponOut(c, names, lang)) };
    });

    app.post('/mall/coupons', {
      schema: {
        tags, summary: 'Claim a coupon of a template into the signed-in subscriber\'s wallet',
        description:
          'Signed-in subscriber; `Idempotency-Key` required (400 IDEMPOTENCY_KEY_REQUIRED). 201 with the new coupon; the same key again 200 with the same coupon ' +
          '(`idempotent-replayed: true`), also once the template has ended; the key for another template 422 IDEMPOTENCY_KEY_REUSED. ' +
          '409 COUPON_LIMIT_REACHED (the subscriber has claimed their share), COUPON_SOLD_OUT (none left), COUPON_NOT_STARTED, COUPON_PAUSED, COUPON_EXPIRED (not live); ' +
          '404 COUPON_NOT_FOUND (no such template on offer: unknown, not a coupon template, not yet approved); 400 for a malformed body. Nothing changes on any of them.',
        headers: z.object({ 'idempotency-key': z.string().min(8).max(128).optional() }).loose(),
        body: z.object({ templateId: z.number().int().positive().max(2_147_483_647).describe('A coupon template\'s id, from GET /api/v1/mall/promotions (coupons)') }).strict(),
        response: { 200: z.object({ coupon: couponSchema }), 201: z.object({ coupon: couponSchema }), ...errors },
      },
    }, async (req, reply) => {
      const subscriberId = requireSubscriber(s, req);
      const key = req.headers['idempotency-key'];
      if (!key) throw new AppError('IDEMPOTENCY_KEY_REQUIRED');
      const r = await p.coupons.claim(subscriberId, req.body.templateId, key);
      const names = await categoryNames(s);
      if (!r.claimed) reply.header('idempotent-replayed', 'true');
      return reply.code(r.claimed ? 201 : 200).send({ coupon: couponOut(r.coupon, names, requestLang(req)) });
    });
  };
}
