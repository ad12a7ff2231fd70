// SQL on the staff tables: staff users and the sign-in throttle (the audit log is in audit.repository.ts).
import type { Selectable } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { StaffSignInThrottleTable, StaffUserTable } from './tables.ts';

export type StaffRow = Selectable<StaffUserTable>;
export type ThrottleScope = StaffSignInThrottleTable['scope'];

export interface NewStaffRow {
  username: string;
  displayName: string;
  passwordHash: string;
  roles: string[];
}

export interface StaffPatch {
  displayName?: string;
  roles?: string[];
  active?: boolean;
  passwordHash?: string;
}

/**
 * The staff tables over a database or one transaction of it; `transaction` gives a repository
 * bound to a new transaction (or this one), whose `q` the audit log writes through.
 *
 * ```ts
 * await repo.transaction(async (tx) => { const u = await tx.update(id, patch); await audit.record(tx.q, actor, entry, now); });
 * ```
 */
export class StaffRepository {
  constructor(readonly q: Db) {}

  transaction<T>(work: (tx: StaffRepository) => Promise<T>): Promise<T> {
    if (this.q.isTransaction) return work(this);
    return this.q.transaction().execute((trx) => work(new StaffRepository(trx)));
  }

  // ---- users --------------------------------------------------------------------------------

  findByUsername(username: string): Promise<StaffRow | undefined> {
    return this.q.selectFrom('staffUser').selectAll().where('username', '=', username).executeTakeFirst();
  }

  /** The user, locked for the rest of the transaction when `forUpdate` (so before and after are exact). */
  findById(id: number, forUpdate = false): Promise<StaffRow | undefined> {
    const q = this.q.selectFrom('staffUser').selectAll().where('id', '=', id);
    return (forUpdate ? q.forUpdate() : q).executeTakeFirst();
  }

  list(): Promise<StaffRow[]> {
    return this.q.selectFrom('staffUser').selectAll().orderBy('id').execute();
  }

  /** The new user, or undefined when the username is taken (by an earlier or a concurrent insert). */
  insert(u: NewStaffRow): Promise<StaffRow | undefined> {
    return this.q.insertInto('staffUser').values({ ...u, active: true })
      .onConflict((oc) => oc.column('username').doNothing())
      .returningAll().executeTakeFirst();
  }

  update(id: number, patch: StaffPatch): Promise<StaffRow | undefined> {
    return this.q.updateTable('staffUser').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
  }

  // ---- sign-in throttle ---------------------------------------------------------------------

  /**
   * Counts one attempt unless the counter is locked at `now`: the count (starting afresh when the
   * last attempt was before `idleSince`), or undefined when locked. The row stays locked until
   * the transaction ends, so concurrent attempts are counted one after another.
   */
  async reserve(scope: ThrottleScope, subject: string, now: Date, idleSince: Date): Promise<number | undefined> {
    const row = await this.q.insertInto('staffSignInThrottle')
      .values({ scope, subject, failures: 1, lastAt: now, lockedUntil: null })
      .onConflict((oc) => oc.columns(['scope', 'subject'])
        .doUpdateSet((eb) => ({
          failures: eb.case().when('staffSignInThrottle.lastAt', '<', idleSince).then(1)
            .else(eb('staffSignInThrottle.failures', '+', 1)).end(),
          lastAt: now,
          lockedUntil: null,
        }))
        .where((eb) => eb.or([eb('staffSignInThrottle.lockedUntil', 'is', null), eb('staffSignInThrottle.lockedUntil', '<=', now)])))
      .returning('failures').executeTakeFirst();
    return row?.failures;
  }

  async lockedUntil(scope: ThrottleScope, subject: string): Promise<Date | null> {
    const row = await this.q.selectFrom('staffSignInThrottle').select('lockedUntil').where('scope', '=', scope).where('subject', '=', subject).executeTakeFirst();
    return row?.lockedUntil ?? null;
  }

  async lock(scope: ThrottleScope, subject: string, until: Date): Promise<void> {
    await this.q.updateTable('staffSignInThrottle').set({ lockedUntil: until }).where('scope', '=', scope).where('subject', '=', subject).execute();
  }

  /** Forgets every attempt (a username's after its correct password). */
  async clear(scope: ThrottleScope, subject: string): Promise<void> {
    await this.q.deleteFrom('staffSignInThrottle').where('scope', '=', scope).where('subject', '=', subject).execute();
  }

  /** Takes back one counted attempt, and the lock it set (if it is still that one). */
  async refund(scope: ThrottleScope, subject: string, lockItSet: Date | null): Promise<void> {
    await this.q.updateTable('staffSignInThrottle')
      .set((eb) => ({
        failures: eb.fn('greatest', [eb('failures', '-', 1), eb.lit(0)]),
        ...(lockItSet ? { lockedUntil: eb.case().when('lockedUntil', '=', lockItSet).then(null).else(eb.ref('lockedUntil')).end() } : {}),
      }))
      .where('scope', '=', scope).where('subject', '=', subject).execute();
  }

  /** Deletes counters idle since before `idleSince` that lock nothing at `now`. */
  async prune(idleSince: Date, now: Date): Promise<void> {
    await this.q.deleteFrom('staffSignInThrottle').where('lastAt', '<', idleSince)
      .where((eb) => eb.or([eb('lockedUntil', 'is', null), eb('lockedUntil', '<=', now)])).execute();
  }
}
