// The broadcasts' tables (migration 0005-broadcasts): each broadcast, and each recipient's message.
import type { Generated, Selectable } from 'kysely';
import type { Timestamp } from '../../platform/db/database.ts';

export type BroadcastStatus = 'draft' | 'submitted' | 'approved' | 'rejected' | 'running' | 'paused' | 'done' | 'cancelled';
export type RecipientState = 'queued' | 'held' | 'sending' | 'sent' | 'suppressed' | 'failed' | 'cancelled';

export interface BroadcastTable {
  id: Generated<number>;
  /** campaign: staff's broadcast to a segment, reviewed; message: a TMF681 communication message to its receivers. */
  kind: 'campaign' | 'message';
  nameZh: string;
  nameEn: string;
  segmentId: number | null;
  offerId: number | null;
  /** The text with its variables; the English one goes to subscribers who chose English (the Chinese one when absent). */
  templateZh: string;
  templateEn: string | null;
  /** marketing: every contact policy rule applies; service (TMF681 only): none stops it. */
  priority: 'marketing' | 'service';
  startsAt: Timestamp;
  /** Messages per second, at most the SMS centre's agreed rate. */
  rate: number;
  status: BroadcastStatus;
  /** How many were taken from the segment at the start. */
  recipients: Generated<number>;
  /** The database's time before which the next claimed message may not go (the rate, across nodes). */
  nextSlotAt: Timestamp | null;
  createdBy: number;
  submittedBy: number | null;
  reviewedBy: number | null;
  reviewReason: string | null;
  idempotencyKey: string | null;
  startedAt: Timestamp | null;
  finishedAt: Timestamp | null;
  deletedAt: Timestamp | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface BroadcastRecipientTable {
  broadcastId: number;
  subscriberId: number;
  msisdn: string;
  state: RecipientState;
  /** The contact policy's rule that held or suppressed it, or why it failed. */
  reason: string | null;
  /** When it may next be decided (now, or when quiet hours or the gap end). */
  dueAt: Timestamp;
  contactId: string | number | bigint | null;
  /** The node sending it and until when that node holds it (renewed while it waits for the link). */
  claimedBy: string | null;
  claimedUntil: Timestamp | null;
  /** The text as rendered for this recipient (kept so a resend after a restart sends the same). */
  text: string | null;
  messageId: string | null;
  sentAt: Timestamp | null;
  /** The SMS centre's delivery receipt: DELIVRD, UNDELIV, EXPIRED, ... */
  receiptState: string | null;
  receiptAt: Timestamp | null;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    broadcast: BroadcastTable;
    broadcastRecipient: BroadcastRecipientTable;
  }
}

export type BroadcastRow = Selectable<BroadcastTable>;
