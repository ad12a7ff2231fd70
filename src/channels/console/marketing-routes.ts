// The staff console's marketing pages (docs/console-api.md, "Marketing"): customer features, segments
// with live counts, offers and their review, the next-best-offer explanation for one subscriber, and
// the contact policy with its decisions. Thin over the marketing module, which holds every rule and
// role check; every change is in the audit log.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../container.ts';
import { SALES_CHANNELS } from '../../modules/catalogue/index.ts';
import { FEATURES, OUTBOUND_CHANNELS, type Features } from '../../modules/marketing/index.ts';
import { AppError } from '../../platform/errors.ts';
import { maskMsisdn } from '../../platform/msisdn.ts';
import { staffActor } from '../api/auth.ts';
import { consoleMsisdn } from './numbers.ts';
import { safeText } from '../schemas.ts';

type Deps = Pick<Services, 'marketing' | 'tokens' | 'clock' | 'staff'>;

const problem = z.object({ type: z.string(), title: z.string(), status: z.number(), code: z.string(), detail: z.string() }).loose();
const errors = { 400: problem, 401: problem, 403: problem, 404: problem, 409: problem };
const l10nSchema = z.object({ 'zh-CN': z.string(), en: z.string() });
const idParams = z.object({ id: z.coerce.number().int().positive() });
const msisdnParams = z.object({ msisdn: z.string().min(1).max(30) });
const names = { nameZh: safeText(60), nameEn: safeText(80) };
const reason = safeText(500);
const capSchema = z.object({ day: z.number(), week: z.number(), month: z.number() });
const segmentSchema = z.object({ id: z.number(), names: l10nSchema, kind: z.string(), rule: z.unknown(), size: z.number(), countedAt: z.string(), createdBy: z.number(), createdAt: z.string() });
const offerSchema = z.object({
  id: z.number(), offeringId: z.string(), names: l10nSchema, pitch: l10nSchema, priceFen: z.number(), validityDays: z.number().nullable(),
  budget: z.number(), accepted: z.number(), left: z.number(), segmentIds: z.array(z.number()), cities: z.array(z.string()), channels: z.array(z.string()),
  marginFen: z.number(), lever: z.number(), startsAt: z.string(), endsAt: z.string(), status: z.string(),
  createdBy: z.number(), submittedBy: z.number().nullable(), reviewedBy: z.number().nullable(), reviewReason: z.string().nullable(),
});
const policyVersionSchema = z.object({
  id: z.number(), policy: z.unknown(), status: z.string(), proposedBy: z.number(), proposedAt: z.string(),
  reviewedBy: z.number().nullable(), reviewedAt: z.string().nullable(), reason: z.string().nullable(),
});
const offerBody = z.object({
  offeringId: safeText(60), nameZh: safeText(20), nameEn: safeText(40), pitchZh: safeText(40), pitchEn: safeText(80),
  priceFen: z.number(), validityDays: z.number().nullable().optional(), budget: z.number(), segmentIds: z.array(z.number()).max(20).optional(),
  cities: z.array(safeText(20)).max(50).optional(), channels: z.array(z.enum(SALES_CHANNELS)).optional(), marginFen: z.number(),
  lever: z.number().optional(), startsAt: safeText(40), endsAt: safeText(40),
}).strict();

function featuresOut(f: Features) {
  return { ...f, lastContactAt: f.lastContactAt?.toISOString() ?? null, lastPurchaseAt: f.lastPurchaseAt?.toISOString() ?? null, refreshedAt: f.refreshedAt.toISOString() };
}

export function marketingRoutes(s: Deps): FastifyPluginAsyncZod {
  const m = s.marketing;
  return async (app) => {
    const tags = ['console: marketing'];

    async function subscriberOf(msisdn: string): Promise<Features> {
      const f = await m.mart.byMsisdn(consoleMsisdn(msisdn));
      if (!f) throw new AppError('NOT_A_SUBSCRIBER');
      return f;
    }

    // ---- features ----
    app.get('/marketing/features', {
      schema: { tags, summary: 'The customer features segments are built from, with their sources', response: { 200: z.object({ items: z.array(z.object({ name: z.string(), type: z.string(), label: l10nSchema, source: z.string(), values: z.array(z.string()).optional() })) }), ...errors } },
    }, async (req) => {
      await staffActor(s, req, ['marketing', 'agent']);
      return { items: FEATURES.map((f) => ({ ...f, values: f.values ? [...f.values] : undefined })) };
    });

    app.get('/marketing/features/:msisdn', {
      schema: { tags, summary: "One subscriber's features (an agent's or analyst's look)", params: msisdnParams, response: { 200: z.record(z.string(), z.unknown()), ...errors } },
    }, async (req) => {
      await staffActor(s, req, ['marketing', 'agent']);
      return featuresOut(await subscriberOf(req.params.msisdn));
    });

    // ---- segments ----
    app.post('/marketing/segments/count', {
      schema: { tags, summary: 'How many subscribers a rule takes now (the live count)', body: z.object({ rule: z.unknown() }).strict(), response: { 200: z.object({ count: z.number() }), ...errors } },
    }, async (req) => {
      await staffActor(s, req, ['marketing']);
      return { count: await m.segments.count(req.body.rule) };
    });

    app.get('/marketing/segments', {
      schema: { tags, summary: 'Segments, newest first', response: { 200: z.object({ items: z.array(segmentSchema) }), ...errors } },
    }, async (req) => {
      await staffActor(s, req, ['marketing']);
      return { items: await m.segments.list() };
    });

    app.post('/marketing/segments', {
      schema: { tags, summary: 'A dynamic segment: a rule over features, checked before it is saved', body: z.object({ ...names, rule: z.unknown() }).strict(), response: { 201: segmentSchema, ...errors } },
    }, async (req, reply) => {
      const actor = await staffActor(s, req, ['marketing']);
      return reply.code(201).send(await m.segments.create(actor, req.body));
    });

    app.get('/marketing/segments/:id/members', {
      schema: {
        tags, summary: "A page of a segment's members in id order (a dynamic one's rule evaluated now), numbers masked; afterId: the last subscriberId of the page before",
        params: idParams, querystring: z.object({ afterId: z.coerce.number().int().min(0).optional(), limit: z.coerce.number().int().min(1).max(500).default(50) }).strict(),
        response: { 200: z.object({
          items: z.array(z.object({ subscriberId: z.number(), msisdn: z.string().describe('Masked: 138****0001'), city: z.string(), planId: z.string(), accountType: z.string() })),
          nextAfterId: z.number().nullable().describe('Where the next page starts; null on the last page'),
        }), ...errors },
      },
    }, async (req) => {
      await staffActor(s, req, ['marketing']);
      const { afterId, limit } = req.query;
      const rows = await m.segments.memberPage(req.params.id, { afterId, limit });
      return {
        items: rows.map((r) => ({ ...r, msisdn: maskMsisdn(r.msisdn) })),
        nextAfterId: rows.length === limit ? rows[rows.length - 1]!.subscriberId : null,
      };
    });

    app.post('/marketing/segments/:id/snapshot', {
      schema: { tags, summary: "Freeze a segment's members now into a static segment", params: idParams, body: z.object(names).strict(), response: { 201: segmentSchema, ...errors } },
    }, async (req, reply) => {
      const actor = await staffActor(s, req, ['marketing']);
      return reply.code(201).send(await m.segments.snapshot(actor, req.params.id, req.body));
    });

    app.post('/marketing/segments/import', {
      schema: {
        tags, summary: 'A static segment from a CSV list of numbers (one a line, or the first column)',
        body: z.object({ ...names, csv: z.string().max(8 * 1024 * 1024) }).strict(),
        response: { 201: z.object({ segment: segmentSchema, rejected: z.array(z.object({ line: z.number(), text: z.string(), reason: z.string() })), rejectedCount: z.number() }), ...errors },
      },
      bodyLimit: 9 * 1024 * 1024,
    }, async (req, reply) => {
      const actor = await staffActor(s, req, ['marketing']);
      return reply.code(201).send(await m.segments.importList(actor, req.body));
    });

    // ---- offers ----
    app.get('/marketing/offers', {
      schema: { tags, summary: 'Offers, newest first', querystring: z.object({ status: z.enum(['draft', 'pending', 'active', 'paused', 'ended', 'rejected']).optional() }).strict(), response: { 200: z.object({ items: z.array(offerSchema) }), ...errors } },
    }, async (req) => {
      await staffActor(s, req, ['marketing']);
      return { items: await m.offers.list({ status: req.query.status }) };
    });

    app.get('/marketing/offers/:id', {
      schema: { tags, summary: 'One offer', params: idParams, response: { 200: offerSchema, ...errors } },
    }, async (req) => {
      await staffActor(s, req, ['marketing']);
      return m.offers.view(req.params.id);
    });

    app.post('/marketing/offers', {
      schema: { tags, summary: 'A draft offer: an offering on terms, targeting and a budget', body: offerBody, response: { 201: offerSchema, ...errors } },
    }, async (req, reply) => {
      const actor = await staffActor(s, req, ['marketing']);
      return reply.code(201).send(await m.offers.create(actor, req.body));
    });

    app.put('/marketing/offers/:id', {
      schema: { tags, summary: 'Change a draft (or a rejected offer, which becomes a draft again)', params: idParams, body: offerBody, response: { 200: offerSchema, ...errors } },
    }, async (req) => {
      const actor = await staffActor(s, req, ['marketing']);
      return m.offers.update(actor, req.params.id, req.body);
    });

    const step = (path: string, summary: string, run: (actor: Awaited<ReturnType<typeof staffActor>>, id: number, body: { reason?: string }) => Promise<unknown>) =>
      app.post(`/marketing/offers/:id/${path}`, {
        schema: { tags, summary, params: idParams, body: z.object({ reason: reason.optional() }).strict().nullish(), response: { 200: offerSchema, ...errors } },
      }, async (req) => {
        const actor = await staffActor(s, req, ['marketing']);
        const r = await run(actor, req.params.id, req.body ?? {});
        m.decisions.invalidate();
        return r as z.infer<typeof offerSchema>;
      });
    step('submit', 'Send a draft for review by a second person', (a, id) => m.offers.submit(a, id));
    step('approve', 'Approve it live (not by whoever created or submitted it)', (a, id) => m.offers.review(a, id, { approve: true }));
    step('reject', 'Reject it with a reason; it goes back to draft', (a, id, b) => m.offers.review(a, id, { approve: false, reason: b.reason ?? '' }));
    step('pause', 'Stop showing it for now', (a, id) => m.offers.pause(a, id));
    step('resume', 'Show it again', (a, id) => m.offers.resume(a, id));
    step('end', 'End it for good', (a, id) => m.offers.end(a, id));

    // ---- next best offer, explained ----
    app.get('/marketing/decisions/:msisdn', {
      schema: {
        tags, summary: "Every live offer for one subscriber on one channel: the ranked ones with their four factors, the others with the gate that removed them",
        params: msisdnParams, querystring: z.object({ channel: z.enum(SALES_CHANNELS).default('ussd') }).strict(),
        response: { 200: z.object({
          ranked: z.array(z.object({ offer: offerSchema, segmentId: z.number(), factors: z.object({ propensity: z.number(), context: z.number(), value: z.number(), lever: z.number() }), priority: z.number() })),
          removed: z.array(z.object({ offer: offerSchema, gate: z.string(), reason: z.string() })),
        }), ...errors },
      },
    }, async (req) => {
      await staffActor(s, req, ['marketing', 'agent']);
      const f = await subscriberOf(req.params.msisdn);
      return m.decisions.decide(f.subscriberId, req.query.channel);
    });

    // ---- contact policy ----
    app.get('/marketing/contact-policy', {
      schema: { tags, summary: 'The policy in force and its versions', response: { 200: z.object({ rules: z.unknown(), versions: z.array(policyVersionSchema) }), ...errors } },
    }, async (req) => {
      await staffActor(s, req, ['marketing']);
      return { rules: await m.contacts.rules(), versions: await m.contacts.versions() };
    });

    app.post('/marketing/contact-policy', {
      schema: { tags, summary: 'Propose a new policy; a second person approves it', body: z.object({ policy: z.unknown() }).strict(), response: { 201: policyVersionSchema, ...errors } },
    }, async (req, reply) => {
      const actor = await staffActor(s, req, ['marketing']);
      return reply.code(201).send(await m.contacts.propose(actor, req.body.policy));
    });

    app.post('/marketing/contact-policy/:id/approve', {
      schema: { tags, summary: 'Approve a proposed policy (not your own): in force at once', params: idParams, response: { 200: policyVersionSchema, ...errors } },
    }, async (req) => {
      const actor = await staffActor(s, req, ['marketing']);
      return m.contacts.review(actor, req.params.id, { approve: true });
    });

    app.post('/marketing/contact-policy/:id/reject', {
      schema: { tags, summary: 'Reject a proposed policy with a reason', params: idParams, body: z.object({ reason }).strict(), response: { 200: policyVersionSchema, ...errors } },
    }, async (req) => {
      const actor = await staffActor(s, req, ['marketing']);
      return m.contacts.review(actor, req.params.id, { approve: false, reason: req.body.reason });
    });

    app.get('/marketing/contacts', {
      schema: {
        tags, summary: 'Contacts and what the policy decided, newest first (held and suppressed with their rule)',
        querystring: z.object({ msisdn: z.string().max(30).optional(), status: z.enum(['held', 'suppressed']).optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) }).strict(),
        response: { 200: z.object({ items: z.array(z.record(z.string(), z.unknown())) }), ...errors },
      },
    }, async (req) => {
      await staffActor(s, req, ['marketing', 'agent']);
      const subscriberId = req.query.msisdn ? (await subscriberOf(req.query.msisdn)).subscriberId : undefined;
      return { items: await m.contacts.decisions({ subscriberId, status: req.query.status, limit: req.query.limit }) };
    });

    app.get('/marketing/contact-state/:msisdn', {
      schema: {
        tags, summary: "Where one subscriber stands with the contact policy (an agent's look): opt-outs by channel, the do-not-disturb entry, marketing contacts sent this Beijing day, week and month beside the caps, and the latest suppressed contacts with their rule",
        params: msisdnParams,
        response: { 200: z.object({
          subscriberId: z.number(), msisdn: z.string().describe('Masked'),
          optOuts: z.array(z.object({ channel: z.string(), source: z.string(), at: z.string() })),
          dnd: z.object({ reason: z.string(), addedBy: z.number(), at: z.string() }).nullable(),
          used: z.object({ total: capSchema, channels: z.record(z.string(), capSchema) }),
          caps: z.object({ total: capSchema, channels: z.record(z.string(), capSchema) }),
          suppressed: z.array(z.object({ id: z.number(), channel: z.string(), purpose: z.string(), rule: z.string().nullable(), at: z.string() }).loose()),
        }), ...errors },
      },
    }, async (req) => {
      await staffActor(s, req, ['marketing', 'agent']);
      const f = await subscriberOf(req.params.msisdn);
      return { subscriberId: f.subscriberId, msisdn: maskMsisdn(f.msisdn), ...(await m.contacts.state(f.subscriberId)) };
    });

    app.put('/marketing/dnd/:msisdn', {
      schema: { tags, summary: 'Put a number on the do-not-disturb list', params: msisdnParams, body: z.object({ reason }).strict(), response: { 204: z.null(), ...errors } },
    }, async (req, reply) => {
      const actor = await staffActor(s, req, ['marketing', 'agent']);
      await m.contacts.addToDnd(actor, (await subscriberOf(req.params.msisdn)).subscriberId, req.body.reason);
      return reply.code(204).send(null);
    });

    app.delete('/marketing/dnd/:msisdn', {
      schema: { tags, summary: 'Take a number off the do-not-disturb list', params: msisdnParams, body: z.object({ reason }).strict(), response: { 204: z.null(), ...errors } },
    }, async (req, reply) => {
      const actor = await staffActor(s, req, ['marketing']);
      await m.contacts.removeFromDnd(actor, (await subscriberOf(req.params.msisdn)).subscriberId, req.body.reason);
      return reply.code(204).send(null);
    });

    app.put('/marketing/opt-outs/:msisdn/:channel', {
      schema: {
        tags, summary: "Record a subscriber's opt-out from marketing on a channel, or on all (an agent taking their word)",
        params: z.object({ msisdn: z.string().min(1).max(30), channel: z.enum(['all', ...OUTBOUND_CHANNELS]) }), response: { 204: z.null(), ...errors },
      },
    }, async (req, reply) => {
      const actor = await staffActor(s, req, ['marketing', 'agent']);
      const f = await subscriberOf(req.params.msisdn);
      await m.contacts.optOutRecorded(actor, f.subscriberId, req.params.channel);
      return reply.code(204).send(null);
    });
  };
}
