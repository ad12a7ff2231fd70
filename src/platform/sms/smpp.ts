// omnihall's SMPP 3.4 link to the operator's SMS centre, as an ESME on the `smpp` package:
// bind_transceiver, enquire_link keep-alive, reconnection with exponential backoff, a send window
// and a messages-per-second throttle for submit_sm, deliver_sm in (texts to the short code, and
// delivery receipts), retries of throttled and other temporary errors, clear failure of the rest.
import smpp, { type PDU, type Session } from 'smpp';
import type { Random } from '../ports.ts';
import { readConcat, splitMessage } from './gsm-encoding.ts';
import { parseReceipt, type Receipt } from './receipts.ts';
import { silentLog, type SmsLog } from '../log.ts';
import { hasUnstorableText } from '../text.ts';

const STATUS_NAMES = new Map<number, string>(Object.entries(smpp.errors).map(([name, v]) => [v, name]));
const ESME_ROK = 0x00;
const ESME_RINVBNDSTS = 0x04;
const ESME_RSYSERR = 0x08;
const ESME_RMSGQFUL = 0x14;
const ESME_RINVCMDID = 0x03;
const ESME_RTHROTTLED = 0x58;
const ESME_RX_T_APPN = 0x64;

/** Answers worth trying again: the SMSC is busy or briefly confused, not refusing this message. */
const RETRYABLE = new Set([ESME_RTHROTTLED, ESME_RMSGQFUL, ESME_RSYSERR, ESME_RX_T_APPN, ESME_RINVBNDSTS]);

const ESM_UDHI = 0x40;
/** esm_class message-type bits that mark a receipt rather than a subscriber's text. */
const ESM_RECEIPT_TYPES = new Set([0x04, 0x08, 0x10, 0x20]);

export function statusName(status: number): string {
  return STATUS_NAMES.get(status) ?? `0x${status.toString(16).padStart(8, '0')}`;
}

/** A submit_sm the SMSC refused for good, or that could not be sent after every retry. */
export class SmppSendError extends Error {
  constructor(readonly status: number | null, message: string) {
    super(message);
    this.name = 'SmppSendError';
  }
}

export interface SmppLinkOptions {
  /** `smpp://host:port` (or `ssmpp://` for TLS). */
  url: string;
  systemId: string;
  password: string;
  systemType?: string;
  /** The address subscribers text (source of replies); texts to other addresses are not ours. */
  shortCode: string;
  /** Most submit_sm awaiting their response at once. */
  window?: number;
  /** Most submit_sm per second; 0 = no limit. */
  mps?: number;
  enquireLinkMs?: number;
  /** How long to wait for any response (bind, submit_sm, enquire_link) before the link is taken as dead. */
  responseTimeoutMs?: number;
  reconnectMs?: { initial: number; max: number };
  /** Temporary submit errors: delay of the first retry, its cap, and how many attempts in all. */
  retry?: { initialMs: number; maxMs: number; attempts: number };
  /** Ask the SMSC for delivery receipts. */
  registeredDelivery?: boolean;
  /** Parts waiting to go out beyond which new texts get a temporary error (the SMSC will retry them). */
  maxQueue?: number;
  log?: SmsLog;
  random?: Random;
}

/** A subscriber's text, as received: `text` is null for binary content. */
export interface MoText {
  from: string;
  to: string;
  text: string | null;
}

export interface SmppHandlers {
  /** Returns the reply to send back to the sender, if any. */
  onMessage(mo: MoText): Promise<string | null>;
  onReceipt(r: Receipt): Promise<void>;
}

interface Address {
  addr: string;
  ton: number;
  npi: number;
}

interface Job {
  to: Address;
  dataCoding: number;
  esmClass: number;
  shortMessage: Buffer;
  attempts: number;
  sentAt: number;
  resolve(messageId: string): void;
  reject(e: Error): void;
  timer?: NodeJS.Timeout;
}

type State = 'idle' | 'connecting' | 'binding' | 'bound' | 'stopping' | 'stopped';

interface Partial {
  parts: (string | null)[];
  received: number;
  firstAt: number;
}

export class SmppLink {
  private state: State = 'idle';
  private session: Session | null = null;
  private handlers: SmppHandlers | null = null;
  private readonly queue: Job[] = [];
  private readonly inflight = new Set<Job>();
  private reconnects = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private enquireTimer: NodeJS.Timeout | undefined;
  private pumpTimer: NodeJS.Timeout | undefined;
  private pumpAt = 0;
  private tokens = 0;
  private lastRefill = 0;
  private pausedUntil = 0;
  private pauseStartedAt = 0;
  private throttledInARow = 0;
  private reference = 0;
  private readonly partials = new Map<string, Partial>();
  private boundWaiters: (() => void)[] = [];
  private log: SmsLog;
  private readonly random: Random | undefined;
  private readonly o: Required<Omit<SmppLinkOptions, 'log' | 'random' | 'systemType'>> & { systemType: string };

  /** Counters for metrics and tests. */
  readonly stats = { binds: 0, submitted: 0, retried: 0, failed: 0, received: 0, receipts: 0 };

  constructor(opts: SmppLinkOptions) {
    this.log = opts.log ?? silentLog;
    this.random = opts.random;
    this.o = {
      url: opts.url, systemId: opts.systemId, password: opts.password, systemType: opts.systemType ?? '',
      shortCode: opts.shortCode, window: opts.window ?? 10, mps: opts.mps ?? 100,
      enquireLinkMs: opts.enquireLinkMs ?? 30_000, responseTimeoutMs: opts.responseTimeoutMs ?? 10_000,
      reconnectMs: opts.reconnectMs ?? { initial: 1000, max: 60_000 },
      retry: opts.retry ?? { initialMs: 250, maxMs: 10_000, attempts: 8 },
      registeredDelivery: opts.registeredDelivery ?? true, maxQueue: opts.maxQueue ?? 10_000,
    };
  }

  get bound(): boolean {
    return this.state === 'bound';
  }

  /** Parts waiting to be submitted, and submitted but not yet answered. */
  get pending(): { queued: number; inflight: number } {
    return { queued: this.queue.length, inflight: this.inflight.size };
  }

  /** Starts connecting (and keeps reconnecting) in the background, logging to `log` when given. */
  start(handlers: SmppHandlers, log?: SmsLog): void {
    if (this.state !== 'idle') throw new Error('SMPP link already started');
    this.handlers = handlers;
    if (log) this.log = log;
    this.connect();
  }

  /** Resolves once the link is bound (now, or at the next successful bind). */
  whenBound(): Promise<void> {
    if (this.state === 'bound') return Promise.resolve();
    return new Promise((resolve) => this.boundWaiters.push(resolve));
  }

  /**
   * Sends a text, split into as many parts as it needs; resolves with the SMSC's message id of
   * each part once every part was accepted, rejects with SmppSendError when one was refused.
   */
  send(to: string, text: string, addr: { ton?: number; npi?: number } = {}): Promise<string[]> {
    if (this.state === 'stopping' || this.state === 'stopped') return Promise.reject(new SmppSendError(null, 'SMPP link stopped'));
    this.reference = (this.reference + 1) & 0xff;
    const m = splitMessage(text, this.reference);
    const dest: Address = { addr: to, ton: addr.ton ?? 0, npi: addr.npi ?? 1 };
    const sends = m.parts.map((p) => new Promise<string>((resolve, reject) => {
      this.queue.push({
        to: dest, dataCoding: m.dataCoding, esmClass: p.udh ? ESM_UDHI : 0, shortMessage: p.shortMessage,
        attempts: 0, sentAt: 0, resolve, reject,
      });
    }));
    this.pump();
    return Promise.all(sends);
  }

  /** Unbinds politely (after in-flight submits are answered, up to a few seconds) and stops. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private stopping: Promise<void> | undefined;

  private async shutdown(): Promise<void> {
    const wasBound = this.state === 'bound';
    this.state = 'stopping';
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.pumpTimer);
    clearInterval(this.enquireTimer);
    for (const job of this.queue.splice(0)) job.reject(new SmppSendError(null, 'SMPP link stopped'));
    const deadline = Date.now() + Math.min(5000, this.o.responseTimeoutMs);
    while (this.inflight.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const session = this.session;
    if (session) {
      if (wasBound) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 2000);
          const sent = session.unbind({}, () => { clearTimeout(t); resolve(); });
          if (!sent) { clearTimeout(t); resolve(); }
        });
      }
      await new Promise<void>((resolve) => {
        if (session.socket.destroyed) return resolve();
        session.socket.once('close', () => resolve());
        session.close();
        setTimeout(() => { session.destroy(); resolve(); }, 1000).unref();
      });
    }
    // Whatever the closing connection handed back for another try will not get one.
    for (const job of [...this.inflight, ...this.queue.splice(0)]) this.settle(job, new SmppSendError(null, 'SMPP link stopped'));
    this.state = 'stopped';
  }

  // ---- connection ------------------------------------------------------------------------------

  private connect(): void {
    this.state = 'connecting';
    const session = smpp.connect({ url: this.o.url });
    // PDUs are small and each waits for an answer: without TCP_NODELAY a response followed by a
    // submit_sm sits in Nagle's buffer until the SMSC's delayed ACK (tens of ms a message).
    session.socket.setNoDelay(true);
    this.session = session;
    let closed = false;
    const onGone = (why: string) => {
      if (closed) return;
      closed = true;
      this.onDisconnected(session, why);
    };
    session.on('connect', () => this.bind(session));
    session.on('error', (err: Error) => {
      this.log.warn({ err: err.message, url: this.o.url }, 'smpp: connection error');
      onGone(err.message);
      session.destroy();
    });
    session.on('close', () => onGone('closed'));
    session.on('pdu', (pdu: PDU) => this.onPdu(session, pdu));
  }

  private bind(session: Session): void {
    this.state = 'binding';
    const timer = setTimeout(() => {
      this.log.warn({ url: this.o.url }, 'smpp: no answer to bind_transceiver');
      session.destroy();
    }, this.o.responseTimeoutMs);
    session.bind_transceiver({
      system_id: this.o.systemId, password: this.o.password, system_type: this.o.systemType, interface_version: 0x34,
    }, (resp) => {
      clearTimeout(timer);
      if (this.session !== session || this.state !== 'binding') return;
      if (resp.command_status !== ESME_ROK) {
        // Wrong credentials will not fix themselves, but an operator may fix the SMSC side: keep
        // trying at the longest interval and say why each time.
        this.log.error({ status: statusName(resp.command_status), systemId: this.o.systemId }, 'smpp: bind refused');
        this.reconnects = Math.max(this.reconnects, 30);
        session.close();
        return;
      }
      this.state = 'bound';
      this.stats.binds++;
      this.reconnects = 0;
      this.log.info({ url: this.o.url, systemId: this.o.systemId }, 'smpp: bound as transceiver');
      this.enquireTimer = setInterval(() => this.enquire(session), this.o.enquireLinkMs);
      for (const w of this.boundWaiters.splice(0)) w();
      this.pump();
    });
  }

  private enquire(session: Session): void {
    if (this.session !== session || this.state !== 'bound') return;
    const timer = setTimeout(() => {
      this.log.warn({ url: this.o.url }, 'smpp: no answer to enquire_link; reconnecting');
      session.destroy();
    }, this.o.responseTimeoutMs);
    const sent = session.enquire_link({}, () => clearTimeout(timer));
    if (!sent) clearTimeout(timer);
  }

  private onDisconnected(session: Session, why: string): void {
    if (this.session !== session) return;
    this.session = null;
    clearInterval(this.enquireTimer);
    // Submits that were never answered may or may not have been accepted: send them again
    // (a duplicate reply is better than a lost one-time code).
    for (const job of [...this.inflight].reverse()) {
      clearTimeout(job.timer);
      this.inflight.delete(job);
      this.retryLater(job, null, 0);
    }
    if (this.state === 'stopping' || this.state === 'stopped') return;
    this.state = 'connecting';
    const step = Math.min(this.reconnects++, 30);
    const base = Math.min(this.o.reconnectMs.max, this.o.reconnectMs.initial * 2 ** step);
    // Jitter spreads the reconnections of several nodes after an SMSC restart.
    const delay = this.random ? Math.round(base * (0.5 + this.random.int(0, 500) / 1000)) : base;
    this.log.warn({ why, retryInMs: delay }, 'smpp: link down');
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  // ---- sending ---------------------------------------------------------------------------------

  private schedulePump(ms: number): void {
    const at = Date.now() + ms;
    if (this.pumpTimer && this.pumpAt <= at) return;
    clearTimeout(this.pumpTimer);
    this.pumpAt = at;
    this.pumpTimer = setTimeout(() => {
      this.pumpTimer = undefined;
      this.pump();
    }, ms);
  }

  /** Waits (ms) until the throttle allows one more submit, or 0 having taken it. */
  private takeToken(now: number): number {
    const mps = this.o.mps;
    if (mps <= 0) return 0;
    // A bucket of a tenth of a second's messages: the rate holds over any second, with no burst
    // larger than the SMSC would see from a steady sender.
    const cap = Math.max(1, Math.ceil(mps / 10));
    this.tokens = Math.min(cap, this.tokens + ((now - this.lastRefill) * mps) / 1000);
    this.lastRefill = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / mps));
  }

  private pump(): void {
    while (this.state === 'bound' && this.queue.length > 0 && this.inflight.size < this.o.window) {
      const now = Date.now();
      if (now < this.pausedUntil) return this.schedulePump(this.pausedUntil - now);
      const wait = this.takeToken(now);
      if (wait > 0) return this.schedulePump(wait);
      // Not writable: the socket is going; its close event reconnects and pumps again.
      if (!this.submit(this.queue.shift()!)) return;
    }
  }

  private submit(job: Job): boolean {
    const session = this.session!;
    this.inflight.add(job);
    job.attempts++;
    job.sentAt = Date.now();
    job.timer = setTimeout(() => {
      // An SMSC that stops answering is treated as gone; the job is sent again after reconnecting.
      this.log.warn({ to: job.to.addr }, 'smpp: no answer to submit_sm; reconnecting');
      session.destroy();
    }, this.o.responseTimeoutMs);
    const sent = session.submit_sm({
      source_addr_ton: 0, source_addr_npi: 0, source_addr: this.o.shortCode,
      dest_addr_ton: job.to.ton, dest_addr_npi: job.to.npi, destination_addr: job.to.addr,
      esm_class: job.esmClass, data_coding: job.dataCoding, short_message: job.shortMessage,
      registered_delivery: this.o.registeredDelivery ? 0x01 : 0x00,
    }, (resp) => this.onSubmitResp(job, resp));
    if (!sent) {
      clearTimeout(job.timer);
      this.inflight.delete(job);
      job.attempts--;
      this.queue.unshift(job);
    }
    return sent;
  }

  private onSubmitResp(job: Job, resp: PDU): void {
    if (!this.inflight.has(job)) return;
    clearTimeout(job.timer);
    this.inflight.delete(job);
    const status = resp.command_status;
    if (status === ESME_ROK) {
      this.throttledInARow = 0;
      this.stats.submitted++;
      job.resolve(typeof resp.message_id === 'string' ? resp.message_id : '');
    } else if (status === ESME_RTHROTTLED) {
      // The SMSC says we are too fast: everything waits, longer each time it says so again after
      // a pause. Answers to submits sent before the current pause began do not lengthen it.
      if (job.sentAt >= this.pauseStartedAt) {
        this.throttledInARow++;
        const pause = Math.min(this.o.retry.maxMs, this.o.retry.initialMs * 2 ** (this.throttledInARow - 1));
        this.pauseStartedAt = Date.now();
        this.pausedUntil = this.pauseStartedAt + pause;
        this.log.warn({ pauseMs: pause }, 'smpp: ESME_RTHROTTLED; slowing down');
      }
      this.retryLater(job, status, 0);
    } else if (RETRYABLE.has(status)) {
      this.retryLater(job, status, Math.min(this.o.retry.maxMs, this.o.retry.initialMs * 2 ** (job.attempts - 1)));
      if (status === ESME_RINVBNDSTS) this.session?.destroy();
    } else {
      this.stats.failed++;
      this.log.error({ to: job.to.addr, status: statusName(status) }, 'smpp: submit_sm refused');
      job.reject(new SmppSendError(status, `submit_sm refused: ${statusName(status)}`));
    }
    this.pump();
  }

  private retryLater(job: Job, status: number | null, delayMs: number): void {
    if (job.attempts >= this.o.retry.attempts) {
      this.stats.failed++;
      const why = status === null ? 'no answer' : statusName(status);
      this.log.error({ to: job.to.addr, attempts: job.attempts, status: why }, 'smpp: submit_sm failed after retries');
      job.reject(new SmppSendError(status, `submit_sm failed after ${job.attempts} attempts: ${why}`));
      return;
    }
    this.stats.retried++;
    if (delayMs <= 0) {
      this.queue.unshift(job);
      return;
    }
    setTimeout(() => {
      if (this.state === 'stopping' || this.state === 'stopped') return job.reject(new SmppSendError(null, 'SMPP link stopped'));
      this.queue.unshift(job);
      this.pump();
    }, delayMs);
  }

  private settle(job: Job, e: Error): void {
    clearTimeout(job.timer);
    this.inflight.delete(job);
    job.reject(e);
  }

  // ---- receiving -------------------------------------------------------------------------------

  private onPdu(session: Session, pdu: PDU): void {
    if (pdu.isResponse()) return;
    switch (pdu.command) {
      case 'deliver_sm':
        void this.onDeliver(session, pdu);
        return;
      case 'enquire_link':
        session.send(pdu.response());
        return;
      case 'unbind':
        this.log.warn({}, 'smpp: SMSC unbound us; reconnecting');
        session.send(pdu.response(), () => session.close());
        return;
      case 'alert_notification':
        return;
      default:
        session.send(pdu.response({ command_status: ESME_RINVCMDID }));
    }
  }

  private async onDeliver(session: Session, pdu: PDU): Promise<void> {
    const reply = (status: number) => session.send(pdu.response({ command_status: status }));
    const esmClass = num(pdu.esm_class);
    const from = str(pdu.source_addr);
    const { text, udh } = decodeShortMessage(pdu);
    if (ESM_RECEIPT_TYPES.has(esmClass & 0x3c)) {
      const r = parseReceipt(text ?? '', from, { messageId: pdu.receipted_message_id, state: pdu.message_state });
      if (!r) {
        this.log.warn({ from }, 'smpp: unreadable delivery receipt');
        return void reply(ESME_ROK);
      }
      try {
        await this.handlers!.onReceipt(r);
        this.stats.receipts++;
        reply(ESME_ROK);
      } catch (err) {
        // Not recorded: a temporary error makes the SMSC deliver the receipt again.
        this.log.error({ err, messageId: r.messageId }, 'smpp: receipt not recorded');
        reply(ESME_RX_T_APPN);
      }
      return;
    }

    const to = str(pdu.destination_addr);
    if (this.o.shortCode && !digits(to).startsWith(digits(this.o.shortCode))) {
      this.log.warn({ from, to }, 'smpp: text to another address ignored');
      return void reply(ESME_ROK);
    }
    if (this.queue.length >= this.o.maxQueue) {
      // Too much waiting to go out: let the SMSC keep this text and offer it again later.
      return void reply(ESME_RX_T_APPN);
    }
    this.stats.received++;
    const concat = udh && esmClass & ESM_UDHI ? readConcat(udh, false) : null;
    let full: string | null = text;
    if (concat && concat.total > 1) {
      const whole = this.reassemble(`${from}|${concat.reference}|${concat.total}`, concat.seq, concat.total, text);
      reply(ESME_ROK);
      if (whole === undefined) return;
      full = whole;
    }
    let answer: string | null;
    try {
      // Text that cannot be stored (a NUL, half a surrogate pair) is answered like one that is not text.
      answer = await this.handlers!.onMessage({ from, to, text: full !== null && hasUnstorableText(full) ? null : full });
    } catch (err) {
      this.log.error({ err, from }, 'smpp: text not handled');
      if (!concat) reply(ESME_RX_T_APPN);
      return;
    }
    // The acknowledgement and the reply leave in one write (one system call, often one packet).
    session.socket.cork();
    if (!concat) reply(ESME_ROK);
    if (answer) {
      this.send(from, answer, { ton: num(pdu.source_addr_ton), npi: num(pdu.source_addr_npi) })
        .catch((err: Error) => this.log.error({ to: from, err: err.message }, 'smpp: reply not sent'));
    }
    session.socket.uncork();
  }

  /** Collects the parts of a long text; returns it whole (null if any part was binary) when complete. */
  private reassemble(key: string, seq: number, total: number, text: string | null): string | null | undefined {
    const now = Date.now();
    // Parts that never completed are forgotten after 5 minutes.
    for (const [k, p] of this.partials) if (now - p.firstAt > 5 * 60_000) this.partials.delete(k);
    let p = this.partials.get(key);
    if (!p) {
      p = { parts: new Array<string | null>(total).fill(null), received: 0, firstAt: now };
      this.partials.set(key, p);
    }
    if (seq < 1 || seq > total) return undefined;
    if (p.parts[seq - 1] === null) p.received++;
    p.parts[seq - 1] = text ?? '\u0000';
    if (p.received < total) return undefined;
    this.partials.delete(key);
    const whole = p.parts.join('');
    return whole.includes('\u0000') ? null : whole;
  }
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function digits(s: string): string {
  return s.replace(/[^\d]/gu, '');
}

/**
 * The text of a deliver_sm (short_message, or the message_payload TLV), decoded by the library for
 * GSM-7, Latin-1 and UCS-2; null when it is binary. Also the UDH, when there is one.
 */
function decodeShortMessage(pdu: PDU): { text: string | null; udh: Buffer | null } {
  const raw = (pdu.message_payload ?? pdu.short_message) as unknown;
  const dcs = num(pdu.data_coding);
  // 0x02 and 0x04 are 8-bit data; 0xF4-0xF7 the message-class form of the same.
  const binary = (dcs & 0x0f) === 0x02 || (dcs & 0x0f) === 0x04 || (dcs & 0xf4) === 0xf4;
  if (!raw || typeof raw !== 'object') return { text: typeof raw === 'string' ? raw : '', udh: null };
  if (Buffer.isBuffer(raw)) return { text: binary ? null : raw.toString('latin1'), udh: null };
  const m = raw as { message?: unknown; udh?: unknown };
  const udhParts = Array.isArray(m.udh) ? m.udh.filter((b): b is Buffer => Buffer.isBuffer(b)) : [];
  const udh = udhParts.length ? Buffer.concat(udhParts) : null;
  if (binary || Buffer.isBuffer(m.message)) return { text: null, udh };
  return { text: typeof m.message === 'string' ? m.message : '', udh };
}
