// The hub's table: TMF630 listeners, each with its own cursor into the catalogue's events.
import type { Selectable } from 'kysely';
import type { Timestamp } from '../../platform/db/database.ts';

export interface HubListenerTable {
  id: string;
  /** Where events are POSTed. */
  callback: string;
  /** The TMF630 query it registered with (`eventType=...&event.productOffering.lifecycleStatus=...`), or null for all. */
  query: string | null;
  /** The scheme and host the listener was registered through: the base of the hrefs in its events. */
  baseUrl: string;
  /** The last catalogue event id sent (or passed over by the query). */
  cursor: number;
  /** Failed deliveries in a row: the backoff grows with them. */
  attempts: number;
  nextAttemptAt: Timestamp;
  /** A node that is sending to it holds it until then (the database's time), so no two send at once. */
  leaseUntil: Timestamp | null;
  leaseOwner: string | null;
  lastError: string | null;
  createdAt: Timestamp;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    hubListener: HubListenerTable;
  }
}

export type HubListener = Selectable<HubListenerTable>;
