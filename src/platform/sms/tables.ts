// The SMS transport's tables: the outbox (texts omnihall starts when no SMS centre link is
// configured; the demo reads one-time codes there) and delivery receipts from the SMS centre.
import type { Generated } from 'kysely';
import type { Timestamp } from '../db/database.ts';

export interface SmsOutboxTable {
  id: Generated<number>;
  msisdn: string;
  text: string;
  purpose: string;
  status: 'queued' | 'sent' | 'failed';
  createdAt: Timestamp;
}

export interface SmsReceiptTable {
  id: Generated<number>;
  messageId: string;
  msisdn: string;
  state: string;
  errorCode: string | null;
  submittedAt: Date | null;
  doneAt: Date | null;
  receivedAt: Date;
  raw: string;
}

declare module '../db/database.ts' {
  interface Database {
    smsOutbox: SmsOutboxTable;
    smsReceipt: SmsReceiptTable;
  }
}
