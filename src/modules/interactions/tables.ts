// The entry point's tables: the interaction log every channel's calls land in, and the
// idempotency records that let a retried transaction answer without running again.
import type { ColumnType, Generated } from 'kysely';
import type { Json, Timestamp } from '../../platform/db/database.ts';

export interface InteractionTable {
  id: Generated<number>;
  at: Timestamp;
  channel: string;
  subscriberId: number | null;
  businessId: string;
  outcome: 'ok' | 'error' | 'confirmation_required';
  errorCode: string | null;
  latencyMs: number;
  /** The offering the call was about (a pack asked about, ordered or cancelled), when there was one. */
  offeringId: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface IdempotencyRecordTable {
  principal: string;
  key: string;
  businessId: string;
  requestHash: string;
  response: Json<unknown>;
  createdAt: Timestamp;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    interaction: InteractionTable;
    idempotencyRecord: IdempotencyRecordTable;
  }
}
