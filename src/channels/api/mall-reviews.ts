// Reviews (业务评价) on the subscriber REST API (docs/mall.md, "Reviews"): the published reviews of a
// goods product or a catalogue offering with the average and counts per star (public), writing one
// (signed in, under an Idempotency-Key), a helpful vote, and the subscriber's own reviews. Thin
// over the reviews module, which holds every rule.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../container.ts';
import { MAX_REVIEW_CHARS, MAX_REVIEW_PHOTOS, REVIEW_STATES, REVIEW_SUBJECTS, type ReviewTarget } from '../../modules/reviews/index.ts';
import { AppError } from '../../platform/errors.ts';
import { requireSubscriber } from './auth.ts';
import { safeText } from '../schemas.ts';

type Deps = Pick<Services, 'reviews' | 'tokens' | 'clock'>;

const problem = z.object({ type: z.string(), title: z.string(), status: z.number(), code: z.string(), detail: z.string() }).loose();
const errors = { 400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 422: problem };
export const reviewSchema = z.object({
  id: z.number(), subject: z.enum(REVIEW_SUBJECTS), productId: z.number().nullable(), offeringId: z.string().nullable(), skuId: z.number().nullable(),
  rating: z.number().describe('1–5 stars'), text: z.string(), photos: z.array(z.string()),
  verified: z.boolean().describe('已购: written by a buyer (a delivered order line, or an offering held seven days)'),
  author: z.string().describe('the writer as shown: the number masked, 138****0001'),
  state: z.enum(REVIEW_STATES).describe('pending 待审核, published 已发布, rejected 未通过'),
  helpfulCount: z.number(),
  reply: z.object({ text: z.string(), at: z.string(), atLocal: z.string() }).nullable().describe("the operator's reply, shown under the review"),
  createdAt: z.string(), createdAtLocal: z.string().describe('Beijing time, 2026-11-15 10:00'), publishedAt: z.string().nullable(),
});
const myReviewSchema = reviewSchema.extend({ rejectReason: z.string().nullable().describe('why a moderator rejected it') });
const listSchema = z.object({
  summary: z.object({
    average: z.number().nullable().describe('mean rating of the published reviews, one decimal; null when none'),
    count: z.number(),
    stars: z.object({ 1: z.number(), 2: z.number(), 3: z.number(), 4: z.number(), 5: z.number() }),
  }),
  items: z.array(reviewSchema), total: z.number(),
});
const pageQuery = {
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
  limit: z.coerce.number().int().min(1).max(50).default(10),
};
const listQuery = z.object({ sort: z.enum(['newest', 'helpful']).default('newest').describe('newest first, or most helpful first'), ...pageQuery }).strict();
const productParams = z.object({ id: z.coerce.number().int().min(1).max(2_147_483_647) });
const offeringParams = z.object({ id: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'an offering id') });
const reviewParams = z.object({ id: z.coerce.number().int().min(1).max(2 ** 53 - 1) });
const keyHeader = z.object({ 'idempotency-key': z.string().min(8).max(128).optional() }).loose();
const body = z.object({
  rating: z.number().describe('1–5 stars (400 INVALID_RATING otherwise)'),
  text: safeText(2000).optional().describe(`at most ${MAX_REVIEW_CHARS} characters (400 REVIEW_TEXT_TOO_LONG)`),
  photos: z.array(z.string().max(2000)).max(50).optional().describe(`goods only: up to ${MAX_REVIEW_PHOTOS} https URLs of jpg, png, webp or gif images (400 REVIEW_PHOTO_INVALID)`),
  lineId: z.number().int().min(1).max(2 ** 53 - 1).optional().describe('goods: which delivered order line; by default the earliest not yet reviewed'),
}).strict();
const WRITE_DESCRIPTION =
  'Signed in, with an `Idempotency-Key` (400 IDEMPOTENCY_KEY_REQUIRED; the same key and body answer the first review, 200 with `idempotent-replayed`; another body under it 422 IDEMPOTENCY_KEY_REUSED). ' +
  'Published at once (201, state published), or held for moderation (state pending) when the text has a sensitive word. ' +
  '403 REVIEW_NOT_PURCHASED (not bought: goods need a delivered order line, an offering a subscription), 409 REVIEW_TOO_EARLY (an offering held under seven days, with `reviewableFrom`), ' +
  '409 REVIEW_EXISTS (each purchase has its review), 400 INVALID_RATING, REVIEW_TEXT_TOO_LONG, REVIEW_PHOTO_INVALID; nothing is written on any of them.';

export function mallReviewRoutes(s: Deps): FastifyPluginAsyncZod {
  const r = s.reviews;
  return async (app) => {
    const tags = ['mall: reviews'];

    const write = async (target: ReviewTarget, subscriberId: number, key: string | undefined, input: z.infer<typeof body>) => {
      if (!key) throw new AppError('IDEMPOTENCY_KEY_REQUIRED');
      return r.write(subscriberId, target, input, key);
    };

    app.get('/mall/products/:id/reviews', {
      schema: { tags, summary: "A product's published reviews, with the average and the counts per star (no sign-in)", params: productParams, querystring: listQuery, response: { 200: listSchema, ...errors } },
    }, async (req) => r.list({ subject: 'goods', productId: req.params.id }, req.query.sort, req.query));

    app.post('/mall/products/:id/reviews', {
      schema: { tags, summary: 'Review a product bought and delivered', description: WRITE_DESCRIPTION, params: productParams, headers: keyHeader, body, response: { 200: myReviewSchema, 201: myReviewSchema, ...errors } },
    }, async (req, reply) => {
      const subscriberId = requireSubscriber(s, req);
      const out = await write({ subject: 'goods', productId: req.params.id }, subscriberId, req.headers['idempotency-key'], req.body);
      if (out.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(out.replayed ? 200 : 201).send(out.review);
    });

    app.get('/mall/offerings/:id/reviews', {
      schema: { tags, summary: "A catalogue offering's (a pack's, a plan's) published reviews, with the average and the counts per star (no sign-in)", params: offeringParams, querystring: listQuery, response: { 200: listSchema, ...errors } },
    }, async (req) => r.list({ subject: 'offering', offeringId: req.params.id }, req.query.sort, req.query));

    app.post('/mall/offerings/:id/reviews', {
      schema: { tags, summary: 'Review an offering held for at least seven days (photos are for goods only)', description: WRITE_DESCRIPTION, params: offeringParams, headers: keyHeader, body, response: { 200: myReviewSchema, 201: myReviewSchema, ...errors } },
    }, async (req, reply) => {
      const subscriberId = requireSubscriber(s, req);
      const out = await write({ subject: 'offering', offeringId: req.params.id }, subscriberId, req.headers['idempotency-key'], req.body);
      if (out.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(out.replayed ? 200 : 201).send(out.review);
    });

    app.post('/mall/reviews/:id/helpful', {
      schema: {
        tags, summary: 'Find a published review helpful: once per subscriber',
        description: '409 REVIEW_ALREADY_VOTED the second time, 409 REVIEW_OWN_VOTE for your own, 404 REVIEW_NOT_FOUND for one not published.',
        params: reviewParams, response: { 200: z.object({ helpfulCount: z.number() }), ...errors },
      },
    }, async (req) => r.helpful(requireSubscriber(s, req), req.params.id));

    app.get('/mall/reviews/mine', {
      schema: { tags, summary: "The signed-in subscriber's reviews, newest first, in every state (a rejected one with its reason)", querystring: z.object(pageQuery).strict(), response: { 200: z.object({ items: z.array(myReviewSchema), total: z.number() }), ...errors } },
    }, async (req) => r.mine(requireSubscriber(s, req), req.query));
  };
}
