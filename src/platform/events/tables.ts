// The event outbox's table (src/platform/events/outbox.ts).
import type { Generated } from 'kysely';
import type { Json, Timestamp } from '../db/database.ts';

export interface EventOutboxTable {
  seq: Generated<number>;
  /** The event's id: the bus drops a second publish of it, consumers act on it once. */
  id: string;
  subject: string;
  payload: Json<unknown>;
  createdAt: Timestamp;
}

declare module '../db/database.ts' {
  interface Database {
    eventOutbox: EventOutboxTable;
  }
}
