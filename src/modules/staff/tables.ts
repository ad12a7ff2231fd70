// The staff module's tables: staff users and the audit log of what they do.
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

declare module '../../platform/db/database.ts' {
  interface Database {
    staffUser: StaffUserTable;
    auditEntry: AuditEntryTable;
  }
}
