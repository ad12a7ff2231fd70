// The console's event triggers (docs/console-api.md, "Event triggers"): marketing staff write a rule
// from an event to an offer on a channel within a window, a second person approves it live, and
// anyone at the desk reads what each one did. Every change is audited by the marketing module.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../container.ts';
import { TRIGGER_CHANNELS, TRIGGER_EVENTS } from '../../modules/marketing/index.ts';
import { staffActor } from '../api/auth.ts';
import { safeText } from '../schemas.ts';

type Deps = Pick<Services, 'triggers' | 'tokens' | 'clock' | 'staff'>;

const problem = z.object({ type: z.string(), title: z.string(), status: z.number(), code: z.string(), detail: z.string() }).loose();
const errors = { 400: problem, 401: problem, 403: problem, 404: problem, 409: problem };
const l10nSchema = z.object({ 'zh-CN': z.string(), en: z.string() });
const idParams = z.object({ id: z.coerce.number().int().positive() });
const STATUSES = ['draft', 'pending', 'active', 'paused', 'ended', 'rejected'] as const;

const conditionSchema = z.object({
  channels: z.array(safeText(20)).max(20).optional(),
  businessIds: z.array(safeText(60)).max(50).optional(),
  outcomes: z.array(z.string()).max(3).optional(),
  offeringIds: z.array(safeText(60)).max(50).optional(),
  offeringKinds: z.array(z.string()).max(6).optional(),
  allowance: z.string().optional(),
  minRatio: z.number().optional(),
  maxBalanceFen: z.number().optional(),
  minAmountFen: z.number().optional(),
});
const triggerSchema = z.object({
  id: z.number(), names: l10nSchema, event: z.string(), condition: conditionSchema, offerId: z.number(), channel: z.string(), windowMinutes: z.number(), once: z.boolean(),
  status: z.string(), createdBy: z.number(), submittedBy: z.number().nullable(), reviewedBy: z.number().nullable(), reviewReason: z.string().nullable(),
  createdAt: z.string(), updatedAt: z.string(),
});
// The service checks the rest (which condition fields an event takes, money in whole fen) and
// answers INVALID_INPUT with the path.
const triggerBody = z.object({
  nameZh: safeText(30), nameEn: safeText(60), event: z.enum(TRIGGER_EVENTS), condition: conditionSchema.strict().optional(),
  offerId: z.number(), channel: z.string().max(20).optional().describe(`Where the offer goes: ${TRIGGER_CHANNELS.join(', ')} (sms unless said); another answers INVALID_INPUT at path channel`),
  windowMinutes: z.number(), once: z.boolean().optional(),
}).strict();
const fireSchema = z.object({
  id: z.number(), subscriberId: z.number(), eventId: z.string(), outcome: z.string(), rule: z.string().nullable(), contactId: z.number().nullable(), at: z.string(), sentAt: z.string().nullable(),
  placedUntil: z.string().nullable().describe('A USSD, hall, IVR or kiosk placement waits first in 我的优惠 until then (outcome placed; shown once seen; expired with rule NOT_SHOWN if not seen by then)'),
});

export function triggerRoutes(s: Deps): FastifyPluginAsyncZod {
  const t = s.triggers;
  return async (app) => {
    const tags = ['console: marketing'];

    app.get('/marketing/triggers', {
      schema: { tags, summary: 'Event triggers, newest first', querystring: z.object({ status: z.enum(STATUSES).optional() }).strict(), response: { 200: z.object({ items: z.array(triggerSchema) }), ...errors } },
    }, async (req) => {
      await staffActor(s, req, ['marketing', 'agent']);
      return { items: await t.list({ status: req.query.status }) };
    });

    app.get('/marketing/triggers/:id', {
      schema: { tags, summary: 'One event trigger', params: idParams, response: { 200: triggerSchema, ...errors } },
    }, async (req) => {
      await staffActor(s, req, ['marketing', 'agent']);
      return t.view(req.params.id);
    });

    app.get('/marketing/triggers/:id/fires', {
      schema: { tags, summary: 'What one trigger did: each event it met and the outcome (sent, held, suppressed and why), newest first', params: idParams, querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).optional() }).strict(), response: { 200: z.object({ items: z.array(fireSchema) }), ...errors } },
    }, async (req) => {
      await staffActor(s, req, ['marketing', 'agent']);
      await t.view(req.params.id);
      return { items: await t.fires(req.params.id, { limit: req.query.limit }) };
    });

    app.post('/marketing/triggers', {
      schema: { tags, summary: 'A draft trigger: an event and its condition, the offer, the channel, the window, once or not', body: triggerBody, response: { 201: triggerSchema, ...errors } },
    }, async (req, reply) => {
      const actor = await staffActor(s, req, ['marketing']);
      return reply.code(201).send(await t.create(actor, req.body));
    });

    app.put('/marketing/triggers/:id', {
      schema: { tags, summary: 'Change a draft (or a rejected trigger, which becomes a draft again)', params: idParams, body: triggerBody, response: { 200: triggerSchema, ...errors } },
    }, async (req) => {
      const actor = await staffActor(s, req, ['marketing']);
      return t.update(actor, req.params.id, req.body);
    });

    const step = (path: string, summary: string, run: (actor: Awaited<ReturnType<typeof staffActor>>, id: number, body: { reason?: string }) => Promise<unknown>) =>
      app.post(`/marketing/triggers/:id/${path}`, {
        schema: { tags, summary, params: idParams, body: z.object({ reason: safeText(500).optional() }).strict().nullish(), response: { 200: triggerSchema, ...errors } },
      }, async (req) => {
        const actor = await staffActor(s, req, ['marketing']);
        return (await run(actor, req.params.id, req.body ?? {})) as z.infer<typeof triggerSchema>;
      });
    step('submit', 'Send a draft for review by a second person', (a, id) => t.submit(a, id));
    step('approve', 'Approve it live (not by whoever created or submitted it)', (a, id) => t.review(a, id, { approve: true }));
    step('reject', 'Reject it with a reason; it goes back to draft', (a, id, b) => t.review(a, id, { approve: false, reason: b.reason ?? '' }));
    step('pause', 'Stop it firing for now', (a, id) => t.pause(a, id));
    step('resume', 'Let it fire again', (a, id) => t.resume(a, id));
    step('end', 'End it for good', (a, id) => t.end(a, id));
  };
}
