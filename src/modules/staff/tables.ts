// The staff module's tables: staff users, their sign-in attempts, and the audit log of what they do.
import type { Generated } from 'kysely';
import type { Json, TextArray, Timestamp } from '../../platform/db/database.ts';

export interface StaffUserTable {
  id: Generated<number>;
  username: string;
  displayName: string;
  passwordHash: string;
  roles: TextArray;
  active: boolean;
  createdAt: Timestamp;
}

/** One staff action. Append-only: a trigger refuses updates and deletes. */
export interface AuditEntryTable {
  id: Generated<number>;
  at: Timestamp;
  actorId: number | null;
  actorName: string;
  action: string;
  entityType: string;
  entityId: string;
  before: Json<unknown> | null;
  after: Json<unknown> | null;
  reason: string;
  sourceIp: string | null;
}

/**
 * Sign-in attempts of one username (`user`) or one source address (`address`): counted before
 * the password is checked (so a burst of parallel guesses is counted too), refunded or cleared
 * on success.
 */
export interface StaffSignInThrottleTable {
  scope: 'user' | 'address';
  subject: string;
  failures: number;
  /** When the last attempt was counted; a counter idle for long enough starts afresh. */
  lastAt: Timestamp;
  lockedUntil: Timestamp | null;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    staffUser: StaffUserTable;
    auditEntry: AuditEntryTable;
    staffSignInThrottle: StaffSignInThrottleTable;
  }
}
