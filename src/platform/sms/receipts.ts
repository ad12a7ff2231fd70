// Delivery receipts: parsing the SMSC's receipt text (SMPP 3.4 Appendix B) and its TLVs, and
// recording each in sms_receipt so operations can see which replies and codes reached a handset.
import type { Db } from '../db/index.ts';

export interface Receipt {
  messageId: string;
  /** The handset the message was for (the receipt's source address). */
  msisdn: string;
  /** DELIVRD, EXPIRED, DELETED, UNDELIV, ACCEPTD, UNKNOWN, REJECTD or ENROUTE. */
  state: string;
  errorCode: string | null;
  submittedAt: Date | null;
  doneAt: Date | null;
  raw: string;
}

/** message_state TLV values (SMPP 3.4 §5.3.2.35) as the receipt text spells them. */
const STATE_NAMES = ['SCHEDULED', 'ENROUTE', 'DELIVRD', 'EXPIRED', 'DELETED', 'UNDELIV', 'ACCEPTD', 'UNKNOWN', 'REJECTD', 'SKIPPED'];

/**
 * `YYMMDDhhmm[ss]` to a date. The format carries no zone; it is read as UTC, which is what the
 * simulator writes and what an SMSC configured for UTC sends.
 */
function receiptDate(v: string | undefined): Date | null {
  const m = v ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$/u.exec(v) : null;
  if (!m) return null;
  const d = new Date(Date.UTC(2000 + Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)));
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * Reads a receipt: the `id:... stat:... err:...` text, with the receipted_message_id and
 * message_state TLVs preferred when the SMSC sends them (the text is informal in SMPP 3.4).
 *
 * @example parseReceipt('id:7 sub:001 dlvrd:001 submit date:2611150200 done date:2611150201 stat:DELIVRD err:000 text:x', '8613800000001')
 */
export function parseReceipt(received: string, msisdn: string, tlv: { messageId?: unknown; state?: unknown } = {}): Receipt | null {
  // PostgreSQL text cannot hold NUL, and a receipt is informal text from another system.
  const text = received.replaceAll('\0', '');
  const field = (name: string) => new RegExp(`(?:^|\\s)${name}:(\\S*)`, 'iu').exec(text)?.[1];
  const messageId = typeof tlv.messageId === 'string' && tlv.messageId ? tlv.messageId.replaceAll('\0', '') : field('id');
  if (!messageId) return null;
  const stateFromTlv = typeof tlv.state === 'number' ? STATE_NAMES[tlv.state] : undefined;
  const state = (stateFromTlv ?? field('stat') ?? 'UNKNOWN').toUpperCase();
  const err = field('err');
  return {
    messageId, msisdn, state,
    errorCode: err && !/^0+$/u.test(err) ? err : null,
    submittedAt: receiptDate(field('submit date')),
    doneAt: receiptDate(field('done date')),
    raw: text,
  };
}

/**
 * Writes receipts in groups: each `record` resolves once its row is committed (so the SMSC is
 * answered only for what is on disk, and redelivers the rest after a crash), but one insert and
 * one commit serve every receipt that arrived within a few milliseconds of each other.
 */
export class ReceiptRecorder {
  private pending: { row: Receipt & { receivedAt: Date }; done: (e?: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly opts: { maxBatch?: number; maxDelayMs?: number } = {},
  ) {}

  record(r: Receipt, receivedAt: Date): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ row: { ...r, receivedAt }, done: (e) => (e === undefined ? resolve() : reject(e)) });
      if (this.pending.length >= (this.opts.maxBatch ?? 200)) void this.flush();
      else this.timer ??= setTimeout(() => void this.flush(), this.opts.maxDelayMs ?? 5);
    });
  }

  /** Writes what is waiting; resolves when it is committed (or has failed, each caller told). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    this.writing = this.writing.then(async () => {
      if (batch.length === 0) return;
      const insert = (rows: (Receipt & { receivedAt: Date })[]) =>
        this.db.insertInto('smsReceipt').values(rows).execute();
      try {
        await insert(batch.map((b) => b.row));
        for (const b of batch) b.done();
      } catch (e) {
        // Only a row the database refuses (SQLSTATE class 22 data, 23 constraint) is worth trying
        // alone; when the database itself is failing, each alone would only fail slower.
        const code = (e as { code?: unknown }).code;
        const rowRefused = typeof code === 'string' && /^2[23]/.test(code);
        if (batch.length === 1 || !rowRefused) {
          for (const b of batch) b.done(e);
          return;
        }
        // One receipt that cannot be written must not turn the others away: each alone, each
        // caller told its own outcome (a refused one is delivered again by the SMSC).
        for (const b of batch) {
          try {
            await insert([b.row]);
            b.done();
          } catch (one) {
            b.done(one);
          }
        }
      }
    });
    return this.writing;
  }
}
