// Where broadcasts hand their texts: the same way out as every text omnihall starts (the SMPP link,
// Kannel's sendsms, or the sms_outbox table), but answering with the SMS centre's message id so
// delivery receipts can be matched to each recipient. The caller keeps the durable record of what
// was handed over and when (a broadcast's recipient rows), so a text is handed over once.
import type { Db } from '../db/index.ts';
import type { SmsTransport } from './transport.ts';

export interface BulkSender {
  /** Resolves with the message id of each part once the SMS centre (or the outbox) has taken the text. */
  send(msisdn: string, text: string): Promise<string[]>;
  /** False while the link is down: nothing handed over now would go out. */
  ready(): boolean;
}

export function bulkSender(sms: SmsTransport, db: Db): BulkSender {
  const link = sms.link;
  if (link) return { send: (to, text) => link.send(to, text), ready: () => link.bound };
  const kannel = sms.kannel;
  // Kannel's sendsms answers without the SMS centre's id; its receipts arrive by its own dlr-url.
  if (kannel) return { send: async (to, text) => { await kannel.send(to, text); return []; }, ready: () => true };
  return {
    async send(to, text) {
      const r = await db.insertInto('smsOutbox').values({ msisdn: to, text, purpose: 'broadcast', status: 'queued' }).returning('id').executeTakeFirstOrThrow();
      return [`outbox-${r.id}`];
    },
    ready: () => true,
  };
}
