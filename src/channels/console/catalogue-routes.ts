// The staff console's catalogue, review queue, businesses × channels and role home pages
// (docs/console-api.md): thin over the catalogue service, which holds every rule and role check.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply } from 'fastify';
import type { Services } from '../../container.ts';
import { LIFECYCLE_STATUSES, OFFERING_KINDS, SALES_CHANNELS, type OfferingDetail, type Review } from '../../modules/catalogue/index.ts';
import { businessChannel } from '../../businesses/invoke.ts';
import { AppError } from '../../platform/errors.ts';
import { staffActor } from '../api/auth.ts';
import { etag, ifMatch } from '../etag.ts';
import { safeText } from '../schemas.ts';

type Deps = Pick<Services, 'catalogueService' | 'registry' | 'interactions' | 'tokens' | 'clock' | 'staff'>;

/** The channels a registry business is offered on (a mall is not a business channel). */
export const BUSINESS_CHANNELS = ['web', 'mobile', 'kiosk', 'sms', 'ussd', 'ivr', 'agent', 'api'] as const;

const HOUR_MS = 3600_000;

const l10nSchema = z.object({ 'zh-CN': z.string(), en: z.string() });
const problem = z.object({ type: z.string(), title: z.string(), status: z.number(), code: z.string(), detail: z.string() }).loose();
const errors = { 400: problem, 401: problem, 403: problem, 404: problem, 409: problem };
const instant = z.string().describe('ISO-8601 instant');
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD');
const lifecycle = z.enum(LIFECYCLE_STATUSES as unknown as [string, ...string[]]);
const kind = z.enum(OFFERING_KINDS as unknown as [string, ...string[]]);
const channel = z.enum(SALES_CHANNELS);
const text = safeText;
const reasonText = text(500);

const eligibility = z.object({
  plans: z.array(z.string().min(1).max(64)).max(200).optional(),
  accountTypes: z.array(z.enum(['prepaid', 'postpaid'])).max(2).optional(),
  statuses: z.array(z.enum(['active', 'suspended', 'closed'])).max(3).optional(),
}).strict();

const offeringFields = {
  nameZh: text(200).trim().min(1),
  nameEn: text(200).trim().min(1),
  kind: kind.nullable(),
  code: z.string().regex(/^[A-Za-z0-9]{1,16}$/, 'letters and digits, at most 16').transform((c) => c.toUpperCase()).nullable(),
  priceFen: z.number().int().min(0).max(10_000_000_000).nullable(),
  priceType: z.enum(['recurring', 'oneTime']),
  descriptionZh: text(2000),
  descriptionEn: text(2000),
  dataMb: z.number().int().min(0).max(100_000_000),
  voiceMin: z.number().int().min(0).max(1_000_000),
  sms: z.number().int().min(0).max(1_000_000),
  validityDays: z.number().int().min(1).max(3650).nullable(),
  eligibility,
};
const createBody = z.object(offeringFields).partial().extend({ nameZh: offeringFields.nameZh }).strict();
const patchBody = z.object(offeringFields).partial().strict();

const summarySchema = z.object({
  id: z.string(), code: z.string().nullable(), kind: z.string().nullable(), nameZh: z.string(), nameEn: z.string(),
  priceFen: z.number().nullable(), priceType: z.string().nullable(), lifecycleStatus: z.string(), channels: z.array(z.string()),
  revision: z.number(), lastUpdate: instant, pendingReview: z.boolean(),
});
const reviewSchema = z.object({
  id: z.number(), offeringId: z.string(), offeringName: l10nSchema, kind: z.enum(['transition', 'channel']), to: z.string().nullable(),
  channels: z.array(z.string()), launchOn: z.string().nullable(), reason: z.string(), status: z.string(),
  requestedBy: z.object({ id: z.number(), name: z.string() }), requestedAt: instant,
  decidedBy: z.object({ id: z.number(), name: z.string() }).nullable(), decidedAt: instant.nullable(), decisionReason: z.string().nullable(),
});
const offeringSchema = summarySchema.extend({
  descriptionZh: z.string(), descriptionEn: z.string(), dataMb: z.number(), voiceMin: z.number(), sms: z.number(),
  validityDays: z.number().nullable(), eligibility: z.record(z.string(), z.unknown()), testNumbers: z.array(z.string()),
  launchAt: instant.nullable(), retireAt: instant.nullable(),
  history: z.array(z.object({
    at: instant, actorName: z.string(), kind: z.string(), from: z.string().nullable(), to: z.string().nullable(),
    detail: z.unknown(), reason: z.string(),
  })),
  reviews: z.array(reviewSchema),
});
const cellSchema = z.object({ enabled: z.boolean(), calls: z.number(), okRate: z.number().nullable(), changedBy: z.string().nullable(), changedAt: instant.nullable(), reason: z.string().nullable() });

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function offeringOut(o: OfferingDetail) {
  return {
    ...o, lastUpdate: o.lastUpdate.toISOString(), launchAt: iso(o.launchAt), retireAt: iso(o.retireAt),
    history: o.history.map((h) => ({ ...h, at: h.at.toISOString() })), reviews: o.reviews.map(reviewOut),
  };
}

function reviewOut(r: Review) {
  return { ...r, requestedAt: r.requestedAt.toISOString(), decidedAt: iso(r.decidedAt) };
}

function sendOffering(reply: FastifyReply, o: OfferingDetail) {
  return reply.header('etag', etag(o.revision)).send(offeringOut(o));
}

const ok = (calls: number, good: number) => (calls === 0 ? null : good / calls);

export function catalogueRoutes(s: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const idParams = z.object({ id: z.string().min(1).max(64) });

    app.get('/offerings', {
      schema: {
        tags: ['console'], summary: 'Offerings, searched and filtered',
        querystring: z.object({
          q: text(100).optional(), kind: kind.optional(), status: lifecycle.optional(), channel: channel.optional(),
          offset: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(200).default(20),
          sort: z.enum(['id', 'nameZh', 'lastUpdate', 'priceFen', 'lifecycleStatus']).default('lastUpdate'),
          order: z.enum(['asc', 'desc']).default('desc'),
        }).strict(),
        response: { 200: z.object({ items: z.array(summarySchema), total: z.number() }), ...errors },
      },
    }, async (req) => {
      await staffActor(s, req);
      const q = req.query;
      const r = await s.catalogueService.list(
        { text: q.q?.trim() || undefined, kind: q.kind ? [q.kind] : undefined, lifecycleStatus: q.status ? [q.status] : undefined, channel: q.channel ? [q.channel] : undefined },
        { offset: q.offset, limit: q.limit }, { by: q.sort, desc: q.order === 'desc' },
      );
      return { items: r.items.map((o) => ({ ...o, lastUpdate: o.lastUpdate.toISOString() })), total: r.total };
    });

    app.get('/offerings/:id', {
      schema: { tags: ['console'], summary: 'An offering with its history and reviews (ETag: its revision)', params: idParams, response: { 200: offeringSchema, ...errors } },
    }, async (req, reply) => {
      await staffActor(s, req);
      return sendOffering(reply, await s.catalogueService.get(req.params.id));
    });

    app.post('/offerings', {
      schema: { tags: ['console'], summary: 'Create an offering (In design); only the Chinese name is required', body: createBody, response: { 201: offeringSchema, ...errors } },
    }, async (req, reply) => {
      const actor = await staffActor(s, req);
      const o = await s.catalogueService.create(actor, req.body as Parameters<Deps['catalogueService']['create']>[1]);
      return sendOffering(reply.code(201), o);
    });

    app.patch('/offerings/:id', {
      schema: {
        tags: ['console'], summary: 'Change an offering; send If-Match with the revision you read',
        params: idParams, body: patchBody, headers: z.object({ 'if-match': z.string().max(40).optional() }).loose(),
        response: { 200: offeringSchema, ...errors },
      },
    }, async (req, reply) => {
      const actor = await staffActor(s, req);
      const o = await s.catalogueService.update(actor, req.params.id, ifMatch(req.headers['if-match']), req.body as Parameters<Deps['catalogueService']['update']>[3]);
      return sendOffering(reply, o);
    });

    app.post('/offerings/:id/submit', {
      schema: {
        tags: ['console'], summary: 'Ask a second product manager to approve a step to In test or Launched',
        params: idParams,
        body: z.object({ to: z.enum(['In test', 'Launched']), channels: z.array(channel).max(SALES_CHANNELS.length).optional(), launchOn: day.nullable().optional(), reason: reasonText.optional() }).strict(),
        response: { 201: reviewSchema, ...errors },
      },
    }, async (req, reply) => {
      const actor = await staffActor(s, req);
      return reply.code(201).send(reviewOut(await s.catalogueService.submit(actor, req.params.id, req.body)));
    });

    app.post('/offerings/:id/transition', {
      schema: {
        tags: ['console'], summary: 'A lifecycle step that needs no review (to In design, In study, Retired or Obsolete)',
        params: idParams, body: z.object({ to: lifecycle, reason: reasonText.optional() }).strict(),
        response: { 200: offeringSchema, ...errors },
      },
    }, async (req, reply) => {
      const actor = await staffActor(s, req);
      return sendOffering(reply, await s.catalogueService.transition(actor, req.params.id, req.body.to as never, req.body.reason ?? ''));
    });

    app.put('/offerings/:id/channels/:channel', {
      schema: {
        tags: ['console'], summary: 'Withdraw an offering from a channel at once, or ask for it to be launched there',
        params: z.object({ id: z.string().min(1).max(64), channel }), body: z.object({ launched: z.boolean(), reason: reasonText.optional() }).strict(),
        response: { 200: offeringSchema, 201: reviewSchema, ...errors },
      },
    }, async (req, reply) => {
      const actor = await staffActor(s, req);
      const r = await s.catalogueService.setChannel(actor, req.params.id, req.params.channel, req.body.launched, req.body.reason ?? '');
      if ('review' in r) return reply.code(201).send(reviewOut(r.review));
      return sendOffering(reply, r.offering);
    });

    app.put('/offerings/:id/test-numbers', {
      schema: {
        tags: ['console'], summary: 'The numbers that may order it while it is In test',
        params: idParams, body: z.object({ msisdns: z.array(text(30)).max(200) }).strict(), response: { 200: offeringSchema, ...errors },
      },
    }, async (req, reply) => {
      const actor = await staffActor(s, req);
      return sendOffering(reply, await s.catalogueService.setTestNumbers(actor, req.params.id, req.body.msisdns));
    });

    app.put('/offerings/:id/schedule', {
      schema: {
        tags: ['console'], summary: 'Retire it at 00:00 Beijing time on a day (null: not scheduled)',
        params: idParams, body: z.object({ retireOn: day.nullable() }).strict(), response: { 200: offeringSchema, ...errors },
      },
    }, async (req, reply) => {
      const actor = await staffActor(s, req);
      return sendOffering(reply, await s.catalogueService.setRetireOn(actor, req.params.id, req.body.retireOn));
    });

    app.get('/reviews', {
      schema: {
        tags: ['console'], summary: 'Reviews, pending first by default',
        querystring: z.object({ status: z.enum(['pending', 'approved', 'rejected']).default('pending'), mine: z.enum(['true', 'false']).optional() }).strict(),
        response: { 200: z.object({ items: z.array(reviewSchema) }), ...errors },
      },
    }, async (req) => {
      const actor = await staffActor(s, req);
      const items = await s.catalogueService.reviews({ status: req.query.status, requestedById: req.query.mine === 'true' ? actor.id : undefined });
      return { items: items.map(reviewOut) };
    });

    const reviewParams = z.object({ id: z.coerce.number().int().min(1).max(2 ** 53) });

    app.post('/reviews/:id/approve', {
      schema: { tags: ['console'], summary: 'Approve a change (not one’s own)', params: reviewParams, body: z.object({ reason: reasonText.optional() }).strict().optional(), response: { 200: reviewSchema, ...errors } },
    }, async (req) => {
      const actor = await staffActor(s, req);
      return reviewOut(await s.catalogueService.approve(actor, req.params.id, req.body?.reason ?? ''));
    });

    app.post('/reviews/:id/reject', {
      schema: { tags: ['console'], summary: 'Reject a change, with the reason', params: reviewParams, body: z.object({ reason: reasonText.min(1) }).strict(), response: { 200: reviewSchema, ...errors } },
    }, async (req) => {
      const actor = await staffActor(s, req);
      return reviewOut(await s.catalogueService.reject(actor, req.params.id, req.body.reason));
    });

    app.get('/businesses', {
      schema: {
        tags: ['console'], summary: 'Every registry business × channel: on or off, calls and success rate over the last hour',
        response: {
          200: z.object({
            channels: z.array(z.string()),
            items: z.array(z.object({ id: z.string(), names: l10nSchema, kind: z.enum(['query', 'transaction']), cells: z.record(z.string(), cellSchema) })),
          }),
          ...errors,
        },
      },
    }, async (req) => {
      await staffActor(s, req);
      const [switches, calls] = await Promise.all([s.catalogueService.businessChannels(), s.interactions.callsSince(new Date(s.clock.now().getTime() - HOUR_MS))]);
      const items = s.registry.list().map((b) => {
        const cells: Record<string, z.infer<typeof cellSchema>> = {};
        for (const ch of BUSINESS_CHANNELS) {
          const sw = switches.find((x) => x.businessId === b.id && x.channel === ch);
          const counted = calls.filter((c) => c.businessId === b.id && businessChannel(c.channel) === ch);
          const n = counted.reduce((t, c) => t + c.calls, 0);
          const good = counted.reduce((t, c) => t + c.ok, 0);
          cells[ch] = { enabled: sw?.enabled ?? true, calls: n, okRate: ok(n, good), changedBy: sw?.changedByName ?? null, changedAt: iso(sw?.changedAt ?? null), reason: sw?.reason ?? null };
        }
        return { id: b.id, names: b.names, kind: b.kind, cells };
      });
      return { channels: [...BUSINESS_CHANNELS], items };
    });

    app.put('/businesses/:id/channels/:channel', {
      schema: {
        tags: ['console'], summary: 'Withdraw or restore a business on one channel (with a reason; audited)',
        params: z.object({ id: z.string().min(1).max(64), channel: z.enum(BUSINESS_CHANNELS) }),
        body: z.object({ enabled: z.boolean(), reason: reasonText.min(1) }).strict(),
        response: { 200: cellSchema, ...errors },
      },
    }, async (req) => {
      const actor = await staffActor(s, req);
      if (!s.registry.get(req.params.id)) throw new AppError('BUSINESS_NOT_FOUND');
      await s.catalogueService.setBusinessChannel(actor, req.params.id, req.params.channel, req.body.enabled, req.body.reason);
      const sw = (await s.catalogueService.businessChannels()).find((x) => x.businessId === req.params.id && x.channel === req.params.channel)!;
      const counted = (await s.interactions.callsSince(new Date(s.clock.now().getTime() - HOUR_MS)))
        .filter((c) => c.businessId === req.params.id && businessChannel(c.channel) === req.params.channel);
      const n = counted.reduce((t, c) => t + c.calls, 0);
      return { enabled: sw.enabled, calls: n, okRate: ok(n, counted.reduce((t, c) => t + c.ok, 0)), changedBy: sw.changedByName, changedAt: sw.changedAt.toISOString(), reason: sw.reason };
    });

    app.get('/home', {
      schema: {
        tags: ['console'], summary: 'What the signed-in role needs first',
        response: {
          200: z.object({
            roles: z.array(z.string()), pendingReviews: z.number(), myPendingSubmissions: z.number(),
            offeringsByStatus: z.record(z.string(), z.number()),
            channels: z.array(z.object({ channel: z.string(), calls: z.number(), okRate: z.number().nullable() })),
          }),
          ...errors,
        },
      },
    }, async (req) => {
      const actor = await staffActor(s, req);
      const [pending, byStatus, calls] = await Promise.all([
        s.catalogueService.reviews({ status: 'pending' }), s.catalogueService.countByStatus(),
        s.interactions.callsSince(new Date(s.clock.now().getTime() - HOUR_MS)),
      ]);
      const channels = BUSINESS_CHANNELS.map((ch) => {
        const counted = calls.filter((c) => businessChannel(c.channel) === ch);
        const n = counted.reduce((t, c) => t + c.calls, 0);
        return { channel: ch, calls: n, okRate: ok(n, counted.reduce((t, c) => t + c.ok, 0)) };
      });
      return {
        roles: [...actor.roles],
        pendingReviews: pending.filter((r) => r.requestedBy.id !== actor.id).length,
        myPendingSubmissions: pending.filter((r) => r.requestedBy.id === actor.id).length,
        offeringsByStatus: byStatus, channels,
      };
    });
  };
}
