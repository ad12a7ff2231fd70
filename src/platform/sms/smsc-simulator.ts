// A small SMS centre (SMSC) simulator on the `smpp` package's server, for tests, benchmarks and
// demos: it binds ESMEs, delivers subscribers' texts (deliver_sm), accepts submit_sm, sends
// delivery receipts when asked, and can answer ESME_RTHROTTLED or a permanent error on demand.
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import smpp, { type PDU, type Session } from 'smpp';
import { encodeGsm7, encodingFor, splitMessage } from './gsm-encoding.ts';

export interface SimulatorOptions {
  systemId: string;
  password: string;
  /** Answer ESME_RTHROTTLED to this many submit_sm before accepting any. */
  throttleFirst?: number;
  /** A command_status to refuse a submit with (e.g. ESME_RINVDSTADR for a bad number), or null. */
  refuse?: (s: Submitted) => number | null;
  /** Send delivery receipts for submits that ask for them (default true). */
  receipts?: boolean;
  /** Do not answer enquire_link (to test that the ESME notices a dead link). */
  ignoreEnquireLink?: boolean;
}

/** One submit_sm as the simulator received it (text decoded by the library, UDH kept apart). */
export interface Submitted {
  from: string;
  to: string;
  destTon: number;
  destNpi: number;
  dataCoding: number;
  esmClass: number;
  /** The UDH's information elements (without the length octet), or null. */
  udh: Buffer | null;
  text: string;
  registeredDelivery: number;
  /** The message id it was given, or null when it was refused. */
  messageId: string | null;
  status: number;
}

export class SmscSimulator extends EventEmitter {
  readonly submits: Submitted[] = [];
  readonly stats = { binds: 0, refusedBinds: 0, enquireLinks: 0, unbinds: 0, receiptsSent: 0 };
  private readonly bound: Session[] = [];
  private nextId = 1;
  private throttleLeft: number;
  private turn = 0;

  private constructor(private readonly server: smpp.Server, private readonly opts: SimulatorOptions) {
    super();
    this.throttleLeft = opts.throttleFirst ?? 0;
    server.on('session', (session: Session) => {
      session.socket.setNoDelay(true); // as an SMSC does for its ESMEs: no Nagle delay on small PDUs
      this.accept(session);
    });
  }

  /** Starts listening on loopback (port 0 = any free port). */
  static async start(opts: SimulatorOptions, port = 0): Promise<SmscSimulator> {
    const server = smpp.createServer({});
    const sim = new SmscSimulator(server, opts);
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return sim;
  }

  get url(): string {
    return `smpp://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** How many ESME sessions are bound now. */
  get sessions(): number {
    return this.bound.length;
  }

  /** Answers ESME_RTHROTTLED to the next `n` submits. */
  throttleNext(n: number): void {
    this.throttleLeft = n;
  }

  private accept(session: Session): void {
    session.on('error', () => session.destroy());
    session.on('close', () => {
      const i = this.bound.indexOf(session);
      if (i >= 0) this.bound.splice(i, 1);
    });
    session.on('pdu', (pdu: PDU) => {
      if (pdu.isResponse()) return;
      switch (pdu.command) {
        case 'bind_transceiver':
          return this.onBind(session, pdu);
        case 'enquire_link':
          this.stats.enquireLinks++;
          if (!this.opts.ignoreEnquireLink) session.send(pdu.response());
          return;
        case 'unbind':
          this.stats.unbinds++;
          session.send(pdu.response(), () => session.close());
          return;
        case 'submit_sm':
          return this.onSubmit(session, pdu);
        default:
          session.send(pdu.response({ command_status: smpp.errors.ESME_RINVCMDID }));
      }
    });
  }

  private onBind(session: Session, pdu: PDU): void {
    if (pdu.system_id !== this.opts.systemId || pdu.password !== this.opts.password) {
      this.stats.refusedBinds++;
      session.send(pdu.response({ command_status: smpp.errors.ESME_RBINDFAIL }));
      return;
    }
    this.stats.binds++;
    this.bound.push(session);
    session.send(pdu.response({ system_id: 'omnihall-smsc-sim' }));
    this.emit('bound');
  }

  private onSubmit(session: Session, pdu: PDU): void {
    if (!this.bound.includes(session)) {
      session.send(pdu.response({ command_status: smpp.errors.ESME_RINVBNDSTS }));
      return;
    }
    const sm = pdu.short_message as { message?: unknown; udh?: unknown } | Buffer | undefined;
    let text = '';
    let udh: Buffer | null = null;
    if (sm && !Buffer.isBuffer(sm)) {
      text = typeof sm.message === 'string' ? sm.message : Buffer.isBuffer(sm.message) ? sm.message.toString('hex') : '';
      if (Array.isArray(sm.udh) && sm.udh.length) udh = Buffer.concat(sm.udh as Buffer[]);
    }
    const s: Submitted = {
      from: String(pdu.source_addr ?? ''), to: String(pdu.destination_addr ?? ''),
      destTon: Number(pdu.dest_addr_ton ?? 0), destNpi: Number(pdu.dest_addr_npi ?? 0),
      dataCoding: Number(pdu.data_coding ?? 0), esmClass: Number(pdu.esm_class ?? 0), udh, text,
      registeredDelivery: Number(pdu.registered_delivery ?? 0), messageId: null, status: 0,
    };
    let status = 0;
    if (this.throttleLeft > 0) {
      this.throttleLeft--;
      status = smpp.errors.ESME_RTHROTTLED!;
    } else {
      status = this.opts.refuse?.(s) ?? 0;
    }
    s.status = status;
    if (status === 0) s.messageId = `sim${this.nextId++}`;
    this.submits.push(s);
    session.send(status === 0 ? pdu.response({ message_id: s.messageId }) : pdu.response({ command_status: status }));
    this.emit('submit', s);
    if (status === 0 && s.registeredDelivery & 0x01 && this.opts.receipts !== false) this.sendReceipt(session, s);
  }

  private sendReceipt(session: Session, s: Submitted): void {
    const stamp = new Date().toISOString().replace(/[-T:]/gu, '').slice(2, 12);
    const sample = [...s.text].filter((c) => encodingFor(c) === 'gsm7').join('').slice(0, 20);
    const text = `id:${s.messageId} sub:001 dlvrd:001 submit date:${stamp} done date:${stamp} stat:DELIVRD err:000 text:${sample}`;
    session.deliver_sm({
      source_addr: s.to, destination_addr: s.from, esm_class: 0x04, data_coding: 0x00,
      short_message: encodeGsm7(text), receipted_message_id: s.messageId, message_state: 2,
    }, () => {
      this.stats.receiptsSent++;
      this.emit('receipt', s);
    });
  }

  /**
   * Delivers a subscriber's text to a bound ESME (in turn when several are bound): GSM-7 or UCS-2
   * as the text needs, split with a UDH when long; a Buffer goes as 8-bit binary. Resolves with the
   * ESME's command_status for the (last) part.
   */
  async deliver(from: string, to: string, content: string | Buffer): Promise<number> {
    if (this.bound.length === 0) throw new Error('no ESME is bound');
    const session = this.bound[this.turn++ % this.bound.length]!;
    const pdus: Record<string, unknown>[] = [];
    if (Buffer.isBuffer(content)) {
      pdus.push({ data_coding: 0x04, short_message: content, esm_class: 0 });
    } else {
      const m = splitMessage(content, this.nextId & 0xff);
      for (const p of m.parts) pdus.push({ data_coding: m.dataCoding, short_message: p.shortMessage, esm_class: p.udh ? 0x40 : 0 });
    }
    let status = 0;
    for (const fields of pdus) {
      status = await new Promise<number>((resolve) => {
        const sent = session.deliver_sm({ source_addr_ton: 1, source_addr_npi: 1, source_addr: from, destination_addr: to, ...fields }, (resp) => resolve(resp.command_status));
        if (!sent) resolve(-1);
      });
    }
    return status;
  }

  /** Resolves once at least `n` submits (accepted or refused) have arrived. */
  waitForSubmits(n: number, timeoutMs = 10_000): Promise<Submitted[]> {
    return this.waitFor(() => this.submits.length >= n, 'submit', timeoutMs, () => `${this.submits.length} of ${n} submits`).then(() => this.submits.slice(0, n));
  }

  /** Resolves when `ok()` holds, re-checking on each of `event`. */
  waitFor(ok: () => boolean, event: string, timeoutMs = 10_000, what: () => string = () => event): Promise<void> {
    if (ok()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!ok()) return;
        clearTimeout(timer);
        this.off(event, check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.off(event, check);
        reject(new Error(`SMSC simulator: timed out waiting for ${what()}`));
      }, timeoutMs);
      this.on(event, check);
    });
  }

  /**
   * Takes the SMSC down politely, as an operator's maintenance does: each bound ESME is sent an
   * unbind and no longer counts as bound, so a submit_sm that crosses the unbind is refused
   * (ESME_RINVBNDSTS, not taken) and every one taken before it was answered first.
   */
  async unbindAll(): Promise<void> {
    const sessions = this.bound.splice(0);
    await Promise.all(sessions.map((session) => new Promise<void>((resolve) => {
      const t = setTimeout(() => { session.destroy(); resolve(); }, 2000);
      const sent = session.unbind({}, () => { clearTimeout(t); session.close(); resolve(); });
      if (!sent) { clearTimeout(t); resolve(); }
    })));
  }

  /** Cuts every connection, as an SMSC restart would. */
  dropConnections(): void {
    for (const s of [...this.bound]) s.destroy();
    for (const s of [...this.server.sessions]) s.destroy();
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
