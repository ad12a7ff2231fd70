// Runs the event triggers: a durable consumer of the events live triggers act on. For each event
// that some live trigger takes, one transaction marks the event processed (a redelivery finds the
// mark and does nothing), and per trigger checks its window and once-rule, that its offer is live
// and passes the offer's gates, asks the contact policy, and sends the SMS (an outbox row in the
// same transaction) or records why not. A trigger on USSD, the hall, the IVR or the kiosk places
// the offer instead: first in 我的优惠 on that channel until its window ends (decisions.ts reads
// the placement). Contacts the policy held (quiet hours, the least gap) are released by
// `releaseHeld` when their time comes, and placements nobody saw in time are marked expired by
// `expireUnseen`, each on whichever node gets there first.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { Clock } from '../../platform/ports.ts';
import { formatYuan } from '../../platform/money.ts';
import type { SmsSender } from '../../platform/sms/outbox.ts';
import { EVENT_SUBJECTS, type BalanceLowEvent, type BillIssuedEvent, type BusEvent, type BusinessCalledEvent, type Consumer, type EventBus, type UsageThresholdEvent } from '../../platform/events/index.ts';
import type { CatalogueReader } from '../catalogue/index.ts';
import type { ContactPolicy, Released } from './contact-policy.ts';
import { PLACED_ON, type OfferDecisions } from './decisions.ts';
import type { OfferService, OfferView } from './offers.service.ts';
import { TRIGGER_EVENTS, type TriggerService, type TriggerView } from './triggers.service.ts';
import type { TriggerFireOutcome } from './triggers.tables.ts';

/** The durable consumer's name: every node shares its events. */
export const TRIGGER_CONSUMER = 'marketing-triggers';
/** How long a node keeps the live triggers before reading them again (its own changes: at once). */
const LIVE_TTL_MS = 5_000;
/** How often each node releases held trigger contacts whose time has come (and expires unseen placements). */
export const TRIGGER_RELEASE_MS = 30_000;
const PURPOSE = 'trigger:';
/** Most unseen placements one sweep marks expired (the next sweep takes the rest). */
const EXPIRE_BATCH = 1000;

/** Who to text, and in which language. */
export type ContactOf = (subscriberId: number) => Promise<{ msisdn: string; language: 'zh-CN' | 'en' } | undefined>;

export interface TriggerEngineDeps {
  db: Db;
  clock: Clock;
  bus: EventBus;
  triggers: TriggerService;
  offers: OfferService;
  decisions: OfferDecisions;
  contacts: ContactPolicy;
  catalogue: CatalogueReader;
  sms: SmsSender;
  contactOf: ContactOf;
  /** How long a delivery may go unacknowledged before it goes to another node. */
  ackWaitMs?: number;
}

/** The text a trigger's offer goes out as (≤ 70 characters in Chinese for one SMS). */
export function offerText(offer: OfferView, language: 'zh-CN' | 'en'): string {
  const price = offer.priceFen === 0 ? (language === 'en' ? 'free' : '免费') : `${formatYuan(offer.priceFen)}${language === 'en' ? ' yuan' : '元'}`;
  return language === 'en'
    ? `Offer for you: ${offer.pitch.en} (${price}). Reply YH to see it and take it. Reply TD to stop offers.`
    : `【专属优惠】${offer.pitch['zh-CN']}（${price}）。回复YH查看办理，回复TD退订`;
}

/** When the event happened (the interaction's time, or when it was published). */
function eventAt(e: BusEvent): Date {
  const at = (e.payload as { at?: unknown } | null)?.at;
  const t = typeof at === 'string' ? new Date(at) : new Date(e.publishedAt);
  return Number.isNaN(t.getTime()) ? new Date(e.publishedAt) : t;
}

const within = (list: readonly string[] | undefined, v: string | null | undefined) => !list?.length || (v != null && list.includes(v));

export class TriggerEngine {
  private cached: { live: TriggerView[]; until: number } | undefined;
  private consumer: Consumer | undefined;
  private timer: NodeJS.Timeout | undefined;
  private releasing: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: TriggerEngineDeps) {
    deps.triggers.onChange = () => { this.cached = undefined; };
  }

  /** Starts consuming (every node) and releasing held contacts. */
  async start(onError: (e: unknown) => void): Promise<void> {
    this.consumer = await this.deps.bus.consume(TRIGGER_CONSUMER, {
      subjects: TRIGGER_EVENTS, ackWaitMs: this.deps.ackWaitMs,
      onError: (e) => { try { onError(e); } catch { /* it comes again */ } },
    }, (e) => this.handle(e).then(() => undefined));
    this.timer = setInterval(() => {
      this.releasing = Promise.all([this.releaseHeld(), this.expireUnseen()]).catch((e: unknown) => { try { onError(e); } catch { /* next round */ } });
    }, TRIGGER_RELEASE_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.consumer?.stop();
    this.consumer = undefined;
    await this.releasing;
  }

  private async live(): Promise<TriggerView[]> {
    const now = this.deps.clock.now().getTime();
    if (this.cached && this.cached.until > now) return this.cached.live;
    const live = await this.deps.triggers.live();
    this.cached = { live, until: now + LIVE_TTL_MS };
    return live;
  }

  /** Whether a trigger takes this event (the offering's kind read from the catalogue when asked). */
  private async takes(t: TriggerView, e: BusEvent): Promise<boolean> {
    if (t.event !== e.subject) return false;
    const c = t.condition;
    switch (e.subject) {
      case EVENT_SUBJECTS.businessCalled: {
        const p = e.payload as BusinessCalledEvent;
        if (!within(c.channels, p.channel) || !within(c.businessIds, p.businessId) || !within(c.outcomes, p.outcome) || !within(c.offeringIds, p.offeringId)) return false;
        if (c.offeringKinds?.length) {
          if (!p.offeringId) return false;
          const o = await this.deps.catalogue.offering(this.deps.db, p.offeringId);
          if (!o || !(c.offeringKinds as readonly string[]).includes(o.kind)) return false;
        }
        return true;
      }
      case EVENT_SUBJECTS.usageThreshold: {
        const p = e.payload as UsageThresholdEvent;
        return (!c.allowance || c.allowance === p.allowance) && (c.minRatio === undefined || p.usedRatio >= c.minRatio);
      }
      case EVENT_SUBJECTS.balanceLow:
        return c.maxBalanceFen === undefined || (e.payload as BalanceLowEvent).balanceFen <= c.maxBalanceFen;
      case EVENT_SUBJECTS.billIssued:
        return c.minAmountFen === undefined || (e.payload as BillIssuedEvent).amountFen >= c.minAmountFen;
      default:
        return false;
    }
  }

  /**
   * Acts on one event: what each trigger that takes it did, or `duplicate` when the event was
   * processed before (a redelivery). Events no live trigger takes write nothing.
   */
  async handle(e: BusEvent): Promise<{ triggerId: number; outcome: TriggerFireOutcome | 'once' }[] | 'duplicate'> {
    const subscriberId = Number((e.payload as { subscriberId?: unknown } | null)?.subscriberId);
    if (!Number.isSafeInteger(subscriberId) || subscriberId <= 0) return [];
    const taking: TriggerView[] = [];
    for (const t of await this.live()) if (await this.takes(t, e)) taking.push(t);
    if (!taking.length) return [];
    const contact = await this.deps.contactOf(subscriberId);
    if (!contact) return [];
    const at = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      const mark = await tx.insertInto('marketingEventProcessed').values({ consumer: TRIGGER_CONSUMER, eventId: e.id, at })
        .onConflict((oc) => oc.columns(['consumer', 'eventId']).doNothing()).executeTakeFirst();
      if (Number(mark.numInsertedOrUpdatedRows ?? 0n) === 0) return 'duplicate' as const;
      // One subscriber's triggers one event at a time, so two nodes never both pass a once-rule.
      await sql`select pg_advisory_xact_lock(hashtext('omnihall.trigger'), ${subscriberId}::int)`.execute(tx);
      const done: { triggerId: number; outcome: TriggerFireOutcome | 'once' }[] = [];
      for (const t of taking) done.push({ triggerId: t.id, outcome: await this.fire(tx, t, e, subscriberId, contact, at) });
      return done;
    });
  }

  private async fire(tx: Db, t: TriggerView, e: BusEvent, subscriberId: number, contact: { msisdn: string; language: 'zh-CN' | 'en' }, at: Date): Promise<TriggerFireOutcome | 'once'> {
    if (t.once) {
      // A placement nobody saw in its window did not reach them, as a held text that expired did
      // not: it no longer counts for the once-rule, whether or not the sweep has marked it yet.
      await expireUnseen(tx, at, { triggerId: t.id, subscriberId });
      const before = await tx.selectFrom('marketingTriggerFire').select('id').where('triggerId', '=', t.id).where('subscriberId', '=', subscriberId)
        .where('once', '=', true).where('outcome', 'in', ['sent', 'held', 'suppressed', 'placed', 'shown']).executeTakeFirst();
      if (before) return 'once';
    }
    const until = new Date(eventAt(e).getTime() + t.windowMinutes * 60_000);
    const record = async (outcome: TriggerFireOutcome, rule: string | null = null, contactId: number | null = null) => {
      await tx.insertInto('marketingTriggerFire').values({
        triggerId: t.id, subscriberId, msisdn: contact.msisdn, language: contact.language, eventId: e.id, outcome, rule, contactId, once: t.once, at,
        sentAt: outcome === 'sent' ? at : null, placedUntil: outcome === 'placed' ? until : null,
      }).onConflict((oc) => oc.columns(['triggerId', 'eventId']).doNothing()).execute();
      return outcome;
    };
    if (at.getTime() > until.getTime()) return record('expired', 'WINDOW');
    const offer = await this.deps.offers.view(t.offerId, tx);
    if (offer.status !== 'active' || new Date(offer.startsAt) > at || new Date(offer.endsAt) <= at || offer.left <= 0) return record('unavailable', offer.left <= 0 ? 'OFFER_BUDGET_EXHAUSTED' : 'OFFER_EXPIRED');
    const gate = await this.deps.decisions.check(tx, subscriberId, t.offerId, t.channel === 'sms' ? 'sms' : PLACED_ON[t.channel][0]);
    // Suitability (a pack only for someone running out) is what the trigger's event says already.
    if (gate && !gate.ok && gate.gate !== 'suitability') return record('not_eligible', gate.reason);
    // On USSD, in the hall, on the IVR or at a kiosk the subscriber comes to us: no message goes out, so the contact policy
    // (which governs what we send) has nothing to decide; the offer waits first in 我的优惠 there.
    if (t.channel !== 'sms') return record('placed');
    const d = await this.deps.contacts.request(tx, { subscriberId, channel: t.channel, kind: 'marketing', purpose: `${PURPOSE}${t.id}:${e.id}` });
    if (d.outcome === 'send') {
      await this.deps.sms.send(tx, contact.msisdn, offerText(offer, contact.language), `${PURPOSE}${t.id}`);
      return record('sent', null, d.contactId);
    }
    return record(d.outcome === 'hold' ? 'held' : 'suppressed', d.rule, d.contactId);
  }

  /**
   * Placements whose window ended unseen, marked `expired` (rule NOT_SHOWN), at most EXPIRE_BATCH
   * a call. Safe on any number of nodes at once: each takes rows the others have not locked, and
   * only a row still `placed` changes, so one shown meanwhile stays shown. Returns how many.
   */
  async expireUnseen(): Promise<number> {
    return expireUnseen(this.deps.db, this.deps.clock.now());
  }

  /**
   * Held trigger contacts whose time has come: sent now in the release's transaction, unless the
   * trigger's window has passed meanwhile (then recorded as expired and nothing goes out).
   */
  async releaseHeld(): Promise<number> {
    let sent = 0;
    await this.deps.contacts.releaseDue(500, {
      purposePrefix: PURPOSE,
      send: async (tx: Db, r: Released) => {
        const m = /^trigger:(\d+):(.+)$/.exec(r.purpose);
        if (!m) return;
        const [triggerId, eventId] = [Number(m[1]), m[2]!];
        const fire = await tx.selectFrom('marketingTriggerFire').selectAll().where('triggerId', '=', triggerId).where('eventId', '=', eventId).executeTakeFirst();
        const t = await tx.selectFrom('marketingTrigger').select(['offerId', 'windowMinutes', 'status']).where('id', '=', triggerId).executeTakeFirst();
        if (!fire || !t || fire.outcome !== 'held') return;
        const at = this.deps.clock.now();
        const offer = await this.deps.offers.view(t.offerId, tx);
        const expired = at.getTime() > new Date(fire.at).getTime() + t.windowMinutes * 60_000;
        const live = t.status === 'active' && offer.status === 'active' && new Date(offer.endsAt) > at && offer.left > 0;
        if (expired || !live) {
          await tx.updateTable('marketingTriggerFire').set({ outcome: expired ? 'expired' : 'unavailable', rule: expired ? 'WINDOW' : 'OFFER_EXPIRED' }).where('id', '=', fire.id).execute();
          // the policy counted a contact that does not go out: it is not one
          await tx.updateTable('contact').set({ status: 'suppressed', rule: 'WINDOW' }).where('id', '=', r.newContactId).execute();
          return;
        }
        await this.deps.sms.send(tx, fire.msisdn, offerText(offer, fire.language), `${PURPOSE}${triggerId}`);
        await tx.updateTable('marketingTriggerFire').set({ outcome: 'sent', rule: null, contactId: r.newContactId, sentAt: at }).where('id', '=', fire.id).execute();
        sent++;
      },
    });
    return sent;
  }
}

/** Marks unseen placements past their end expired (all of them, or one trigger's for one subscriber); how many. */
async function expireUnseen(q: Db, at: Date, only?: { triggerId: number; subscriberId: number }): Promise<number> {
  const r = await q.updateTable('marketingTriggerFire').set({ outcome: 'expired', rule: 'NOT_SHOWN' })
    .where('id', 'in', (eb) => {
      let due = eb.selectFrom('marketingTriggerFire').select('id').where('outcome', '=', 'placed').where('placedUntil', '<=', at);
      if (only) due = due.where('triggerId', '=', only.triggerId).where('subscriberId', '=', only.subscriberId);
      return due.orderBy('placedUntil').limit(EXPIRE_BATCH).forUpdate().skipLocked();
    })
    // Only a row still placed: one the first showing marked shown meanwhile stays shown.
    .where('outcome', '=', 'placed')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
