// The interaction log: one row per business call on any channel (time, channel, subscriber,
// business, outcome, error code, latency). Rows are written in batches off the request path;
// the ledger, not this log, is the record of money, so a crash may lose the last batches
// (those buffered here and those committed without waiting for their WAL, well under a second).
// With an event bus, each written call of a subscriber is published as `interaction.called`
// after its batch commits (event triggers act on it), its id the row's.
import type { Db } from '../../platform/db/index.ts';
import { EVENT_SUBJECTS, type BusinessCalledEvent, type EventBus } from '../../platform/events/index.ts';
import { sql, type Insertable } from 'kysely';
import type { InteractionTable } from './tables.ts';
import { callsSince, type CallCount } from './interaction-stats.ts';

export type InteractionRow = Insertable<InteractionTable>;

interface WrittenRow {
  id: string;
  at: Date;
  channel: string;
  subscriberId: string | null;
  businessId: string;
  outcome: InteractionRow['outcome'];
  errorCode: string | null;
  offeringId: string | null;
}

export class InteractionLog {
  private buffer: InteractionRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly opts: {
      maxBatch?: number;
      maxDelayMs?: number;
      onError?: (e: unknown) => void;
      /** Sees every row as it is recorded (metrics). */
      observe?: (row: InteractionRow) => void;
      /** Where written calls are published (business called events). */
      events?: EventBus;
    } = {},
  ) {}

  record(row: InteractionRow): void {
    this.opts.observe?.(row);
    this.buffer.push(row);
    if (this.buffer.length >= (this.opts.maxBatch ?? 500)) {
      void this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.opts.maxDelayMs ?? 100);
      this.timer.unref();
    }
  }

  /** Calls since a moment, per business and channel, as far as they are written. */
  callsSince(since: Date): Promise<CallCount[]> {
    return callsSince(this.db, since);
  }

  /** Writes what is buffered; resolves when it is in the database. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const rows = this.buffer;
    this.buffer = [];
    this.flushing = this.flushing.then(async () => {
      if (rows.length === 0) return;
      try {
        // One array per column: the statement text and its 8 parameters are the same for any
        // batch size, so PostgreSQL plans it once instead of parsing 8 parameters per row.
        const at = rows.map((r) => (r.at instanceof Date ? r.at.toISOString() : r.at ?? new Date().toISOString()));
        const written = await this.db.transaction().execute(async (trx) => {
          // This commit need not wait for its WAL to reach disk: losing the last few hundred
          // milliseconds of log rows in a server crash is within what this log promises, and the
          // wait's fsync was most of PostgreSQL's CPU per request (measured in bench/core.ts).
          await sql`set local synchronous_commit to off`.execute(trx);
          const written = await sql<WrittenRow>`
            insert into interaction (at, channel, subscriber_id, business_id, outcome, error_code, latency_ms, offering_id)
            select * from unnest(${at}::timestamptz[], ${rows.map((r) => r.channel)}::text[], ${rows.map((r) => r.subscriberId ?? null)}::bigint[],
              ${rows.map((r) => r.businessId)}::text[], ${rows.map((r) => r.outcome)}::text[], ${rows.map((r) => r.errorCode ?? null)}::text[],
              ${rows.map((r) => r.latencyMs)}::int[], ${rows.map((r) => r.offeringId ?? null)}::text[])
            returning ${sql.raw(this.opts.events ? 'id, at, channel, subscriber_id as "subscriberId", business_id as "businessId", outcome, error_code as "errorCode", offering_id as "offeringId"' : 'id')}
          `.execute(trx);
          return written.rows;
        });
        if (this.opts.events) await this.publish(this.opts.events, written);
      } catch (e) {
        this.opts.onError?.(e);
      }
    });
    return this.flushing;
  }

  /** Each written call of a subscriber, as an event with the row's id (read back from the insert, not matched by order). */
  private async publish(events: EventBus, written: WrittenRow[]): Promise<void> {
    await Promise.all(written.map(async (r) => {
      if (r.subscriberId == null) return;
      const id = Number(r.id);
      const e: BusinessCalledEvent = {
        interactionId: id, at: new Date(r.at).toISOString(), channel: r.channel, subscriberId: Number(r.subscriberId), businessId: r.businessId,
        outcome: r.outcome, errorCode: r.errorCode, offeringId: r.offeringId,
      };
      try {
        await events.publish(EVENT_SUBJECTS.businessCalled, e, { id: `interaction:${id}` });
      } catch (err) {
        this.opts.onError?.(err);
      }
    }));
  }
}
