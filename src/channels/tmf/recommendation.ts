// TMF680 Recommendation Management v4: queryProductRecommendation, for the operator's other systems
// (a CRM, a shop's till, a partner's app) to ask which offers to put to one subscriber on one
// channel. The answer is the marketing module's next best offer (OfferDecisions.decide): the offers
// that pass every gate, best first, each as a recommendation item with its offering and price.
// Nothing is shown by asking, so no impression is recorded; the query is answered, not kept (a POST
// answers 201 with state `done` and the same items). A subscriber may ask only about themselves;
// staff with the agent or marketing role about anyone.
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SALES_CHANNELS, type SalesChannel } from '../../modules/catalogue/index.ts';
import type { RankedOffer } from '../../modules/marketing/index.ts';
import { AppError } from '../../platform/errors.ts';
import { fenToYuanNumber } from '../../platform/money.ts';
import { normaliseMsisdn } from '../../platform/msisdn.ts';
import type { Services } from '../../container.ts';
import { requestLang } from '../api/problem.ts';
import { customerHref } from './customer.ts';
import { offeringHref } from './product-catalog.ts';
import { href, invalid, requireViewer, tmfErrorSchema } from './common.ts';

const PATH = 'recommendationManagement/v4/queryProductRecommendation';
const STAFF_ROLES = ['agent', 'marketing'] as const;
/** Most items one answer carries. */
const MAX_ITEMS = 20;

const refSchema = z.object({ id: z.string(), href: z.string().optional(), name: z.string().optional(), role: z.string().optional(), '@referredType': z.string().optional() });
const itemSchema = z.object({
  id: z.string().describe('The offer id'),
  priority: z.number().describe('1 is the best'),
  description: z.string().describe("The offer's one-line pitch"),
  offering: refSchema,
  price: z.object({ priceType: z.literal('oneTime'), price: z.object({ taxIncludedAmount: z.object({ unit: z.literal('CNY'), value: z.number() }) }) }),
  validFor: z.object({ startDateTime: z.string(), endDateTime: z.string() }),
  '@type': z.literal('RecommendationItem'),
});
const recommendationSchema = z.object({
  id: z.string(),
  href: z.string(),
  name: z.string(),
  recommendationType: z.literal('nextBestOffer'),
  state: z.literal('done'),
  channel: z.object({ id: z.string(), '@referredType': z.literal('SalesChannel') }),
  relatedParty: z.array(refSchema),
  recommendationItem: z.array(itemSchema),
  '@type': z.literal('QueryProductRecommendation'),
});
type Recommendation = z.infer<typeof recommendationSchema>;

const channelOf = (v: string | undefined): SalesChannel => {
  const c = v ?? 'api';
  if (!(SALES_CHANNELS as readonly string[]).includes(c)) throw invalid(`没有渠道“${c}”，可用：${SALES_CHANNELS.join('、')}`, `No channel "${c}"; one of ${SALES_CHANNELS.join(', ')}`);
  return c as SalesChannel;
};

export function recommendationRoutes(s: Pick<Services, 'marketing' | 'subscribers' | 'tokens' | 'clock'>): FastifyPluginAsyncZod {
  /** The subscriber a party id names: a mobile number, or a TMF629 customer id. */
  async function partyOf(id: string): Promise<{ id: number } | undefined> {
    const msisdn = normaliseMsisdn(id);
    if (msisdn) return s.subscribers.byMsisdn(msisdn);
    if (!/^[1-9]\d{0,9}$/.test(id)) return undefined;
    const c = await s.subscribers.customer(Number(id));
    return c ? { id: c.id } : undefined;
  }

  async function recommend(req: Parameters<typeof requireViewer>[1], partyId: string | undefined, channelId: string | undefined, limit: number): Promise<Recommendation> {
    const viewer = requireViewer(s, req, STAFF_ROLES);
    const channel = channelOf(channelId);
    let who: { id: number } | undefined;
    if (partyId === undefined) {
      if (viewer.kind !== 'subscriber') throw invalid('请给出客户：relatedParty.id（手机号码或客户编号）', 'Name the customer: relatedParty.id (a mobile number or a customer id)');
      const c = await s.subscribers.customer(viewer.subscriberId);
      who = c ? { id: c.id } : undefined;
    } else {
      who = await partyOf(partyId);
      // A subscriber learns nothing about other numbers, not even whether they exist.
      if (viewer.kind === 'subscriber' && who?.id !== viewer.subscriberId) throw new AppError('FORBIDDEN');
    }
    if (!who) throw new AppError('NOT_A_SUBSCRIBER');
    const lang = requestLang(req);
    const d = await s.marketing.decisions.decide(who.id, channel, undefined, false);
    const id = randomUUID();
    const item = (r: RankedOffer, i: number) => ({
      id: String(r.offer.id), priority: i + 1, description: r.offer.pitch[lang],
      offering: { id: r.offer.offeringId, href: offeringHref(r.offer.offeringId), name: r.offer.names[lang], '@referredType': 'ProductOffering' },
      price: { priceType: 'oneTime' as const, price: { taxIncludedAmount: { unit: 'CNY' as const, value: fenToYuanNumber(r.offer.priceFen) } } },
      validFor: { startDateTime: r.offer.startsAt, endDateTime: r.offer.endsAt },
      '@type': 'RecommendationItem' as const,
    });
    return {
      id, href: href(PATH, id), name: lang === 'en' ? 'My offers' : '我的专属优惠', recommendationType: 'nextBestOffer', state: 'done',
      channel: { id: channel, '@referredType': 'SalesChannel' },
      relatedParty: [{ id: String(who.id), href: customerHref(String(who.id)), role: 'Customer', '@referredType': 'Customer' }],
      recommendationItem: d.ranked.slice(0, limit).map(item),
      '@type': 'QueryProductRecommendation',
    };
  }

  return async (app) => {
    const tags = ['tmf680 recommendation'];
    const errors = { 400: tmfErrorSchema, 401: tmfErrorSchema, 403: tmfErrorSchema, 404: tmfErrorSchema };

    app.get(`/${PATH}`, {
      schema: {
        tags, summary: 'The offers to put to one subscriber on one channel, best first (the next best offer)',
        description: '`relatedParty.id` is a mobile number or a TMF629 customer id (a subscriber may leave it out, or name only themselves); `channel.id` one of ' + SALES_CHANNELS.join(', ') + ' (default api). Prices in yuan (CNY).',
        querystring: z.object({
          'relatedParty.id': z.string().min(1).max(40).optional(), 'channel.id': z.string().max(20).optional(),
          limit: z.coerce.number().int().min(1).max(MAX_ITEMS).default(MAX_ITEMS), fields: z.string().max(1000).optional(),
        }).strict(),
        response: { 200: z.array(recommendationSchema), ...errors },
      },
    }, async (req) => [await recommend(req, req.query['relatedParty.id'], req.query['channel.id'], req.query.limit)]);

    app.post(`/${PATH}`, {
      schema: {
        tags, summary: 'Ask for recommendations as a QueryProductRecommendation task: answered at once, state done',
        body: z.object({
          relatedParty: z.array(z.object({ id: z.string().min(1).max(40), role: z.string().max(40).optional(), '@referredType': z.string().max(40).optional(), '@type': z.string().max(40).optional() }).loose()).max(1).optional(),
          channel: z.object({ id: z.string().max(20), '@referredType': z.string().max(40).optional() }).loose().optional(),
          recommendationType: z.string().max(40).optional(),
          '@type': z.string().max(60).optional(),
        }).loose(),
        response: { 201: recommendationSchema, ...errors },
      },
    }, async (req, reply) => reply.code(201).send(await recommend(req, req.body.relatedParty?.[0]?.id, req.body.channel?.id, MAX_ITEMS)));
  };
}
