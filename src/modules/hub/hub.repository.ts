// SQL on the hub's listener table, and nothing else.
import { sql, type Insertable, type Updateable } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { HubListener, HubListenerTable } from './tables.ts';

export async function insertListener(q: Db, row: Insertable<HubListenerTable>): Promise<void> {
  await q.insertInto('hubListener').values(row).execute();
}

export function getListener(q: Db, id: string): Promise<HubListener | undefined> {
  return q.selectFrom('hubListener').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function deleteListener(q: Db, id: string): Promise<boolean> {
  const r = await q.deleteFrom('hubListener').where('id', '=', id).executeTakeFirst();
  return r.numDeletedRows > 0n;
}

/**
 * Takes one listener that is due (its next attempt has come, events wait beyond its cursor, no
 * node holds it) and holds it for `leaseMs` of the database's time. `for update skip locked`:
 * nodes claiming at the same moment each take a different listener instead of waiting or
 * taking the same one.
 */
export async function claimDue(db: Db, o: { now: Date; lastEventId: number; owner: string; leaseMs: number }): Promise<HubListener | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('hubListener').select('id')
      .where('nextAttemptAt', '<=', o.now)
      .where('cursor', '<', o.lastEventId)
      .where((eb) => eb.or([eb('leaseUntil', 'is', null), eb('leaseUntil', '<', sql<Date>`now()`)]))
      .orderBy('nextAttemptAt').orderBy('id')
      .limit(1).forUpdate().skipLocked()
      .executeTakeFirst();
    if (!row) return undefined;
    return trx.updateTable('hubListener')
      .set({ leaseOwner: o.owner, leaseUntil: sql<Date>`now() + make_interval(secs => ${o.leaseMs / 1000})` })
      .where('id', '=', row.id).returningAll().executeTakeFirst();
  });
}

/** Moves the cursor past a delivered (or passed-over) event; false when this node no longer holds the listener. */
export async function advance(q: Db, id: string, owner: string, cursor: number): Promise<boolean> {
  const r = await q.updateTable('hubListener').set({ cursor, attempts: 0, lastError: null })
    .where('id', '=', id).where('leaseOwner', '=', owner).where('cursor', '<', cursor).executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Lets go of a listener, with what the round found (a failure's backoff). */
export async function release(q: Db, id: string, owner: string, set: Updateable<HubListenerTable> = {}): Promise<void> {
  await q.updateTable('hubListener').set({ ...set, leaseOwner: null, leaseUntil: null })
    .where('id', '=', id).where('leaseOwner', '=', owner).execute();
}
