// The event outbox: a module that must tell of a change it commits (a balance gone low, a bill
// issued) writes the event in that change's own transaction, into event_outbox; the relay here
// publishes what is there and deletes it. So an event is told if and only if its change
// committed, and a crash between the two loses nothing: the row is still there and goes on the
// next tick. A row published and then not deleted (the node died in between) is published again
// under the same id, which the bus drops within its duplicate window and consumers act on once
// anyway (bus.ts). Several nodes drain at once without taking the same rows (skip locked).
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/database.ts';
import type { Db } from '../db/index.ts';
import type { EventBus } from './bus.ts';
import './tables.ts';

/** How many rows one transaction of the relay takes. */
const BATCH = 100;

/** Writes an event into the outbox in the caller's transaction (or statement); a second write of its id is nothing. */
export async function writeEvent(q: Kysely<Database> | Transaction<Database>, subject: string, payload: unknown, id: string, at: Date): Promise<void> {
  await q.insertInto('eventOutbox').values({ id, subject, payload: JSON.stringify(payload), createdAt: at })
    .onConflict((oc) => oc.column('id').doNothing()).execute();
}

export class EventOutbox {
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<number> | undefined;

  constructor(private readonly deps: { db: Db; bus: EventBus }) {}

  /** Publishes every event the outbox holds now, oldest first; how many it published. */
  drain(): Promise<number> {
    // one drain at a time on a node: a tick that finds one running waits for it
    this.draining ??= this.drainAll().finally(() => { this.draining = undefined; });
    return this.draining;
  }

  private async drainAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.deps.db.transaction().execute(async (tx) => {
        const rows = await tx.selectFrom('eventOutbox').select(['seq', 'id', 'subject', 'payload'])
          .orderBy('seq').limit(BATCH).forUpdate().skipLocked().execute();
        for (const r of rows) await this.deps.bus.publish(r.subject, r.payload, { id: r.id });
        if (rows.length > 0) await tx.deleteFrom('eventOutbox').where('seq', 'in', rows.map((r) => r.seq)).execute();
        return rows.length;
      });
      total += n;
      if (n < BATCH) return total;
    }
  }

  /** Drains every `everyMs` on this node until stopped. */
  start(everyMs: number, onError: (e: unknown) => void): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.drain().catch(onError), everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.draining?.catch(() => undefined);
  }
}
