// TMF681 Communication Management v4: communicationMessage create, list, get and delete, for the
// operator's other systems (CRM, billing, a campaign tool) to text subscribers through omnihall.
// A message is sent the way a broadcast is (the marketing module's runner): through the contact
// policy, at the SMS centre's rate, once to each receiver. `priority` says which rules apply:
// `marketing` (the default) obeys opt-outs, do-not-disturb, caps and quiet hours and is checked for
// sensitive words; `service` (a bill, an outage notice) passes them all. What the policy did for
// each receiver is on the receiver (`deliveryState`, `reason`), an omnihall extension of Receiver.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { BroadcastView, RecipientState } from '../../modules/marketing/index.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n } from '../../platform/i18n.ts';
import { normaliseMsisdn } from '../../platform/msisdn.ts';
import type { Services } from '../../container.ts';
import { staffActor } from '../api/auth.ts';
import { fieldsQuery, href, invalid, listQuery, page, project, safeText, sendPage, tmfErrorSchema } from './common.ts';

const MESSAGE_PATH = 'communicationManagement/v4/communicationMessage';
const MAX_RECEIVERS = 1000;
const ROLES = ['marketing'] as const;

/** A broadcast's status as a TMF681 message state. */
const STATE: Record<BroadcastView['status'], string> = {
  draft: 'initial', submitted: 'initial', approved: 'initial', rejected: 'failed', running: 'inProgress', paused: 'inProgress', done: 'completed', cancelled: 'cancelled',
};

const receiverIn = z.object({
  phoneNumber: z.string().trim().min(1).max(30),
  id: z.string().max(64).optional(),
  name: z.string().max(200).optional(),
  '@type': z.string().max(100).optional(),
}).strict();

const messageIn = z.object({
  content: safeText(1000).refine((v) => v.trim().length > 0, 'empty'),
  messageType: z.string().max(20),
  receiver: z.array(receiverIn).min(1).max(MAX_RECEIVERS),
  priority: z.enum(['marketing', 'service']).default('marketing'),
  scheduledSendTime: z.iso.datetime({ offset: true }).optional(),
  subject: z.string().max(200).optional(),
  description: z.string().max(500).optional(),
  sender: z.object({ id: z.string().max(64).optional(), name: z.string().max(200).optional(), phoneNumber: z.string().max(30).optional() }).strict().optional(),
  '@type': z.literal('CommunicationMessage').optional(),
}).strict();

const receiverOut = z.object({
  id: z.string(),
  phoneNumber: z.string(),
  '@type': z.literal('Receiver'),
  deliveryState: z.enum(['queued', 'held', 'sending', 'sent', 'delivered', 'undelivered', 'suppressed', 'failed', 'cancelled']),
  reason: z.string().optional(),
});

export const communicationMessageSchema = z.object({
  id: z.string(),
  href: z.string(),
  content: z.string(),
  messageType: z.literal('SMS'),
  priority: z.string(),
  state: z.string(),
  scheduledSendTime: z.string(),
  sendTime: z.string().optional(),
  sendTimeComplete: z.string().optional(),
  sender: z.object({ id: z.string(), name: z.string(), phoneNumber: z.string() }),
  receiver: z.array(receiverOut),
  characteristic: z.array(z.object({ name: z.string(), value: z.number(), valueType: z.literal('integer') })),
  '@type': z.literal('CommunicationMessage'),
});
type CommunicationMessage = z.infer<typeof communicationMessageSchema>;

type RecipientRow = { subscriberId: number; msisdn: string; state: RecipientState; reason: string | null; receiptState: string | null; sentAt: string | null };

function deliveryState(r: RecipientRow): z.infer<typeof receiverOut>['deliveryState'] {
  if (r.state !== 'sent' || !r.receiptState || r.receiptState === 'ENROUTE' || r.receiptState === 'ACCEPTD') return r.state;
  return r.receiptState === 'DELIVRD' ? 'delivered' : 'undelivered';
}

function toMessage(b: BroadcastView, recipients: RecipientRow[], shortCode: string): CommunicationMessage {
  const id = String(b.id);
  const sentAt = recipients.map((r) => r.sentAt).filter((t): t is string => t !== null).sort();
  const p = b.progress;
  return {
    id, href: href(MESSAGE_PATH, id), content: b.template['zh-CN'], messageType: 'SMS', priority: b.priority, state: STATE[b.status],
    scheduledSendTime: b.startsAt,
    ...(sentAt.length ? { sendTime: sentAt[0] } : {}),
    ...(b.finishedAt ? { sendTimeComplete: b.finishedAt } : {}),
    sender: { id: shortCode, name: 'omnihall', phoneNumber: shortCode },
    receiver: recipients.map((r) => ({ id: String(r.subscriberId), phoneNumber: r.msisdn, '@type': 'Receiver' as const, deliveryState: deliveryState(r), ...(r.reason && r.state !== 'sent' ? { reason: r.reason } : {}) })),
    characteristic: (['sent', 'delivered', 'suppressed', 'held', 'failed'] as const).map((name) => ({ name, value: p[name], valueType: 'integer' as const })),
    '@type': 'CommunicationMessage',
  };
}

function messageId(id: string): number {
  if (!/^[1-9]\d{0,9}$/.test(id)) throw new AppError('NOT_FOUND', { detail: l10n(`没有这条消息：${id}`, `No communication message ${id}`) });
  return Number(id);
}

export function communicationRoutes(s: Pick<Services, 'broadcasts' | 'subscribers' | 'tokens' | 'clock' | 'staff' | 'config'>): FastifyPluginAsyncZod {
  const b = s.broadcasts;
  const shortCode = s.config.smsShortCode;
  const render = async (views: BroadcastView[]) => {
    const recipients = await b.messageRecipients(views.map((v) => v.id));
    return views.map((v) => toMessage(v, recipients.get(v.id) ?? [], shortCode));
  };

  return async (app) => {
    app.post(`/${MESSAGE_PATH}`, {
      schema: {
        tags: ['tmf681'], summary: 'Send a communication message (SMS)',
        description: 'Marketing staff (or a system signed in as them). `priority`: `marketing` (default; the contact policy applies: ' +
          'opted-out, do-not-disturb and capped receivers get nothing, quiet hours hold it until they end; sensitive words are refused) ' +
          'or `service` (no rule stops it). Receivers must be subscribers. `{name}` in the content is the receiver\'s name. ' +
          'An `Idempotency-Key` header makes a retried POST answer the first message instead of sending a second.',
        headers: z.object({ 'idempotency-key': z.string().trim().min(1).max(128).optional() }).loose(),
        body: messageIn,
        response: { 201: communicationMessageSchema, 400: tmfErrorSchema, 401: tmfErrorSchema, 403: tmfErrorSchema, 422: tmfErrorSchema },
      },
    }, async (req, reply) => {
      const actor = await staffActor(s, req, ROLES);
      const body = req.body;
      if (body.messageType.toUpperCase() !== 'SMS') throw invalid(`不支持的消息类型：${body.messageType}（仅支持 SMS）`, `messageType ${body.messageType} is not supported; only SMS is`);
      const receivers: { subscriberId: number; msisdn: string }[] = [];
      const unknown: string[] = [];
      for (const r of body.receiver) {
        const msisdn = normaliseMsisdn(r.phoneNumber);
        if (!msisdn) throw invalid(`号码格式不对：${r.phoneNumber}`, `Not a phone number: ${r.phoneNumber}`);
        const sub = await s.subscribers.byMsisdn(msisdn);
        if (!sub) unknown.push(msisdn);
        else receivers.push({ subscriberId: sub.id, msisdn });
      }
      if (unknown.length) throw new AppError('NOT_A_SUBSCRIBER', { detail: l10n(`这些号码不是本网用户：${unknown.join('、')}`, `Not our subscribers: ${unknown.join(', ')}`), extra: { numbers: unknown } });
      const key = req.headers['idempotency-key'];
      const v = await b.createMessage(actor, {
        content: body.content, priority: body.priority, receivers,
        ...(body.scheduledSendTime ? { startsAt: new Date(body.scheduledSendTime) } : {}),
        ...(key ? { idempotencyKey: `tmf681:${actor.id}:${key}` } : {}),
      });
      const [m] = await render([v]);
      return reply.code(201).header('Location', m!.href).send(m!);
    });

    app.get(`/${MESSAGE_PATH}`, {
      schema: {
        tags: ['tmf681'], summary: 'List communication messages, newest first',
        querystring: listQuery([] as const),
        response: { 200: z.array(communicationMessageSchema.partial()), 400: tmfErrorSchema, 401: tmfErrorSchema, 403: tmfErrorSchema },
      },
    }, async (req, reply) => {
      await staffActor(s, req, ROLES);
      const p = page(req.query);
      const [views, total] = await Promise.all([b.list({ kind: 'message', limit: p.limit, offset: p.offset }), b.count({ kind: 'message' })]);
      return sendPage(reply, await render(views), total, req.query.fields);
    });

    app.get(`/${MESSAGE_PATH}/:id`, {
      schema: {
        tags: ['tmf681'], summary: 'A communication message, with what happened for each receiver',
        params: z.object({ id: z.string().min(1).max(32) }), querystring: fieldsQuery,
        response: { 200: communicationMessageSchema.partial(), 401: tmfErrorSchema, 403: tmfErrorSchema, 404: tmfErrorSchema },
      },
    }, async (req) => {
      await staffActor(s, req, ROLES);
      const [m] = await render([await b.message(messageId(req.params.id))]);
      return project(m!, req.query.fields);
    });

    app.delete(`/${MESSAGE_PATH}/:id`, {
      schema: {
        tags: ['tmf681'], summary: 'Delete a communication message: receivers it has not reached yet do not get it',
        params: z.object({ id: z.string().min(1).max(32) }),
        response: { 204: z.null(), 401: tmfErrorSchema, 403: tmfErrorSchema, 404: tmfErrorSchema },
      },
    }, async (req, reply) => {
      const actor = await staffActor(s, req, ROLES);
      await b.deleteMessage(actor, messageId(req.params.id));
      return reply.code(204).send(null);
    });
  };
}
