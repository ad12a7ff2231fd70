// The SMS outbox: where texts omnihall starts go when no SMS centre link is configured (the demo
// and the tests read one-time codes there).
import type { Db } from '../db/index.ts';

/** Where a text omnihall starts goes. */
export interface SmsSender {
  send(db: Db, msisdn: string, text: string, purpose: string): Promise<void>;
  /** False while the link it sends over is down (nothing could go out now); absent: always up. */
  ready?(): boolean;
}

export const outboxSender: SmsSender = {
  async send(db, msisdn, text, purpose) {
    await db.insertInto('smsOutbox').values({ msisdn, text, purpose, status: 'queued' }).execute();
  },
};

/** The latest texts to one number, newest first (demo mode's outbox page). */
export async function outboxFor(db: Db, msisdn: string, limit = 20) {
  return db.selectFrom('smsOutbox').select(['id', 'text', 'purpose', 'createdAt'])
    .where('msisdn', '=', msisdn).orderBy('id', 'desc').limit(limit).execute();
}
