// The audit port: every staff action is recorded, in the same transaction as the change it
// describes. The staff module keeps the append-only log; modules that staff change write to it
// through this interface, so none of them knows the staff module's tables.
import type { Kysely } from 'kysely';
import { AppError } from './errors.ts';
import type { StaffRole } from './principal.ts';

/** A staff member acting: who they are, for the history and the audit log. */
export interface Actor {
  id: number;
  /** Display name at the time of the action. */
  name: string;
  roles: readonly StaffRole[];
  sourceIp?: string;
}

/** The omnihall itself acting (scheduled launches and retirements). */
export const SYSTEM_ACTOR: Actor = { id: 0, name: 'system 系统', roles: ['admin'] };

export interface AuditEntry {
  /** Dotted, e.g. `offering.create`, `review.approve`, `business.channel.withdraw`. */
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
  reason?: string;
}

export interface AuditLog {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  record(q: Kysely<any>, actor: Actor, entry: AuditEntry, at: Date): Promise<void>;
}

/** Throws FORBIDDEN unless the actor has one of the roles (admin has them all). */
export function requireRole(actor: Actor, roles: readonly StaffRole[]): void {
  if (!actor.roles.some((r) => r === 'admin' || roles.includes(r))) throw new AppError('FORBIDDEN');
}
