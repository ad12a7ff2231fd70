// The staff console's campaign pages (docs/console-api.md, "Call lists" and "Results"): outbound
// call lists built from a segment for one offer (approved by a second person before anyone is
// called), handed to agents (chosen among the active ones) through the contact policy, each
// agent's own queue and the outcome of each call with the three rates (the number in full only to
// the agent a row is handed to; marketing reads it masked); and the results per offer
// and channel with a series per day and the uplift against holdouts. Thin over the marketing
// module; an accepted call takes the offer through the offer.accept business, confirmed by the
// subscriber's spoken yes.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../container.ts';
import type { AcceptResult } from '../../modules/marketing/index.ts';
import type { Actor } from '../../platform/audit.ts';
import { AppError, isAppError } from '../../platform/errors.ts';
import type { StaffRole } from '../../platform/principal.ts';
import { staffActor } from '../api/auth.ts';
import { sendProblem } from '../api/problem.ts';
import { safeText } from '../schemas.ts';

type Deps = Pick<Services, 'marketing' | 'tokens' | 'clock' | 'staff' | 'invoker' | 'subscribers'>;

const problem = z.object({ type: z.string(), title: z.string(), status: z.number(), code: z.string(), detail: z.string() }).loose();
const errors = { 400: problem, 401: problem, 403: problem, 404: problem, 409: problem };
const l10nSchema = z.object({ 'zh-CN': z.string(), en: z.string() });
const idParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
const ratesSchema = z.object({
  called: z.number(), reached: z.number(), accepted: z.number(),
  contactRate: z.number().describe('接触成功率: reached / called'),
  salesRate: z.number().describe('营销成功率: accepted / reached'),
  handlingRate: z.number().describe('办理成功率: accepted / called (= contactRate × salesRate)'),
});
const statuses = ['holdout', 'open', 'assigned', 'suppressed', 'done'] as const;
const groupSchema = z.object({ size: z.number(), converted: z.number(), rate: z.number() });
const upliftSchema = z.object({ treated: groupSchema, holdout: groupSchema, uplift: z.number(), relative: z.number().nullable() });
const callListSchema = z.object({
  id: z.number(), names: l10nSchema, offerId: z.number(), sourceSegmentId: z.number(), segmentId: z.number(), holdoutPct: z.number(),
  size: z.number(), holdoutSize: z.number(), status: z.enum(['pending', 'active', 'closed', 'rejected']), createdBy: z.number(),
  reviewedBy: z.number().nullable(), reviewReason: z.string().nullable(), createdAt: z.string(), activatedAt: z.string().nullable(), closedAt: z.string().nullable(),
  counts: z.object({ holdout: z.number(), open: z.number(), assigned: z.number(), suppressed: z.number(), done: z.number() }),
  suppressed: z.record(z.string(), z.number()).describe('Suppressed rows by the contact-policy rule that stopped them'),
  rates: ratesSchema,
});
const rowSchema = z.object({
  id: z.number(), callListId: z.number(), subscriberId: z.number(), msisdn: z.string().describe('In full only for the agent the row is handed to; masked (138****0001) for anyone else'), holdout: z.boolean(), status: z.enum(statuses),
  agentId: z.number().nullable(), assignedAt: z.string().nullable(), rule: z.string().nullable(), notBefore: z.string().nullable(), attempts: z.number(),
  outcome: z.enum(['not_reached', 'declined', 'accepted']).nullable(), reached: z.boolean(), subscriptionId: z.number().nullable(), priceFen: z.number().nullable(),
  note: z.string().nullable(), workedAt: z.string().nullable(),
});
const offerScript = z.object({ id: z.number(), names: l10nSchema, pitch: l10nSchema, priceFen: z.number(), validityDays: z.number().nullable(), endsAt: z.string() });
const resultCell = z.object({ offerId: z.number(), names: l10nSchema, channel: z.string(), impressions: z.number(), accepts: z.number(), declines: z.number(), conversionRate: z.number(), revenueFen: z.number() });
const isoDate = safeText(40).refine((v) => !Number.isNaN(Date.parse(v)), 'not a date');

export function campaignRoutes(s: Deps): FastifyPluginAsyncZod {
  const m = s.marketing;
  return async (app) => {
    const tags = ['console: campaigns'];

    /** The offer as the agent reads it out. */
    async function script(offerId: number) {
      const o = await m.offers.view(offerId);
      return { id: o.id, names: o.names, pitch: o.pitch, priceFen: o.priceFen, validityDays: o.validityDays, endsAt: o.endsAt };
    }

    /** The staff members named, each an active user with the agent role now. */
    async function agents(ids: readonly number[]): Promise<number[]> {
      for (const id of ids) {
        const a = await s.staff.actor(id, []).catch((e: unknown) => { if (isAppError(e) && e.code === 'UNAUTHENTICATED') return null; throw e; });
        if (!a || !a.roles.includes('agent')) throw new AppError('AGENT_NOT_FOUND', { detail: { 'zh-CN': `工号${id}不是在岗的外呼坐席`, en: `Staff ${id} is not an active agent` }, extra: { agentId: id } });
      }
      return [...ids];
    }

    const principalOf = (a: Actor) => ({ kind: 'staff' as const, staffId: a.id, roles: [...a.roles] as StaffRole[] });

    // ---- call lists ----
    app.post('/marketing/call-lists', {
      schema: {
        tags, summary: 'A call list from a segment (frozen now) for one offer, with its holdout share; a second person approves it before anyone is called',
        body: z.object({ nameZh: safeText(40), nameEn: safeText(60), offerId: z.number(), segmentId: z.number(), holdoutPct: z.number().optional() }).strict(),
        response: { 201: callListSchema, ...errors },
      },
    }, async (req, reply) => {
      const actor = await staffActor(s, req, ['marketing']);
      return reply.code(201).send(await m.callLists.create(actor, req.body));
    });

    app.get('/marketing/call-lists', {
      schema: { tags, summary: 'Call lists, newest first, with their counts and three rates', response: { 200: z.object({ items: z.array(callListSchema) }), ...errors } },
    }, async (req) => {
      await staffActor(s, req, ['marketing']);
      return { items: await m.callLists.list() };
    });

    app.get('/marketing/call-lists/rates', {
      schema: {
        tags, summary: 'The three rates over every call list, per list, per agent or per offer',
        querystring: z.object({ by: z.enum(['list', 'agent', 'offer']).default('list') }).strict(),
        response: { 200: z.object({ by: z.string(), items: z.array(ratesSchema.extend({ key: z.number().describe('The list id, agent (staff) id or offer id') })) }), ...errors },
      },
    }, async (req) => {
      await staffActor(s, req, ['marketing']);
      return { by: req.query.by, items: await m.callLists.rates(req.query.by) };
    });

    app.get('/marketing/call-lists/:id', {
      schema: {
        tags, summary: 'One call list: counts, the three rates, the rates per agent, and the uplift against its holdout',
        params: idParams,
        response: { 200: callListSchema.extend({ byAgent: z.array(ratesSchema.extend({ agentId: z.number() })), uplift: upliftSchema, offer: offerScript }), ...errors },
      },
    }, async (req) => {
      await staffActor(s, req, ['marketing']);
      const d = await m.callLists.detail(req.params.id);
      return { ...d, offer: await script(d.offerId) };
    });

    app.get('/marketing/call-lists/:id/rows', {
      schema: {
        tags, summary: "A call list's rows in id order, a page at a time (afterId: the last id of the page before)",
        params: idParams,
        querystring: z.object({ status: z.enum(statuses).optional(), afterId: z.coerce.number().int().min(0).optional(), limit: z.coerce.number().int().min(1).max(1000).default(200) }).strict(),
        response: { 200: z.object({ items: z.array(rowSchema) }), ...errors },
      },
    }, async (req) => {
      await staffActor(s, req, ['marketing']);
      return { items: await m.callLists.rows(req.params.id, req.query) };
    });

    app.post('/marketing/call-lists/:id/approve', {
      schema: { tags, summary: 'Approve a call list (not your own): agents may call from now on', params: idParams, response: { 200: callListSchema, ...errors } },
    }, async (req) => {
      const actor = await staffActor(s, req, ['marketing']);
      return m.callLists.review(actor, req.params.id, { approve: true });
    });

    app.post('/marketing/call-lists/:id/reject', {
      schema: { tags, summary: 'Reject a call list with a reason', params: idParams, body: z.object({ reason: safeText(500) }).strict(), response: { 200: callListSchema, ...errors } },
    }, async (req) => {
      const actor = await staffActor(s, req, ['marketing']);
      return m.callLists.review(actor, req.params.id, { approve: false, reason: req.body.reason });
    });

    app.post('/marketing/call-lists/:id/close', {
      schema: { tags, summary: 'Stop the calling; the uplift window closes now', params: idParams, response: { 200: callListSchema, ...errors } },
    }, async (req) => {
      const actor = await staffActor(s, req, ['marketing']);
      return m.callLists.close(actor, req.params.id);
    });

    app.get('/marketing/agents', {
      schema: {
        tags, summary: 'The agents rows may be handed to: active staff users with the agent role, by id and display name (for marketing to choose from)',
        response: { 200: z.object({ items: z.array(z.object({ id: z.number(), displayName: z.string() })) }), ...errors },
      },
    }, async (req) => ({ items: await s.staff.agents(await staffActor(s, req, ['marketing'])) }));

    app.post('/marketing/call-lists/:id/assign', {
      schema: {
        tags, summary: 'Hand open rows to agents in turn, each through the contact policy (suppressed rows keep their rule and go to nobody)',
        params: idParams,
        body: z.object({ agentIds: z.array(z.number().int().positive()).min(1).max(100), limit: z.number().int().min(1).max(2000).optional() }).strict(),
        response: { 200: z.object({ assigned: z.number(), held: z.number(), suppressed: z.number() }), ...errors },
      },
    }, async (req) => {
      const actor = await staffActor(s, req, ['marketing']);
      return m.callLists.assign(actor, req.params.id, await agents(req.body.agentIds), req.body.limit);
    });

    // ---- an agent's calls ----
    app.get('/marketing/calls/mine', {
      schema: {
        tags, summary: "The signed-in agent's own calls: the queue (rows handed to them on live lists, those the policy held last) or the rows they worked today, a page at a time",
        description: 'Each row with the number in full (they dial it), the subscriber\'s name, and the list\'s offer as it is read out. `afterId`: the last id of the page before. `counts`: rows to call and rows worked today.',
        querystring: z.object({
          view: z.enum(['queue', 'today']).default('queue'), afterId: z.coerce.number().int().min(0).max(2_147_483_647).optional(), limit: z.coerce.number().int().min(1).max(1000).default(200),
        }).strict(),
        response: {
          200: z.object({
            items: z.array(rowSchema.extend({ subscriberName: z.string().nullable(), list: z.object({ id: z.number(), names: l10nSchema, offerId: z.number(), offer: offerScript }) })),
            counts: z.object({ queue: z.number(), today: z.number() }),
          }),
          ...errors,
        },
      },
    }, async (req) => {
      const actor = await staffActor(s, req, ['agent']);
      const { view, ...page } = req.query;
      const [rows, counts] = await Promise.all([view === 'today' ? m.callLists.workedToday(actor, page) : m.callLists.queue(actor, page), m.callLists.agentCounts(actor)]);
      const names = new Map((await s.subscribers.contactDetails([...new Set(rows.map((r) => r.subscriberId))])).map((c) => [c.subscriberId, c.name]));
      const offers = new Map(await Promise.all([...new Set(rows.map((r) => r.list.offerId))].map(async (id) => [id, await script(id)] as const)));
      return { items: rows.map((r) => ({ ...r, subscriberName: names.get(r.subscriberId) ?? null, list: { ...r.list, offer: offers.get(r.list.offerId)! } })), counts };
    });

    app.get('/marketing/calls/:id', {
      schema: { tags, summary: 'One call with the offer to read out (its own agent, or marketing, who sees the number masked)', params: idParams, response: { 200: rowSchema.extend({ offer: offerScript }), ...errors } },
    }, async (req) => {
      const actor = await staffActor(s, req, ['agent', 'marketing']);
      const { offerId, ...row } = await m.callLists.row(actor, req.params.id);
      return { ...row, offer: await script(offerId) };
    });

    app.post('/marketing/calls/:id/outcome', {
      schema: {
        tags, summary: "Record a call's outcome: not_reached, declined, or accepted (the offer is taken for the subscriber)",
        description:
          '`accepted` charges the subscriber, so it needs an `Idempotency-Key` and `confirm: true`, which records that the subscriber said yes to the terms read out: ' +
          'without `confirm` the answer is 409 CONFIRMATION_REQUIRED with the `quote` to read. Send the quote\'s `terms` back as `quoteTerms`; if any amount has changed, nothing is charged (409 PRICE_CHANGED). ' +
          'The same key again replays the first answer. Only the agent the row was handed to may record it.',
        params: idParams,
        headers: z.object({ 'idempotency-key': z.string().min(8).max(128).optional() }).loose(),
        body: z.object({
          outcome: z.enum(['not_reached', 'declined', 'accepted']), note: safeText(500).optional(),
          confirm: z.boolean().optional(), quoteTerms: z.string().max(200).optional(),
        }).strict(),
        response: { 200: z.object({ row: rowSchema, result: z.unknown().optional(), replayed: z.boolean() }), ...errors, 422: problem },
      },
    }, async (req, reply) => {
      const actor = await staffActor(s, req, ['agent']);
      const { outcome, note, confirm, quoteTerms } = req.body;
      const key = req.headers['idempotency-key'] ?? null;
      if (outcome !== 'accepted') {
        const done = await m.callLists.work(actor, req.params.id, { outcome, note });
        return { row: done.row, replayed: false };
      }
      const row = await m.callLists.row(actor, req.params.id);
      if (row.agentId !== actor.id) throw new AppError('CALL_ROW_NOT_YOURS');
      const ask = { channel: 'agent', principal: principalOf(actor), subscriberId: row.subscriberId, businessId: 'offer.accept', input: { offerId: row.offerId }, quoteTerms, idempotencyKey: key };
      if (confirm !== true) {
        const out = await s.invoker.invoke({ ...ask, confirm: false });
        if (out.status === 'confirmation_required') return sendProblem(reply, req, new AppError('CONFIRMATION_REQUIRED', { detail: out.quote.summary, extra: { quote: out.quote } }));
      }
      if (!key) throw new AppError('IDEMPOTENCY_KEY_REQUIRED');
      const run = await s.invoker.prepare({ ...ask, confirm: true });
      const done = await m.callLists.work(actor, req.params.id, { outcome, note, idempotencyKey: key }, async (tx): Promise<AcceptResult> => {
        const out = await run(tx);
        const data = out.result as { subscriptionId?: number; priceFen?: number };
        return { replayed: out.replayed, result: out.result, subscriptionId: data.subscriptionId ?? null, priceFen: data.priceFen ?? 0 };
      });
      if (done.accept?.replayed) reply.header('idempotent-replayed', 'true');
      return { row: done.row, result: done.accept?.result, replayed: done.accept?.replayed ?? false };
    });

    // ---- results ----
    app.get('/marketing/results', {
      schema: {
        tags, summary: 'Results per offer × channel: impressions, accepts, declines, conversion, revenue; a series per Beijing day; uplift of each call list against its holdout',
        querystring: z.object({ from: isoDate.optional(), to: isoDate.optional(), offerId: z.coerce.number().int().positive().max(2_147_483_647).optional(), channel: z.string().max(20).optional() }).strict(),
        response: {
          200: z.object({
            from: z.string(), to: z.string(), items: z.array(resultCell), offers: z.array(resultCell.omit({ channel: true })),
            series: z.array(z.object({ day: z.string(), offerId: z.number(), channel: z.string(), impressions: z.number(), accepts: z.number(), revenueFen: z.number() })),
            uplift: z.array(z.object({ callListId: z.number(), offerId: z.number(), names: l10nSchema, uplift: upliftSchema })),
          }),
          ...errors,
        },
      },
    }, async (req) => {
      await staffActor(s, req, ['marketing']);
      const q = req.query;
      return m.results.query({ from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined, offerId: q.offerId, channel: q.channel });
    });
  };
}
