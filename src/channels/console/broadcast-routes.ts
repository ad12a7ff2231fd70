// The staff console's SMS broadcasts (docs/console-api.md, "Broadcasts"): a template's live preview
// (the text with sample values, its encoding, length and parts, unknown variables, sensitive
// words), broadcasts with their progress, and each step of their lifecycle: submit, approve or
// reject (a second person), pause, resume, cancel. Thin over the marketing module, which holds every
// rule and role check; every change is in the audit log.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../container.ts';
import { TEMPLATE_VARIABLES } from '../../modules/marketing/index.ts';
import { AppError } from '../../platform/errors.ts';
import { maskMsisdn } from '../../platform/msisdn.ts';
import { staffActor } from '../api/auth.ts';
import { safeText } from '../schemas.ts';
import { consoleMsisdn, subscriberIdOf } from './numbers.ts';

type Deps = Pick<Services, 'broadcasts' | 'subscribers' | 'tokens' | 'clock' | 'staff'>;

const problem = z.object({ type: z.string(), title: z.string(), status: z.number(), code: z.string(), detail: z.string() }).loose();
const errors = { 400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 422: problem };
const l10nSchema = z.object({ 'zh-CN': z.string(), en: z.string() });
const idParams = z.object({ id: z.coerce.number().int().positive() });
const reason = safeText(500);
const STATUSES = ['draft', 'submitted', 'approved', 'rejected', 'running', 'paused', 'done', 'cancelled'] as const;
const RECIPIENT_STATES = ['queued', 'held', 'sending', 'sent', 'suppressed', 'failed', 'cancelled'] as const;

const measureSchema = z.object({ encoding: z.enum(['gsm7', 'ucs2']), length: z.number(), parts: z.number(), perPart: z.number(), remaining: z.number() });
const hitSchema = z.object({ word: z.string(), category: z.string(), start: z.number(), end: z.number(), found: z.string() });
const progressSchema = z.object({
  recipients: z.number(), queued: z.number(), held: z.number(), sending: z.number(), sent: z.number(), delivered: z.number(), undelivered: z.number(),
  failed: z.number(), cancelled: z.number(), suppressed: z.number(), suppressedBy: z.record(z.string(), z.number()), heldBy: z.record(z.string(), z.number()),
});
const broadcastSchema = z.object({
  id: z.number(), kind: z.string(), names: l10nSchema, segmentId: z.number().nullable(), offerId: z.number().nullable(),
  template: z.object({ 'zh-CN': z.string(), en: z.string().nullable() }), priority: z.string(), startsAt: z.string(), rate: z.number(), status: z.enum(STATUSES),
  createdBy: z.number(), submittedBy: z.number().nullable(), reviewedBy: z.number().nullable(), reviewReason: z.string().nullable(),
  startedAt: z.string().nullable(), finishedAt: z.string().nullable(), createdAt: z.string(), progress: progressSchema,
});
const broadcastBody = z.object({
  nameZh: safeText(40), nameEn: safeText(80), segmentId: z.number(), offerId: z.number().nullable().optional(),
  templateZh: safeText(1000), templateEn: safeText(1000).nullable().optional(), startsAt: safeText(40), rate: z.number(),
}).strict();

export function broadcastRoutes(s: Deps): FastifyPluginAsyncZod {
  const b = s.broadcasts;
  return async (app) => {
    const tags = ['console: broadcasts'];

    app.get('/marketing/broadcasts/variables', {
      schema: { tags, summary: "The variables a template may use, and the fastest rate the SMS centre agreed to", response: { 200: z.object({ items: z.array(z.object({ name: z.string(), label: l10nSchema })), maxRate: z.number() }), ...errors } },
    }, async (req) => {
      await staffActor(s, req, ['marketing']);
      return { items: Object.entries(TEMPLATE_VARIABLES).map(([name, label]) => ({ name, label })), maxRate: b.maxRate };
    });

    app.post('/marketing/broadcasts/preview', {
      schema: {
        tags, summary: 'A template as approval will check it: the text with sample values, encoding, length against 70/160 and parts, unknown variables and sensitive words',
        body: z.object({
          template: safeText(1000), offerId: z.number().int().positive().nullable().optional(), lang: z.enum(['zh-CN', 'en']).optional(),
          msisdn: z.string().min(1).max(30).optional().describe('A subscriber to see the text for: their name, their language (templateEn if they chose English), the offer filled in'),
          templateEn: safeText(1000).nullable().optional(),
        }).strict(),
        response: { 200: z.object({
          sample: z.string(), measure: measureSchema, unknownVariables: z.array(z.string()), sensitiveWords: z.array(hitSchema), offerNeeded: z.boolean(),
          recipient: z.object({ msisdn: z.string().describe('Masked'), name: z.string(), language: z.enum(['zh-CN', 'en']), text: z.string(), measure: measureSchema }).optional(),
        }), ...errors },
      },
    }, async (req) => {
      await staffActor(s, req, ['marketing']);
      const { msisdn, templateEn, ...rest } = req.body;
      const check = await b.preview(rest);
      if (msisdn === undefined) return check;
      const subscriberId = await subscriberIdOf(s, msisdn);
      if (subscriberId === null) throw new AppError('NOT_A_SUBSCRIBER');
      const one = await b.previewFor({ templateZh: rest.template, templateEn, offerId: rest.offerId, subscriberId });
      return { ...check, recipient: { msisdn: maskMsisdn(consoleMsisdn(msisdn)), ...one } };
    });

    app.get('/marketing/broadcasts', {
      schema: { tags, summary: 'Broadcasts with their progress, newest first', querystring: z.object({ status: z.enum(STATUSES).optional() }).strict(), response: { 200: z.object({ items: z.array(broadcastSchema) }), ...errors } },
    }, async (req) => {
      await staffActor(s, req, ['marketing']);
      return { items: await b.list({ status: req.query.status }) };
    });

    app.get('/marketing/broadcasts/:id', {
      schema: { tags, summary: 'One broadcast and its progress: queued, held, sent, delivered, failed, suppressed by rule', params: idParams, response: { 200: broadcastSchema, ...errors } },
    }, async (req) => {
      await staffActor(s, req, ['marketing']);
      return b.view(req.params.id);
    });

    app.get('/marketing/broadcasts/:id/recipients', {
      schema: {
        tags, summary: "Each recipient's message: state, the policy's rule, the SMS centre's id and receipt",
        params: idParams, querystring: z.object({ state: z.enum(RECIPIENT_STATES).optional(), after: z.coerce.number().int().min(0).optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) }).strict(),
        response: { 200: z.object({ items: z.array(z.object({ subscriberId: z.number(), msisdn: z.string(), state: z.string(), reason: z.string().nullable(), messageId: z.string().nullable(), sentAt: z.string().nullable(), receiptState: z.string().nullable(), receiptAt: z.string().nullable() })) }), ...errors },
      },
    }, async (req) => {
      await staffActor(s, req, ['marketing']);
      return { items: await b.recipients(req.params.id, { state: req.query.state, afterSubscriberId: req.query.after, limit: req.query.limit }) };
    });

    app.post('/marketing/broadcasts', {
      schema: { tags, summary: 'A draft broadcast: a segment, a template, an optional offer, when it starts and its rate', body: broadcastBody, response: { 201: broadcastSchema, ...errors } },
    }, async (req, reply) => {
      const actor = await staffActor(s, req, ['marketing']);
      return reply.code(201).send(await b.create(actor, req.body));
    });

    app.put('/marketing/broadcasts/:id', {
      schema: { tags, summary: 'Change a draft (or a rejected broadcast, which becomes a draft again)', params: idParams, body: broadcastBody, response: { 200: broadcastSchema, ...errors } },
    }, async (req) => {
      const actor = await staffActor(s, req, ['marketing']);
      return b.update(actor, req.params.id, req.body);
    });

    const step = (path: string, summary: string, run: (actor: Awaited<ReturnType<typeof staffActor>>, id: number, body: { reason?: string }) => Promise<z.infer<typeof broadcastSchema>>) =>
      app.post(`/marketing/broadcasts/:id/${path}`, {
        schema: { tags, summary, params: idParams, body: z.object({ reason: reason.optional() }).strict().nullish(), response: { 200: broadcastSchema, ...errors } },
      }, async (req) => {
        const actor = await staffActor(s, req, ['marketing']);
        return run(actor, req.params.id, req.body ?? {});
      });
    step('submit', 'Send a draft for review by a second person', (a, id) => b.submit(a, id));
    step('approve', 'Approve it to start at its time (not by whoever created or submitted it); unknown variables and sensitive words are refused here', (a, id) => b.review(a, id, { approve: true }));
    step('reject', 'Reject it with a reason; it can be edited back into a draft', (a, id, body) => b.review(a, id, { approve: false, reason: body.reason ?? '' }));
    step('pause', 'Stop sending for now (what the SMS centre has taken still goes)', (a, id) => b.pause(a, id));
    step('resume', 'Carry on sending', (a, id) => b.resume(a, id));
    step('cancel', 'End it: nobody still waiting gets it', (a, id) => b.cancel(a, id));
  };
}
