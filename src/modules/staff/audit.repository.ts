// SQL on the audit log: one insert per staff action, and the admin's filtered reads.
import type { Kysely, Selectable } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { Page } from '../../platform/db/page.ts';
import type { Actor, AuditEntry, AuditLog } from '../../platform/audit.ts';
import type { Database } from '../../platform/db/database.ts';
import type { AuditEntryTable } from './tables.ts';

/** Rows as JSON: dates as ISO text, and nothing PostgreSQL's jsonb would refuse. */
function json(v: unknown): string | null {
  return v === undefined ? null : JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x));
}

/** The audit log the modules write to (platform/audit.ts), in the transaction of the change. */
export const auditLog: AuditLog = {
  async record(q, actor: Actor, e: AuditEntry, at: Date): Promise<void> {
    await (q as Kysely<Database>).insertInto('auditEntry').values({
      at, actorId: actor.id || null, actorName: actor.name, action: e.action, entityType: e.entityType, entityId: e.entityId,
      before: json(e.before), after: json(e.after), reason: e.reason ?? '', sourceIp: actor.sourceIp ?? null,
    }).execute();
  },
};

export interface AuditFilter {
  /** A username: what that user did, and failed sign-ins in that name (or an actor's name, e.g. the system's). */
  actor?: string;
  actorId?: number;
  /** An action or the start of one (`offering.` for every offering action). */
  action?: string;
  entityType?: string;
  entityId?: string;
}

export type AuditRow = Selectable<AuditEntryTable>;

/** A page of the log, newest first, and how many entries match in all. */
export async function listAudit(db: Db, f: AuditFilter, p: Page): Promise<{ rows: AuditRow[]; total: number }> {
  let q = db.selectFrom('auditEntry');
  if (f.actorId !== undefined) q = q.where('actorId', '=', f.actorId);
  const actor = f.actor;
  if (actor) {
    q = q.where((eb) => eb.or([
      eb('actorId', 'in', eb.selectFrom('staffUser').select('id').where('username', '=', actor)),
      eb('actorName', '=', actor),
    ]));
  }
  if (f.action) q = q.where('action', 'like', `${f.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (f.entityType) q = q.where('entityType', '=', f.entityType);
  if (f.entityId) q = q.where('entityId', '=', f.entityId);
  const [rows, count] = await Promise.all([
    q.selectAll().orderBy('at', 'desc').orderBy('id', 'desc').offset(p.offset).limit(p.limit).execute(),
    q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}
