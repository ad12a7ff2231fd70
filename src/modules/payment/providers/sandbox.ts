// The built-in sandbox gateway, for the demo and tests: it plays a page-pay provider end to end.
// Its trades are in its own table (what the provider's side knows); its pay page (served by the
// API channel) has 支付 and 取消; either sends an asynchronous notification signed with the
// gateway's secret (HMAC-SHA256 over the sorted parameters, as Alipay signs with RSA2) to our
// notify endpoint, retried like a real provider's. Online banking (网银支付) is the same gateway
// under its own name until a bank's gateway is plugged in.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../../platform/db/index.ts';
import { l10n, type L10n } from '../../../platform/i18n.ts';
import type { Clock, Random } from '../../../platform/ports.ts';
import type { NoticeCheck, PaymentProvider, ProviderTrade } from '../provider.ts';
import type { SandboxTrade } from '../tables.ts';

/** Delivers a notification form to the notify endpoint; resolves with the endpoint's answer. */
export type NotifyDelivery = (provider: string, form: Record<string, string>) => Promise<string>;

const NOTIFY_ATTEMPTS = 3;

/** Fen as the yuan text providers put in their parameters: 1234 → "12.34". */
export function yuanText(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

/** "12.34" → 1234; null when it is not a yuan amount with at most two decimals. */
export function fenOf(text: string | undefined): number | null {
  const m = /^(\d{1,10})(?:\.(\d{1,2}))?$/.exec(text ?? '');
  return m ? Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')) : null;
}

/** The string signed: every parameter but sign and sign_type, sorted, `k=v` joined by `&`. */
export function signingString(form: Record<string, string>): string {
  return Object.keys(form).filter((k) => k !== 'sign' && k !== 'sign_type' && form[k] !== '').sort().map((k) => `${k}=${form[k]}`).join('&');
}

export class SandboxGateway implements PaymentProvider {
  readonly names: L10n;
  readonly notifyAnswer = { ok: 'success', fail: 'fail' };
  private delivery: NotifyDelivery | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(readonly method: 'sandbox' | 'bank', private readonly deps: { db: Db; clock: Clock; random: Random; secret: string; pagePath: string }) {
    this.names = method === 'bank' ? l10n('网银支付（测试网关）', 'Online banking (test gateway)') : l10n('沙箱支付', 'Sandbox payment');
  }

  /** Where notifications go: the API channel hands in its notify endpoint when it starts. */
  deliverWith(d: NotifyDelivery): void {
    this.delivery = d;
  }

  private sign(form: Record<string, string>): string {
    return createHmac('sha256', this.deps.secret).update(signingString(form), 'utf8').digest('base64');
  }

  async create(p: Parameters<PaymentProvider['create']>[0], { q, at }: { q: Db; at: Date }) {
    const tradeNo = `${this.method === 'bank' ? 'BK' : 'SB'}${this.deps.random.token(12)}`;
    await q.insertInto('sandboxTrade').values({ tradeNo, provider: this.method, outTradeNo: p.id, amountFen: p.amountFen, refundedFen: 0, status: 'WAIT_BUYER_PAY', notifyAttempts: 0, createdAt: at, paidAt: null }).execute();
    return { kind: 'redirect' as const, url: `${this.deps.pagePath}/${tradeNo}` };
  }

  /** The trade behind a pay page; undefined when there is none of this gateway. */
  trade(tradeNo: string): Promise<SandboxTrade | undefined> {
    return this.deps.db.selectFrom('sandboxTrade').selectAll().where('tradeNo', '=', tradeNo).where('provider', '=', this.method).executeTakeFirst();
  }

  /**
   * The subscriber pressed 支付 (or 取消) on the pay page: the trade moves once, and its
   * notification goes out in the background. False when the trade was not waiting.
   */
  async decide(tradeNo: string, pay: boolean): Promise<boolean> {
    const at = this.deps.clock.now();
    const moved = await this.deps.db.updateTable('sandboxTrade')
      .set(pay ? { status: 'TRADE_SUCCESS', paidAt: at } : { status: 'TRADE_CLOSED' })
      .where('tradeNo', '=', tradeNo).where('provider', '=', this.method).where('status', '=', 'WAIT_BUYER_PAY')
      .returningAll().executeTakeFirst();
    if (!moved) return false;
    const job = this.sendNotify(moved).finally(() => this.inFlight.delete(job));
    this.inFlight.add(job);
    return true;
  }

  /** The signed notification of a trade as the gateway sends it. */
  notification(t: SandboxTrade, at: Date = this.deps.clock.now()): Record<string, string> {
    const form: Record<string, string> = {
      gateway: this.method, out_trade_no: t.outTradeNo, trade_no: t.tradeNo, trade_status: t.status,
      total_amount: yuanText(t.amountFen), notify_time: at.toISOString(), notify_id: this.deps.random.token(12),
    };
    return { ...form, sign_type: 'HMAC-SHA256', sign: this.sign(form) };
  }

  private async sendNotify(t: SandboxTrade): Promise<void> {
    for (let i = 0; i < NOTIFY_ATTEMPTS && this.delivery; i++) {
      await this.deps.db.updateTable('sandboxTrade').set({ notifyAttempts: sql`notify_attempts + 1` }).where('tradeNo', '=', t.tradeNo).execute();
      const answer = await this.delivery(this.method, this.notification(t)).catch(() => 'fail');
      if (answer.trim() === 'success') return;
      await new Promise((done) => setTimeout(done, 200 * 2 ** i));
    }
    // Given up: the reconciliation job's query finds the trade paid.
  }

  /** Resolves when the notifications this node is sending have been delivered (or given up). */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  verifyNotification(raw: Record<string, string>): NoticeCheck {
    if (raw.gateway !== this.method || raw.sign_type !== 'HMAC-SHA256' || !raw.sign) return { ok: false, reason: 'unsigned' };
    const want = Buffer.from(this.sign(raw), 'base64');
    const got = Buffer.from(raw.sign, 'base64');
    if (want.length !== got.length || !timingSafeEqual(want, got)) return { ok: false, reason: 'bad_signature' };
    const amountFen = fenOf(raw.total_amount);
    const notifiedAt = new Date(raw.notify_time ?? '');
    if (amountFen === null || Number.isNaN(notifiedAt.getTime()) || !raw.out_trade_no || !raw.trade_no || !raw.trade_status) return { ok: false, reason: 'malformed' };
    const outcome = raw.trade_status === 'TRADE_SUCCESS' ? 'paid' : raw.trade_status === 'TRADE_CLOSED' ? 'closed' : 'other';
    return { ok: true, notice: { paymentId: raw.out_trade_no, tradeNo: raw.trade_no, status: raw.trade_status, outcome, amountFen, notifiedAt } };
  }

  private view(t: SandboxTrade | undefined, paymentId: string): ProviderTrade {
    if (!t) return { paymentId, tradeNo: null, state: 'missing', amountFen: 0, refundedFen: 0 };
    const state = t.status === 'TRADE_SUCCESS' ? 'paid' : t.status === 'TRADE_CLOSED' ? 'closed' : 'waiting';
    return { paymentId: t.outTradeNo, tradeNo: t.tradeNo, state, amountFen: t.amountFen, refundedFen: t.refundedFen };
  }

  async query(p: { id: string }, { q }: { q: Db }): Promise<ProviderTrade> {
    const t = await q.selectFrom('sandboxTrade').selectAll().where('provider', '=', this.method).where('outTradeNo', '=', p.id).executeTakeFirst();
    return this.view(t, p.id);
  }

  async refund(p: { id: string }, amountFen: number, refundId: string, { q }: { q: Db }) {
    // The gateway's own rule: never more back than was paid. (Its table is in our database, so it
    // moves in the refund's transaction: on PGlite, one connection, nothing else may run meanwhile.)
    const r = await q.updateTable('sandboxTrade').set({ refundedFen: sql`refunded_fen + ${amountFen}` })
      .where('provider', '=', this.method).where('outTradeNo', '=', p.id).where('status', '=', 'TRADE_SUCCESS')
      .where(sql<boolean>`refunded_fen + ${amountFen} <= amount_fen`).returning('tradeNo').executeTakeFirst();
    return r ? { ok: true as const, refundNo: `${r.tradeNo}-${refundId}` } : { ok: false as const, reason: 'refund refused by the gateway' };
  }

  async trades(from: Date, to: Date): Promise<ProviderTrade[]> {
    const rows = await this.deps.db.selectFrom('sandboxTrade').selectAll().where('provider', '=', this.method)
      .where('createdAt', '>=', from).where('createdAt', '<', to).orderBy('createdAt').execute();
    return rows.map((t) => this.view(t, t.outTradeNo));
  }
}
