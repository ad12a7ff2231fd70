// The staff console's moderation of mall reviews (docs/console-api.md, "Mall: reviews"): the queue
// (held reviews with the sensitive words found and where), approve, reject with the reason the
// subscriber sees, and the operator's reply shown under a review. Roles product or ops; one person
// decides (moderation changes no price); every step is audited. Thin over the reviews module.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../container.ts';
import { REVIEW_STATES, REVIEW_SUBJECTS } from '../../modules/reviews/index.ts';
import { staffActor } from '../api/auth.ts';
import { reviewSchema } from '../api/mall-reviews.ts';
import { safeText } from '../schemas.ts';

type Deps = Pick<Services, 'reviews' | 'tokens' | 'clock' | 'staff'>;

const problem = z.object({ type: z.string(), title: z.string(), status: z.number(), code: z.string(), detail: z.string() }).loose();
const errors = { 400: problem, 401: problem, 403: problem, 404: problem, 409: problem };
const moderationSchema = reviewSchema.extend({
  rejectReason: z.string().nullable(), subscriberId: z.number(), orderId: z.number().nullable(),
  purchaseRef: z.string().describe('order-line:<id> or subscription:<id>'),
  hits: z.array(z.object({ word: z.string(), category: z.string(), start: z.number(), end: z.number(), found: z.string() }))
    .describe('the sensitive words found when it was written: UTF-16 offsets in the text, end exclusive'),
});
const idParams = z.object({ id: z.coerce.number().int().min(1).max(2 ** 53 - 1) });
const MODERATORS = ['product', 'ops'] as const;

export function reviewConsoleRoutes(s: Deps): FastifyPluginAsyncZod {
  const r = s.reviews;
  return async (app) => {
    const tags = ['console: reviews'];

    app.get('/mall/reviews', {
      schema: {
        tags, summary: 'Mall reviews by state: pending (held for a sensitive word) oldest first, published or rejected newest first',
        querystring: z.object({
          state: z.enum(REVIEW_STATES).default('pending'), subject: z.enum(REVIEW_SUBJECTS).optional(),
          offset: z.coerce.number().int().min(0).max(100_000).default(0), limit: z.coerce.number().int().min(1).max(100).default(20),
        }).strict(),
        response: { 200: z.object({ items: z.array(moderationSchema), total: z.number() }), ...errors },
      },
    }, async (req) => {
      const actor = await staffActor(s, req, MODERATORS);
      const { state, subject, offset, limit } = req.query;
      return r.queue(actor, { state, subject }, { offset, limit });
    });

    app.get('/mall/reviews/:id', {
      schema: { tags, summary: 'One review with the sensitive words found', params: idParams, response: { 200: moderationSchema, ...errors } },
    }, async (req) => r.get(await staffActor(s, req, MODERATORS), req.params.id));

    app.post('/mall/reviews/:id/approve', {
      schema: { tags, summary: 'Publish a held review', description: '409 REVIEW_NOT_IN_STATE unless it is pending.', params: idParams, response: { 200: moderationSchema, ...errors } },
    }, async (req) => r.approve(await staffActor(s, req, MODERATORS), req.params.id));

    app.post('/mall/reviews/:id/reject', {
      schema: {
        tags, summary: 'Reject a held review, or take a published one down, with the reason its writer sees',
        description: '409 REVIEW_NOT_IN_STATE when rejected already.', params: idParams,
        body: z.object({ reason: safeText(200).pipe(z.string().trim().min(1)) }).strict(), response: { 200: moderationSchema, ...errors },
      },
    }, async (req) => r.reject(await staffActor(s, req, MODERATORS), req.params.id, req.body.reason));

    app.post('/mall/reviews/:id/reply', {
      schema: {
        tags, summary: "The operator's reply, shown under the review (a new reply replaces it)",
        description: '409 REVIEW_NOT_IN_STATE for a rejected review.', params: idParams,
        body: z.object({ text: safeText(500).pipe(z.string().trim().min(1)) }).strict(), response: { 200: moderationSchema, ...errors },
      },
    }, async (req) => r.reply(await staffActor(s, req, MODERATORS), req.params.id, req.body.text));
  };
}
