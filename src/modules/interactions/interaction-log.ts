// The interaction log: one row per business call on any channel (time, channel, subscriber,
// business, outcome, error code, latency). Rows are written in batches off the request path;
// the ledger, not this log, is the record of money, so a crash may lose the last batches
// (those buffered here and those committed without waiting for their WAL, well under a second).
import type { Db } from '../../platform/db/index.ts';
import { sql, type Insertable } from 'kysely';
import type { InteractionTable } from './tables.ts';
import { callsSince, type CallCount } from './interaction-stats.ts';

export type InteractionRow = Insertable<InteractionTable>;

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
        // One array per column: the statement text and its 7 parameters are the same for any
        // batch size, so PostgreSQL plans it once instead of parsing 7 parameters per row.
        const at = rows.map((r) => (r.at instanceof Date ? r.at.toISOString() : r.at ?? new Date().toISOString()));
        await this.db.transaction().execute(async (trx) => {
          // This commit need not wait for its WAL to reach disk: losing the last few hundred
          // milliseconds of log rows in a server crash is within what this log promises, and the
          // wait's fsync was most of PostgreSQL's CPU per request (measured in bench/core.ts).
          await sql`set local synchronous_commit to off`.execute(trx);
          await sql`
            insert into interaction (at, channel, subscriber_id, business_id, outcome, error_code, latency_ms)
            select * from unnest(${at}::timestamptz[], ${rows.map((r) => r.channel)}::text[], ${rows.map((r) => r.subscriberId ?? null)}::bigint[],
              ${rows.map((r) => r.businessId)}::text[], ${rows.map((r) => r.outcome)}::text[], ${rows.map((r) => r.errorCode ?? null)}::text[],
              ${rows.map((r) => r.latencyMs)}::int[])
          `.execute(trx);
        });
      } catch (e) {
        this.opts.onError?.(e);
      }
    });
    return this.flushing;
  }
}
