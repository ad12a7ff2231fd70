// The call lists' tables: a list built from a segment for one offer, and its rows, one a subscriber.
import type { Generated, Selectable } from 'kysely';
import type { Timestamp } from '../../platform/db/database.ts';

export type CallListStatus = 'pending' | 'active' | 'closed' | 'rejected';
/** holdout: the control group, never called; open: not handed to an agent yet; done: it has its final outcome. */
export type CallRowStatus = 'holdout' | 'open' | 'assigned' | 'suppressed' | 'done';
export type CallOutcome = 'not_reached' | 'declined' | 'accepted';

export interface CallListTable {
  id: Generated<number>;
  nameZh: string;
  nameEn: string;
  offerId: number;
  /** The segment it was built from, and the static snapshot of it the rows were taken from. */
  sourceSegmentId: number;
  segmentId: number;
  /** The control group's share, in percent. */
  holdoutPct: number;
  size: number;
  holdoutSize: number;
  status: CallListStatus;
  createdBy: number;
  reviewedBy: number | null;
  reviewReason: string | null;
  createdAt: Timestamp;
  /** From when it was approved: the window holdout conversion is measured in. */
  activatedAt: Timestamp | null;
  closedAt: Timestamp | null;
  updatedAt: Timestamp;
}

export interface CallListRowTable {
  id: Generated<number>;
  callListId: number;
  subscriberId: number;
  msisdn: string;
  holdout: boolean;
  status: CallRowStatus;
  agentId: number | null;
  assignedAt: Timestamp | null;
  /** The contact policy's rule that suppressed or held it (OPT_OUT, DO_NOT_DISTURB, CAP_…, QUIET_HOURS, MIN_GAP). */
  rule: string | null;
  /** A held row is called from then on. */
  notBefore: Timestamp | null;
  attempts: Generated<number>;
  outcome: CallOutcome | null;
  reached: Generated<boolean>;
  subscriptionId: number | null;
  priceFen: number | null;
  /** The accept's key: the same one again is a replay, not a second accept. */
  idempotencyKey: string | null;
  note: string | null;
  workedAt: Timestamp | null;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    callList: CallListTable;
    callListRow: CallListRowTable;
  }
}

export type CallListRow = Selectable<CallListTable>;
export type CallRow = Selectable<CallListRowTable>;
