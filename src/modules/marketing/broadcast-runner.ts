// The broadcast job, run from PostgreSQL on every node: it starts approved broadcasts whose time
// has come (the segment's members taken once, each with their text rendered, as recipient rows),
// then takes recipients in batches (`for update skip locked`, so two nodes never take the same
// one), asks the contact policy about each (opt-outs, do-not-disturb and caps suppress; quiet hours
// and the least gap hold it until they end, never drop it), and hands what may go to the SMS
// link at the broadcast's rate. The rate holds across nodes: claiming a batch moves the
// broadcast's next free slot on, in the database's clock. A recipient is `sending` from the moment
// it is decided until the SMS centre has taken it, held by one node under a lease it renews while
// it waits (a link that is down keeps it waiting, not lost); a node that stops leaves its lease to
// run out and another node sends it. The SMS centre's delivery receipts are counted back onto the
// recipients from sms_receipt.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { Random } from '../../platform/ports.ts';
import { cancelWaiting, valuesFor, type BroadcastDeps } from './broadcast.service.ts';
import { renderTemplate } from './templates.ts';
import type { RecipientState } from './broadcast.tables.ts';

/** How long a node holds a recipient it is sending before another node may send it. */
export const SEND_LEASE_MS = 60_000;
/** The most recipients decided in one transaction. */
const MAX_BATCH = 500;
/** Members read (and inserted) at a time when a broadcast starts. */
const SNAPSHOT_PAGE = 5_000;
/** How far ahead of its slot a node may claim: a batch covers about this much sending. */
const CLAIM_AHEAD_MS = 1_000;

interface ToSend {
  broadcastId: number;
  subscriberId: number;
  msisdn: string;
  text: string;
}

/** A failure the SMS centre gave for this message itself (it will not be taken on another try). */
function refusedForGood(e: unknown): string | null {
  const status = (e as { status?: unknown }).status;
  return typeof status === 'number' ? `SMSC_${(e as Error).message.replace(/^.*: /u, '')}` : null;
}

export class BroadcastRunner {
  readonly node: string;
  private readonly leaseMs: number;
  private readonly inflight = new Set<Promise<void>>();
  /** What this node holds: broadcast → recipients handed to the link and not yet answered. */
  private readonly holding = new Map<number, Set<number>>();
  private done: { broadcastId: number; subscriberId: number; messageId: string | null; failed: string | null }[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private flushTimer: NodeJS.Timeout | undefined;
  private timer: NodeJS.Timeout | undefined;
  private loop: Promise<void> = Promise.resolve();
  private stopped = false;

  /** Counters for tests and the benchmark. */
  readonly stats = { decided: 0, handed: 0, sent: 0, failed: 0, retried: 0 };

  constructor(private readonly deps: BroadcastDeps & { random?: Random }, opts: { node?: string; leaseMs?: number } = {}) {
    this.node = opts.node ?? `node-${deps.random?.token(6) ?? Math.random().toString(36).slice(2, 10)}`;
    this.leaseMs = opts.leaseMs ?? SEND_LEASE_MS;
  }

  private get db(): Db {
    return this.deps.db;
  }

  /** Runs the job every `everyMs` until `stop`; errors go to `onError` and the next pass tries again. */
  start(onError: (e: unknown) => void, everyMs = 250): void {
    this.stopped = false;
    const pass = () => {
      if (this.stopped) return;
      this.loop = this.tick().then(() => undefined, (e: unknown) => { try { onError(e); } catch { /* next pass */ } })
        .finally(() => { if (!this.stopped) { this.timer = setTimeout(pass, everyMs); this.timer.unref(); } });
    };
    pass();
  }

  /** Stops taking work; waits for what was handed to the link to be answered and recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.loop;
    await Promise.allSettled([...this.inflight]);
    await this.flush();
  }

  /**
   * One pass: start what is due, renew this node's leases, take and send one batch of each running
   * broadcast, count receipts, close what is finished. True when it took any recipient.
   */
  async tick(): Promise<boolean> {
    await this.startDue();
    await this.renewLeases();
    const now = this.deps.clock.now();
    const running = await this.db.selectFrom('broadcast').select('id').where('status', '=', 'running').where('startsAt', '<=', now).where('deletedAt', 'is', null).orderBy('id').execute();
    let worked = false;
    for (const b of running) {
      if (!this.deps.sender.ready()) break;
      if ((await this.claim(b.id)) !== 'none') worked = true;
    }
    await this.syncReceipts();
    await this.finish();
    return worked;
  }

  /** Until nothing is left to take now and everything handed over is answered (tests, demos). */
  async drain(maxPasses = 10_000): Promise<void> {
    for (let i = 0; i < maxPasses; i++) {
      const worked = await this.tick();
      const waiting = this.inflight.size === 0;
      await Promise.allSettled([...this.inflight]);
      await this.flush();
      if (!worked && this.inflight.size === 0) {
        await this.syncReceipts();
        await this.finish();
        return;
      }
      // Work whose slot has not come yet (the rate): wait a little rather than spin.
      if (worked && waiting) await new Promise((r) => setTimeout(r, 50));
    }
  }

  // ---- starting: the segment as it is now, each recipient's text rendered ----

  private async startDue(): Promise<void> {
    const now = this.deps.clock.now();
    const due = await this.db.selectFrom('broadcast').selectAll().where('status', '=', 'approved').where('startsAt', '<=', now).where('kind', '=', 'campaign').orderBy('id').execute();
    for (const b of due) {
      const offer = b.offerId !== null ? await this.deps.offers.view(b.offerId) : null;
      // Read before the transaction: the segment and subscriber services read on their own.
      const rows: { broadcastId: number; subscriberId: number; msisdn: string; state: RecipientState; dueAt: Date; text: string }[] = [];
      let after = 0;
      for (;;) {
        const ids = await this.deps.segments.members(b.segmentId!, { afterId: after, limit: SNAPSHOT_PAGE });
        if (ids.length === 0) break;
        after = ids[ids.length - 1]!;
        for (const c of await this.deps.directory.contactDetails(ids)) {
          const tpl = c.language === 'en' && b.templateEn ? b.templateEn : b.templateZh;
          rows.push({ broadcastId: b.id, subscriberId: c.subscriberId, msisdn: c.msisdn, state: 'queued', dueAt: now, text: renderTemplate(tpl, valuesFor(c.language, c.name, offer)) });
        }
        if (ids.length < SNAPSHOT_PAGE) break;
      }
      await this.db.transaction().execute(async (tx) => {
        // One node starts it; another that got here at the same time finds it taken or running.
        const mine = await tx.selectFrom('broadcast').select('id').where('id', '=', b.id).where('status', '=', 'approved').forUpdate().skipLocked().executeTakeFirst();
        if (!mine) return;
        for (let i = 0; i < rows.length; i += 1000) {
          await tx.insertInto('broadcastRecipient').values(rows.slice(i, i + 1000)).onConflict((oc) => oc.columns(['broadcastId', 'subscriberId']).doNothing()).execute();
        }
        await tx.updateTable('broadcast').set({ status: 'running', startedAt: now, recipients: rows.length, updatedAt: now }).where('id', '=', b.id).execute();
      });
    }
  }

  // ---- claiming and deciding ----

  /**
   * Takes one batch of a running broadcast, decides each, and hands what may go to the link:
   * `took` when it took any, `wait` when its next slot is still more than a batch ahead, `none`
   * when nobody is due now.
   */
  private async claim(broadcastId: number): Promise<'took' | 'wait' | 'none'> {
    const now = this.deps.clock.now();
    const claimed = await this.db.transaction().execute(async (tx) => {
      const b = await tx.selectFrom('broadcast')
        .select(['id', 'status', 'rate', 'priority', 'templateZh', sql<Date>`greatest(coalesce(next_slot_at, clock_timestamp()), clock_timestamp())`.as('slot'), sql<Date>`clock_timestamp()`.as('dbNow')])
        .where('id', '=', broadcastId).forUpdate().executeTakeFirst();
      if (!b || b.status !== 'running') return 'none' as const;
      const slot = new Date(b.slot).getTime();
      const dbNow = new Date(b.dbNow).getTime();
      // Another node (or this one) has the next second's messages already.
      if (slot - dbNow > CLAIM_AHEAD_MS) return 'wait' as const;
      const n = Math.max(1, Math.min(MAX_BATCH, Math.ceil((b.rate * CLAIM_AHEAD_MS) / 1000)));
      // Three index ranges, each read only as far as it needs (no sort over the whole broadcast):
      // sends a node left unfinished (its lease ran out), then the queue, then holds now due.
      const pick = (state: 'sending' | 'queued' | 'held', limit: number) => {
        let q = tx.selectFrom('broadcastRecipient').select(['subscriberId', 'msisdn', 'state', 'contactId', 'text'])
          .where('broadcastId', '=', broadcastId).where('state', '=', state);
        q = state === 'sending' ? q.where('claimedUntil', '<', sql<Date>`clock_timestamp()`) : q.where('dueAt', '<=', now).orderBy('dueAt');
        return q.limit(limit).forUpdate().skipLocked().execute();
      };
      const rows = await pick('sending', n);
      if (rows.length < n) rows.push(...await pick('queued', n - rows.length));
      if (rows.length < n) rows.push(...await pick('held', n - rows.length));
      if (rows.length === 0) return 'none' as const;
      const toSend: ToSend[] = [];
      const outcome = { sending: [] as number[], contact: [] as string[], held: [] as { id: number; contact: string; rule: string; at: Date }[], suppressed: [] as { id: number; contact: string; rule: string }[] };
      const undecided = rows.filter((r) => r.state !== 'sending');
      for (const r of rows) {
        if (r.state !== 'sending') continue;
        this.stats.retried++;
        outcome.sending.push(r.subscriberId);
        outcome.contact.push(String(r.contactId ?? ''));
        toSend.push({ broadcastId, subscriberId: r.subscriberId, msisdn: r.msisdn, text: r.text ?? b.templateZh });
      }
      // A held contact decided again is a new decision; the held one is closed so nothing else releases it.
      const wasHeld = undecided.filter((r) => r.state === 'held' && r.contactId !== null).map((r) => Number(r.contactId));
      if (wasHeld.length) await tx.updateTable('contact').set({ status: 'released' }).where('id', 'in', wasHeld).where('status', '=', 'held').execute();
      const decisions = await this.deps.contacts.requestMany(tx, undecided.map((r) => ({ subscriberId: r.subscriberId, channel: 'sms' as const, kind: b.priority, purpose: `broadcast:${broadcastId}` })));
      for (let i = 0; i < undecided.length; i++) {
        const r = undecided[i]!;
        const d = decisions[i]!;
        this.stats.decided++;
        if (d.outcome === 'send') {
          outcome.sending.push(r.subscriberId);
          outcome.contact.push(String(d.contactId));
          toSend.push({ broadcastId, subscriberId: r.subscriberId, msisdn: r.msisdn, text: r.text ?? b.templateZh });
        } else if (d.outcome === 'hold') {
          outcome.held.push({ id: r.subscriberId, contact: String(d.contactId), rule: d.rule, at: d.releaseAt });
        } else {
          outcome.suppressed.push({ id: r.subscriberId, contact: String(d.contactId), rule: d.rule });
        }
      }
      if (outcome.sending.length) {
        await sql`update broadcast_recipient r set state = 'sending', reason = null, contact_id = nullif(v.contact, '')::bigint, claimed_by = ${this.node},
            claimed_until = clock_timestamp() + ${`${this.leaseMs} milliseconds`}::interval
          from unnest(${outcome.sending}::int[], ${outcome.contact}::text[]) as v(id, contact)
          where r.broadcast_id = ${broadcastId} and r.subscriber_id = v.id`.execute(tx);
      }
      if (outcome.held.length) {
        await sql`update broadcast_recipient r set state = 'held', reason = v.rule, contact_id = v.contact::bigint, due_at = v.at
          from unnest(${outcome.held.map((h) => h.id)}::int[], ${outcome.held.map((h) => h.contact)}::text[], ${outcome.held.map((h) => h.rule)}::text[], ${outcome.held.map((h) => h.at.toISOString())}::timestamptz[]) as v(id, contact, rule, at)
          where r.broadcast_id = ${broadcastId} and r.subscriber_id = v.id`.execute(tx);
      }
      if (outcome.suppressed.length) {
        await sql`update broadcast_recipient r set state = 'suppressed', reason = v.rule, contact_id = v.contact::bigint
          from unnest(${outcome.suppressed.map((h) => h.id)}::int[], ${outcome.suppressed.map((h) => h.contact)}::text[], ${outcome.suppressed.map((h) => h.rule)}::text[]) as v(id, contact, rule)
          where r.broadcast_id = ${broadcastId} and r.subscriber_id = v.id`.execute(tx);
      }
      if (toSend.length) {
        await tx.updateTable('broadcast').set({ nextSlotAt: new Date(slot + (toSend.length * 1000) / b.rate) }).where('id', '=', broadcastId).execute();
      }
      return { toSend, slot, dbNow, rate: b.rate };
    });
    if (typeof claimed === 'string') return claimed;
    if (claimed.toSend.length) this.hand(claimed.toSend, Date.now() + (claimed.slot - claimed.dbNow), claimed.rate);
    return 'took';
  }

  /** Hands each text to the link at its slot: the i-th at `startAt + i / rate`. */
  private hand(batch: ToSend[], startAt: number, rate: number): void {
    const held = this.holding.get(batch[0]!.broadcastId) ?? new Set<number>();
    this.holding.set(batch[0]!.broadcastId, held);
    for (const m of batch) held.add(m.subscriberId);
    const run = (async () => {
      const sends: Promise<void>[] = [];
      for (let i = 0; i < batch.length; i++) {
        const m = batch[i]!;
        const wait = startAt + (i * 1000) / rate - Date.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        this.stats.handed++;
        sends.push(this.deps.sender.send(m.msisdn, m.text).then(
          (ids) => this.record(m, ids[0] ?? null, null),
          (e: unknown) => {
            const why = refusedForGood(e);
            if (why) return this.record(m, null, why);
            // The link was stopped or gave up: let the lease go so the next pass (here or on another node) sends it.
            held.delete(m.subscriberId);
            return this.release(m);
          },
        ));
      }
      await Promise.all(sends);
    })();
    const tracked = run.finally(() => this.inflight.delete(tracked));
    this.inflight.add(tracked);
  }

  private record(m: ToSend, messageId: string | null, failed: string | null): void {
    this.done.push({ broadcastId: m.broadcastId, subscriberId: m.subscriberId, messageId, failed });
    if (this.done.length >= 200) void this.flush();
    else this.flushTimer ??= setTimeout(() => void this.flush(), 20);
  }

  private async release(m: ToSend): Promise<void> {
    await this.db.updateTable('broadcastRecipient').set({ claimedUntil: sql<Date>`clock_timestamp()`, claimedBy: null })
      .where('broadcastId', '=', m.broadcastId).where('subscriberId', '=', m.subscriberId).where('state', '=', 'sending').execute();
  }

  /**
   * Writes what the SMS centre took, in groups (one statement for every answer within a few
   * milliseconds). Until it is written the recipient stays leased to this node, so nobody sends it
   * again; a node that dies in between leaves it to be sent once more after its lease, the one
   * case where a text may go twice (SMPP has no way to ask whether it arrived).
   */
  flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const batch = this.done;
    this.done = [];
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      const sent = batch.filter((b) => b.failed === null);
      const failed = batch.filter((b) => b.failed !== null);
      for (const group of [sent, failed]) {
        if (group.length === 0) continue;
        await sql`update broadcast_recipient r set state = ${group === sent ? 'sent' : 'failed'}, message_id = v.mid, reason = v.why, sent_at = clock_timestamp(), claimed_by = null, claimed_until = null
          from unnest(${group.map((g) => g.broadcastId)}::int[], ${group.map((g) => g.subscriberId)}::int[], ${group.map((g) => g.messageId)}::text[], ${group.map((g) => g.failed)}::text[]) as v(bid, id, mid, why)
          where r.broadcast_id = v.bid and r.subscriber_id = v.id and r.state = 'sending'`.execute(this.db);
      }
      this.stats.sent += sent.length;
      this.stats.failed += failed.length;
      for (const b of batch) this.holding.get(b.broadcastId)?.delete(b.subscriberId);
    }).catch(() => {
      // Not written (the database is away): the rows stay leased to this node and go with the next group.
      this.done.push(...batch);
      this.flushTimer ??= setTimeout(() => void this.flush(), 1_000);
    });
    return this.flushing;
  }

  /**
   * Keeps this node's hold on what it has handed to the link (a link that is down holds them
   * there). In turn with the writes of what was sent, which touch the same rows: two statements
   * updating them at once, in their own orders, would deadlock.
   */
  private renewLeases(): Promise<void> {
    const renewal = this.flushing.then(() => this.renew());
    this.flushing = renewal.catch(() => undefined);
    return renewal;
  }

  private async renew(): Promise<void> {
    for (const [broadcastId, ids] of this.holding) {
      if (ids.size === 0) {
        this.holding.delete(broadcastId);
        continue;
      }
      await this.db.updateTable('broadcastRecipient').set({ claimedUntil: sql<Date>`clock_timestamp() + ${`${this.leaseMs} milliseconds`}::interval` })
        .where('broadcastId', '=', broadcastId).where('subscriberId', 'in', [...ids]).where('state', '=', 'sending').where('claimedBy', '=', this.node).execute();
    }
  }

  // ---- receipts and the end ----

  /** Delivery receipts in sms_receipt, counted onto the recipients they are for. */
  async syncReceipts(): Promise<void> {
    await sql`update broadcast_recipient r set receipt_state = s.state, receipt_at = s.received_at
      from sms_receipt s
      where r.state = 'sent' and r.receipt_state is null and r.message_id is not null
        and s.message_id = r.message_id and right(s.msisdn, 11) = right(r.msisdn, 11)
        and r.broadcast_id in (select id from broadcast where status in ('running', 'paused') or finished_at > ${new Date(this.deps.clock.now().getTime() - 3 * 86_400_000)})`.execute(this.db);
  }

  /** Running broadcasts with nobody left waiting or being sent are done; cancelled ones stop their waiting. */
  private async finish(): Promise<void> {
    const at = this.deps.clock.now();
    await sql`update broadcast b set status = 'done', finished_at = ${at}, updated_at = ${at}
      where b.status = 'running' and b.started_at is not null
        and not exists (select 1 from broadcast_recipient r where r.broadcast_id = b.id and r.state in ('queued', 'held', 'sending'))`.execute(this.db);
    const cancelled = await this.db.selectFrom('broadcast').select('id').where('status', '=', 'cancelled')
      .where((eb) => eb.exists(eb.selectFrom('broadcastRecipient as r').select('r.subscriberId').whereRef('r.broadcastId', '=', 'broadcast.id').where('r.state', 'in', ['queued', 'held']))).execute();
    for (const c of cancelled) await cancelWaiting(this.db, c.id);
  }
}
