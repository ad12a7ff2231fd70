// The staff console's promotions (docs/console-api.md, "Mall: promotions"): every promotion with its
// status and uses against its limits, a new draft or an edited one, sent for review, and approved or
// rejected by a second person (never whoever created or submitted it: SELF_REVIEW); a live one paused,
// resumed or ended. Roles product or marketing (admin too); ops may read. Thin over the promotion module, which
// holds every rule and role check and writes each step to the audit log.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../container.ts';
import { PROMOTION_MODES, PROMOTION_STATUSES, promotionFieldsSchema } from '../../modules/promotion/index.ts';
import type { Actor } from '../../platform/audit.ts';
import { promotionSchema } from '../api/mall-promotions.ts';
import { staffActor } from '../api/auth.ts';
import { safeText } from '../schemas.ts';

type Deps = Pick<Services, 'promotions' | 'tokens' | 'clock' | 'staff'>;

const problem = z.object({ type: z.string(), title: z.string(), status: z.number(), code: z.string(), detail: z.string() }).loose();
const errors = { 400: problem, 401: problem, 403: problem, 404: problem, 409: problem };
const idParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
const STAFF = ['product', 'marketing'] as const;
const instant = z.iso.datetime({ offset: true }).describe('An instant with its offset: 2026-12-01T00:00:00+08:00 (Beijing time) or …Z');
/** The fields as JSON carries them; the module checks them again with the rules across fields (INVALID_INPUT with `path`). */
const body = promotionFieldsSchema.extend({ startsAt: instant, endsAt: instant });

export function promotionConsoleRoutes(s: Deps): FastifyPluginAsyncZod {
  const p = s.promotions.staff;
  return async (app) => {
    const tags = ['console: mall'];

    app.get('/mall/promotions', {
      schema: {
        tags, summary: 'Promotions, newest first, with their uses and coupons issued against their limits',
        querystring: z.object({
          status: z.enum(PROMOTION_STATUSES).optional(), mode: z.enum(PROMOTION_MODES).optional(),
          offset: z.coerce.number().int().min(0).max(100_000).default(0), limit: z.coerce.number().int().min(1).max(200).default(50),
        }).strict(),
        response: { 200: z.object({ items: z.array(promotionSchema), total: z.number() }), ...errors },
      },
    }, async (req) => {
      await staffActor(s, req, [...STAFF, 'ops']);
      return p.list({ status: req.query.status, mode: req.query.mode }, { offset: req.query.offset, limit: req.query.limit });
    });

    app.get('/mall/promotions/:id', {
      schema: { tags, summary: 'One promotion', params: idParams, response: { 200: promotionSchema, ...errors } },
    }, async (req) => {
      await staffActor(s, req, [...STAFF, 'ops']);
      return p.get(req.params.id);
    });

    app.post('/mall/promotions', {
      schema: {
        tags, summary: 'A new promotion as a draft: nobody sees it until it is submitted and a second person approves it',
        description: '400 INVALID_INPUT (with `path`) for fields that do not fit together, 404 PRODUCT_NOT_FOUND / CATEGORY_NOT_FOUND, 409 CONFLICT for a public code already taken.',
        body, response: { 201: promotionSchema, ...errors },
      },
    }, async (req, reply) => {
      const actor = await staffActor(s, req, STAFF);
      return reply.code(201).send(await p.create(actor, req.body));
    });

    app.put('/mall/promotions/:id', {
      schema: {
        tags, summary: 'Change a draft (or a rejected promotion, which becomes a draft again); 409 NOT_EDITABLE otherwise',
        params: idParams, body, response: { 200: promotionSchema, ...errors },
      },
    }, async (req) => {
      const actor = await staffActor(s, req, STAFF);
      return p.update(actor, req.params.id, req.body);
    });

    const step = (path: string, summary: string, run: (actor: Actor, id: number, reason: string | undefined) => Promise<z.infer<typeof promotionSchema>>, reasonRequired = false) =>
      app.post(`/mall/promotions/:id/${path}`, {
        schema: {
          tags, summary, params: idParams,
          body: reasonRequired ? z.object({ reason: safeText(500) }).strict() : z.object({ reason: safeText(500).optional() }).strict().nullish(),
          response: { 200: promotionSchema, ...errors },
        },
      }, async (req) => {
        const actor = await staffActor(s, req, STAFF);
        return run(actor, req.params.id, (req.body as { reason?: string } | null | undefined)?.reason);
      });
    step('submit', 'Send a draft for review by a second person', (a, id) => p.submit(a, id));
    step('approve', 'Approve a pending promotion live (never by whoever created or submitted it: 409 SELF_REVIEW)', (a, id) => p.review(a, id, { approve: true }));
    step('reject', 'Reject a pending promotion with the reason its creator sees (400 INVALID_INPUT without one)', (a, id, reason) => p.review(a, id, { approve: false, reason: reason ?? '' }), true);
    step('pause', 'Stop it at once (no review: withdrawing never waits); orders placed keep their discount', (a, id, reason) => p.pause(a, id, reason));
    step('resume', 'Apply a paused promotion again', (a, id) => p.resume(a, id));
    step('end', 'End it for good', (a, id) => p.end(a, id));
  };
}
