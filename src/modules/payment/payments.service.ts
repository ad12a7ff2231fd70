// Payments: an order's intent to pay, in two parts (points, then the rest through a provider),
// its states (created → pending → paid | failed | closed; paid → partially_refunded → refunded),
// notifications verified and counted once, refunds (points back in proportion), reconciliation by
// query when a notification never came, and the day's report against the provider's side.
// Callers (recharge today, checkout next) register an order source by reference prefix: its
// `paid` runs in the transaction that marks the payment paid, so what it credits is credited
// exactly once; when it answers `gone` (the order expired) the payment is refunded automatically.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { withSavepoint, type Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n, money, type L10n } from '../../platform/i18n.ts';
import type { Clock, Random } from '../../platform/ports.ts';
import { requireRole, SYSTEM_ACTOR, type Actor, type AuditLog } from '../../platform/audit.ts';
import { zonedInstant } from '../../platform/dates.ts';
import type { Ledger, NextStep, PaymentProvider, ProviderTrade } from './provider.ts';
import { balanceProvider } from './providers/balance.ts';
import { cashOnDeliveryProvider } from './providers/cod.ts';
import { SandboxGateway } from './providers/sandbox.ts';
import { AlipayProvider, type AlipayConfig } from './providers/alipay.ts';
import type { Payment, PaymentMethod, PaymentRefund, PaymentState } from './tables.ts';

export interface PaymentConfig {
  /** Points that make one yuan (100: a point is a fen). */
  pointsPerYuan: number;
  /** A staff refund above this (fen) waits for a second person's approval. */
  refundApprovalFen: number;
  /** An unpaid payment expires after this many minutes. */
  expiryMinutes: number;
  /** A payment still waiting after this many minutes is asked after with a query. */
  reconcileAfterMinutes: number;
  /** The built-in sandbox and online-banking test gateways (the demo pays with them). */
  sandbox: { enabled: boolean; secret: string };
  /** Alipay; unset, Alipay is not offered. */
  alipay?: AlipayConfig;
}

export type PaidAnswer = 'ok' | 'gone';

/** A caller's orders, by reference prefix (`recharge:`, `order:`). */
export interface OrderSource {
  /** What an order costs, for a subscriber paying it over REST; undefined: not an order of theirs. */
  describe?(q: Db, orderRef: string, subscriberId: number): Promise<{ totalFen: number; subject: string } | undefined>;
  /** In the transaction that marks the payment paid; `gone` (the order expired): refunded automatically. */
  paid(q: Db, p: Payment): Promise<PaidAnswer>;
  /**
   * In the transaction that refunds `amountFen` of a paid payment, before the provider is asked:
   * what the payment bought is taken back (a recharge's credit from the balance). A throw
   * (an AppError) refuses the refund, which is marked failed with its reason and moves no money.
   */
  refunding?(q: Db, p: Payment, refund: { id: string; amountFen: number; at: Date }): Promise<void>;
  /**
   * In the transaction that records a refund as succeeded, after the payment's refunded totals
   * moved (`p` is the payment after it: `refunded` once every fen and point is back): the order
   * records what went back (a mall order refunded in full becomes refunded; a return's refund,
   * by its `reason`, marks the return refunded). A throw rolls the refund back to pending; the job
   * runs it again (the provider refunds once per refund id). `replayRefunded` calls it again for a
   * payment refunded before its owner kept count: it must be safe to hear twice.
   */
  refunded?(q: Db, p: Payment, refund: { id: string; amountFen: number; points: number; at: Date; reason: string }): Promise<void>;
}

export interface CreatePayment {
  subscriberId: number;
  orderRef: string;
  method: PaymentMethod;
  totalFen: number;
  /** Points to spend on the order (the points part); the rest is the provider's. */
  points?: number;
  subject: string;
  idempotencyKey: string;
}

export interface PaymentView {
  id: string;
  orderRef: string;
  method: PaymentMethod;
  state: PaymentState;
  totalFen: number;
  points: number;
  pointsFen: number;
  amountFen: number;
  refundedFen: number;
  refundedPoints: number;
  subject: string;
  providerTradeNo: string | null;
  expiresAt: string;
  paidAt: string | null;
  createdAt: string;
}

export interface RefundView {
  id: string;
  paymentId: string;
  amountFen: number;
  points: number;
  state: PaymentRefund['state'];
  reason: string;
  requestedBy: number | null;
  reviewedBy: number | null;
  createdAt: string;
}

export interface ReconciliationLine {
  paymentId: string;
  tradeNo: string | null;
  oursFen: number | null;
  theirsFen: number | null;
  oursState: string | null;
  theirsState: string | null;
}

export interface ReconciliationReport {
  day: string;
  method: PaymentMethod;
  matched: number;
  matchedFen: number;
  missingOnOurs: ReconciliationLine[];
  missingOnTheirs: ReconciliationLine[];
  amountMismatches: ReconciliationLine[];
}

export function paymentView(p: Payment): PaymentView {
  return {
    id: p.id, orderRef: p.orderRef, method: p.method, state: p.state, totalFen: p.totalFen, points: p.points, pointsFen: p.pointsFen,
    amountFen: p.amountFen, refundedFen: p.refundedFen, refundedPoints: p.refundedPoints, subject: p.subject, providerTradeNo: p.providerTradeNo,
    expiresAt: new Date(p.expiresAt).toISOString(), paidAt: p.paidAt ? new Date(p.paidAt).toISOString() : null, createdAt: new Date(p.createdAt).toISOString(),
  };
}

export function refundView(r: PaymentRefund): RefundView {
  return { id: r.id, paymentId: r.paymentId, amountFen: r.amountFen, points: r.points, state: r.state, reason: r.reason, requestedBy: r.requestedBy, reviewedBy: r.reviewedBy, createdAt: new Date(r.createdAt).toISOString() };
}

const PAYABLE: readonly PaymentState[] = ['created', 'pending'];
const WAS_PAID: readonly PaymentState[] = ['paid', 'partially_refunded', 'refunded'];
const OPEN_REFUNDS = ['awaiting_approval', 'pending', 'succeeded'] as const;
/** A notification older than this (Alipay retries for 25 hours) or from before the payment is a replay. */
const NOTICE_MAX_AGE_MS = 25 * 3600_000;
const CLOCK_SKEW_MS = 5 * 60_000;
const RECONCILE_EVERY_MS = 60_000;

export class Payments {
  readonly sandbox: SandboxGateway | undefined;
  readonly bank: SandboxGateway | undefined;
  private readonly providers = new Map<PaymentMethod, PaymentProvider>();
  private readonly sources: [string, OrderSource][] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(private readonly deps: { db: Db; clock: Clock; random: Random; audit: AuditLog; ledger: Ledger; config: PaymentConfig; sandboxPagePath: string }) {
    const c = deps.config;
    this.providers.set('balance', balanceProvider(deps.ledger));
    this.providers.set('cod', cashOnDeliveryProvider());
    if (c.sandbox.enabled) {
      this.sandbox = new SandboxGateway('sandbox', { ...deps, secret: c.sandbox.secret, pagePath: deps.sandboxPagePath });
      this.bank = new SandboxGateway('bank', { ...deps, secret: c.sandbox.secret, pagePath: deps.sandboxPagePath });
      this.providers.set('sandbox', this.sandbox);
      this.providers.set('bank', this.bank);
    }
    if (c.alipay) this.providers.set('alipay', new AlipayProvider(c.alipay));
  }

  /** The ways of paying offered: points always, then each configured provider. */
  methods(): { method: PaymentMethod; names: L10n }[] {
    return [{ method: 'points' as PaymentMethod, names: l10n('积分支付', 'Points') }, ...[...this.providers.values()].map((p) => ({ method: p.method, names: p.names }))];
  }

  provider(method: string): PaymentProvider | undefined {
    return this.providers.get(method as PaymentMethod);
  }

  /** Registers the orders behind a reference prefix; the longest matching prefix wins. */
  register(prefix: string, source: OrderSource): void {
    this.sources.push([prefix, source]);
    this.sources.sort((a, b) => b[0].length - a[0].length);
  }

  private sourceOf(orderRef: string): OrderSource | undefined {
    return this.sources.find(([prefix]) => orderRef.startsWith(prefix))?.[1];
  }

  /** What an order a subscriber wants to pay over REST costs (PAYMENT_ORDER_NOT_FOUND if it is not theirs). */
  async describe(orderRef: string, subscriberId: number): Promise<{ totalFen: number; subject: string }> {
    const d = await this.sourceOf(orderRef)?.describe?.(this.deps.db, orderRef, subscriberId);
    if (!d) throw new AppError('PAYMENT_ORDER_NOT_FOUND');
    return d;
  }

  /** The fen a number of points is worth; PAYMENT_AMOUNT_INVALID when it is not a whole number of fen. */
  pointsValue(points: number): number {
    const fen = (points * 100) / this.deps.config.pointsPerYuan;
    if (!Number.isInteger(points) || points < 0 || !Number.isInteger(fen)) {
      throw new AppError('PAYMENT_AMOUNT_INVALID', { detail: l10n(`积分须按${this.deps.config.pointsPerYuan}积分抵1元整分使用`, `Points go ${this.deps.config.pointsPerYuan} to a yuan, in whole fen`) });
    }
    return fen;
  }

  /** The split a payment would have: for the confirmation's quote. */
  quote(input: Pick<CreatePayment, 'method' | 'totalFen' | 'points'>): { totalFen: number; points: number; pointsFen: number; amountFen: number; summary: L10n } {
    const points = input.points ?? 0;
    const pointsFen = this.pointsValue(points);
    if (!Number.isInteger(input.totalFen) || input.totalFen <= 0) throw new AppError('PAYMENT_AMOUNT_INVALID');
    if (pointsFen > input.totalFen) throw new AppError('PAYMENT_AMOUNT_INVALID', { detail: l10n('积分抵扣超过了订单金额', 'The points are worth more than the order') });
    const amountFen = input.totalFen - pointsFen;
    if (input.method === 'points' ? amountFen !== 0 : amountFen === 0) {
      throw new AppError('PAYMENT_AMOUNT_INVALID', { detail: input.method === 'points' ? l10n('积分不足以支付全部金额，请选择其他方式支付余下部分', 'Points alone must cover the order; choose a way to pay the rest') : l10n('积分已抵扣全部金额，请选择积分支付', 'The points cover it all: pay with points') });
    }
    const name = input.method === 'points' ? l10n('积分', 'points') : this.provider(input.method)?.names ?? l10n(input.method, input.method);
    const m = money(amountFen);
    const summary = points > 0
      ? l10n(`使用${points}积分抵扣${money(pointsFen)['zh-CN']}${amountFen ? `，余下${m['zh-CN']}通过${name['zh-CN']}支付` : ''}`, `${points} points for ${money(pointsFen).en}${amountFen ? `, the remaining ${m.en} by ${name.en}` : ''}`)
      : l10n(`通过${name['zh-CN']}支付${m['zh-CN']}`, `Pay ${m.en} by ${name.en}`);
    return { totalFen: input.totalFen, points, pointsFen, amountFen, summary };
  }

  /**
   * Makes a payment and starts its provider part: the points part is spent and the phone balance
   * charged in the same transaction; a page-pay provider answers where the subscriber goes. A
   * repeated idempotency key returns the first payment (`replayed`), a different request under it
   * IDEMPOTENCY_KEY_REUSED. Points over the balance: POINTS_INSUFFICIENT (400), nothing written.
   */
  async create(input: CreatePayment): Promise<{ payment: Payment; next: NextStep; replayed: boolean }> {
    const q = this.quote(input);
    const provider = input.method === 'points' ? undefined : this.provider(input.method);
    if (input.method !== 'points' && !provider) throw new AppError('PAYMENT_METHOD_UNAVAILABLE');
    const requestHash = createHash('sha256').update(JSON.stringify([input.orderRef, input.method, input.totalFen, q.points, input.subject])).digest('base64url');
    const at = this.deps.clock.now();
    const id = this.deps.random.uuid().replaceAll('-', '');
    const made = await this.deps.db.transaction().execute(async (tx) => {
      const row = await tx.insertInto('payment').values({
        id, orderRef: input.orderRef, subscriberId: input.subscriberId, method: input.method, totalFen: q.totalFen, points: q.points, pointsFen: q.pointsFen,
        amountFen: q.amountFen, subject: input.subject, state: 'created', providerTradeNo: null, nextUrl: null, refundedFen: 0, refundedPoints: 0,
        idempotencyKey: input.idempotencyKey, requestHash, expiresAt: new Date(at.getTime() + this.deps.config.expiryMinutes * 60_000), paidAt: null, createdAt: at, updatedAt: at,
      }).onConflict((oc) => oc.columns(['subscriberId', 'idempotencyKey']).doNothing()).returningAll().executeTakeFirst();
      if (!row) return undefined;
      const ledger = this.deps.ledger(tx);
      if (q.points > 0) {
        if ((await ledger.pointsBalance(input.subscriberId)) < q.points) throw new AppError('POINTS_INSUFFICIENT');
        try {
          await ledger.addPoints(input.subscriberId, -q.points, 'redeemed', `payment:${id}`, `积分抵扣：${input.subject}`, `Points paid: ${input.subject}`, at);
        } catch (e) {
          throw e instanceof AppError && e.code === 'INSUFFICIENT_POINTS' ? new AppError('POINTS_INSUFFICIENT') : e;
        }
      }
      const next: NextStep = provider ? await provider.create(row, { q: tx, at }) : { kind: 'paid' };
      if (next.kind === 'paid') {
        // Written in this transaction a moment ago: nobody else can hold or change it yet.
        const settled = await this.settle(tx, id, null, at, row);
        return { payment: settled.payment!, next, lateRefund: settled.lateRefund };
      }
      const payment = await tx.updateTable('payment').set({ state: 'pending', nextUrl: next.kind === 'redirect' ? next.url : null, updatedAt: at })
        .where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      return { payment, next, lateRefund: undefined };
    });
    if (made) {
      if (made.lateRefund) await this.runRefund(made.lateRefund).catch(() => undefined);
      return { payment: made.payment, next: made.next, replayed: false };
    }
    const first = await this.deps.db.selectFrom('payment').selectAll().where('subscriberId', '=', input.subscriberId).where('idempotencyKey', '=', input.idempotencyKey).executeTakeFirstOrThrow();
    if (first.requestHash !== requestHash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
    const next: NextStep = first.nextUrl && first.state === 'pending' ? { kind: 'redirect', url: first.nextUrl } : first.state === 'pending' ? { kind: 'pending' } : { kind: 'paid' };
    return { payment: first, next, replayed: true };
  }

  async get(id: string, q: Db = this.deps.db): Promise<Payment> {
    const p = await q.selectFrom('payment').selectAll().where('id', '=', id).executeTakeFirst();
    if (!p) throw new AppError('PAYMENT_NOT_FOUND');
    return p;
  }

  /** A subscriber's own payment (PAYMENT_NOT_FOUND for anyone else's). */
  async ofSubscriber(id: string, subscriberId: number): Promise<Payment> {
    const p = await this.get(id);
    if (p.subscriberId !== subscriberId) throw new AppError('PAYMENT_NOT_FOUND');
    return p;
  }

  /**
   * Marks a payment paid, once: the order source's `paid` runs in this transaction (`written`: the
   * row as this transaction inserted it, so it need not be read again under a lock). A payment
   * already closed (cancelled, expired) or whose order is gone is refunded: the refund is written
   * here and run by the caller after commit (`lateRefund`).
   */
  private async settle(tx: Db, id: string, tradeNo: string | null, at: Date, written?: Payment): Promise<{ payment?: Payment; lateRefund?: string }> {
    const before = written ?? await tx.selectFrom('payment').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!before || !(PAYABLE.includes(before.state) || before.state === 'closed')) return {};
    const payment = await tx.updateTable('payment').set({ state: 'paid', paidAt: at, providerTradeNo: tradeNo ?? before.providerTradeNo, updatedAt: at })
      .where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    let gone = before.state === 'closed';
    if (!gone) gone = (await this.sourceOf(payment.orderRef)?.paid(tx, payment)) === 'gone';
    if (!gone) return { payment };
    const left = await this.refundable(tx, payment);
    const refundId = await this.writeRefund(tx, payment, left.fen, left.points, 'pending', 'order_gone', null, at);
    return { payment, lateRefund: refundId };
  }

  /** What is left to give back: money and points not yet claimed by a refund. */
  private async refundable(q: Db, p: Payment): Promise<{ fen: number; points: number }> {
    const r = await q.selectFrom('paymentRefund')
      .select((eb) => [eb.fn.coalesce(eb.fn.sum<number>('amountFen'), eb.lit(0)).as('fen'), eb.fn.coalesce(eb.fn.sum<number>('points'), eb.lit(0)).as('points')])
      .where('paymentId', '=', p.id).where('state', 'in', OPEN_REFUNDS).executeTakeFirstOrThrow();
    return { fen: p.amountFen - Number(r.fen), points: p.points - Number(r.points) };
  }

  private async writeRefund(q: Db, p: Payment, amountFen: number, points: number, state: PaymentRefund['state'], reason: string, by: number | null, at: Date, idempotency?: { key: string; hash: string }): Promise<string> {
    const id = `R${this.deps.random.uuid().replaceAll('-', '')}`;
    await q.insertInto('paymentRefund').values({
      id, paymentId: p.id, amountFen, points, state, reason, requestedBy: by, reviewedBy: null, providerRefundNo: null,
      idempotencyKey: idempotency?.key ?? null, requestHash: idempotency?.hash ?? null, createdAt: at, updatedAt: at,
    }).execute();
    return id;
  }

  /** Closes an unpaid payment (cancelled on the provider's page, or expired): its points part comes back. */
  private async close(tx: Db, p: Payment, at: Date): Promise<boolean> {
    const closed = await tx.updateTable('payment').set({ state: 'closed', updatedAt: at }).where('id', '=', p.id).where('state', 'in', PAYABLE).returningAll().executeTakeFirst();
    if (!closed) return false;
    if (closed.points > 0) {
      const refundId = await this.writeRefund(tx, closed, 0, closed.points, 'succeeded', 'closed', null, at);
      await this.deps.ledger(tx).addPoints(closed.subscriberId, closed.points, 'refunded', `refund:${refundId}`, `支付关闭，退回积分：${closed.subject}`, `Payment closed, points returned: ${closed.subject}`, at);
      await tx.updateTable('payment').set({ refundedPoints: closed.points }).where('id', '=', closed.id).execute();
    }
    return true;
  }

  /**
   * A provider's notification, as its notify endpoint received it: verified (a forged signature, an
   * amount that is not the payment's, a replay from outside the provider's retry window: refused,
   * nothing credited) and counted once (the same trade and status again: answered as received,
   * nothing credited twice). Every notification is kept with its outcome.
   */
  async notify(method: string, raw: Record<string, string>): Promise<{ ok: boolean; answer: string; outcome: string; paymentId: string | null }> {
    const provider = this.provider(method);
    const at = this.deps.clock.now();
    const text = new URLSearchParams(raw).toString().slice(0, 8000);
    const answers = provider?.notifyAnswer ?? { ok: 'success', fail: 'fail' };
    const refuse = async (reason: string, paymentId: string | null = null) => {
      const outcome = `refused:${reason}`;
      await this.deps.db.insertInto('paymentNotification').values({ provider: method.slice(0, 20), paymentId, tradeNo: raw.trade_no?.slice(0, 64) ?? null, status: raw.trade_status?.slice(0, 32) ?? null, raw: text, verified: false, outcome, receivedAt: at }).execute();
      return { ok: false, answer: answers.fail, outcome, paymentId };
    };
    if (!provider?.verifyNotification) return refuse('unknown_provider');
    const check = provider.verifyNotification(raw);
    if (!check.ok) return refuse(check.reason);
    const n = check.notice;
    const p = await this.deps.db.selectFrom('payment').selectAll().where('id', '=', n.paymentId).executeTakeFirst();
    if (!p || p.method !== method) return refuse('unknown_payment');
    if (n.amountFen !== p.amountFen) return refuse('amount_mismatch', p.id);
    const created = new Date(p.createdAt).getTime();
    if (n.notifiedAt.getTime() < created - CLOCK_SKEW_MS || n.notifiedAt.getTime() > at.getTime() + CLOCK_SKEW_MS || at.getTime() - n.notifiedAt.getTime() > NOTICE_MAX_AGE_MS) return refuse('replayed', p.id);
    if (p.providerTradeNo && p.providerTradeNo !== n.tradeNo) return refuse('other_trade', p.id);
    const done = await this.deps.db.transaction().execute(async (tx) => {
      // The unique (provider, trade, status) makes a second copy wait for the first and then find it.
      // The index's predicate is written as SQL, not a parameter: a prepared statement's generic plan
      // cannot match `verified = $1` to the partial index.
      const first = await tx.insertInto('paymentNotification').values({ provider: method, paymentId: p.id, tradeNo: n.tradeNo, status: n.status, raw: text, verified: true, outcome: 'received', receivedAt: at })
        .onConflict((oc) => oc.columns(['provider', 'tradeNo', 'status']).where(sql<boolean>`verified`).doNothing()).returning('id').executeTakeFirst();
      if (!first) {
        await tx.insertInto('paymentNotification').values({ provider: method, paymentId: p.id, tradeNo: n.tradeNo, status: n.status, raw: text, verified: false, outcome: 'duplicate', receivedAt: at }).execute();
        return { outcome: 'duplicate', lateRefund: undefined };
      }
      let outcome = 'ignored';
      let lateRefund: string | undefined;
      if (n.outcome === 'paid') {
        const s = await this.settle(tx, p.id, n.tradeNo, at);
        outcome = s.lateRefund ? 'refunded_late' : s.payment ? 'credited' : 'already_settled';
        lateRefund = s.lateRefund;
      } else if (n.outcome === 'closed') {
        outcome = (await this.close(tx, p, at)) ? 'closed' : 'ignored';
      }
      await tx.updateTable('paymentNotification').set({ outcome }).where('id', '=', first.id).execute();
      return { outcome, lateRefund };
    });
    if (done.lateRefund) await this.runRefund(done.lateRefund).catch(() => undefined);
    return { ok: true, answer: answers.ok, outcome: done.outcome, paymentId: p.id };
  }

  /**
   * Cash on delivery: the courier took the cash, so the payment is paid (once; PAYMENT_NOT_PAYABLE
   * otherwise). Called by the delivery, or by staff (ops role, audited).
   */
  async settleOnDelivery(id: string, actor?: Actor): Promise<Payment> {
    if (actor) requireRole(actor, ['ops']);
    const at = this.deps.clock.now();
    const r = await this.deps.db.transaction().execute(async (tx) => {
      const p = await this.get(id, tx);
      if (p.method !== 'cod') throw new AppError('PAYMENT_NOT_PAYABLE');
      const s = await this.settle(tx, id, null, at);
      if (actor && s.payment) await this.deps.audit.record(tx, actor, { action: 'payment.cod.delivered', entityType: 'payment', entityId: id, before: { state: p.state }, after: { state: s.payment.state } }, at);
      return s;
    });
    if (!r.payment) throw new AppError('PAYMENT_NOT_PAYABLE');
    if (r.lateRefund) await this.runRefund(r.lateRefund).catch(() => undefined);
    return this.get(id);
  }

  /**
   * A refund of a paid payment's money part, full (no amount) or partial; its points part comes
   * back in proportion (the last refund takes what is left, so the points add up). Staff need the
   * ops role; a staff refund above the approval threshold waits for a second person. Audited.
   * A payment refunded in full answers REFUND_NOT_ALLOWED; more than is left REFUND_EXCEEDS_PAID.
   */
  async refund(actor: Actor, id: string, req: { amountFen?: number; reason: string; idempotencyKey?: string }): Promise<PaymentRefund> {
    return (await this.requestRefund(actor, id, req)).refund;
  }

  /**
   * `refund`, telling a first answer from a repeated one: under an idempotency key, the same key
   * on the same payment again answers the first refund (`replayed`, whatever happened to it since,
   * so a request sent twice refunds once), another request under it IDEMPOTENCY_KEY_REUSED.
   */
  async requestRefund(actor: Actor, id: string, req: { amountFen?: number; reason: string; idempotencyKey?: string }): Promise<{ refund: PaymentRefund; replayed: boolean }> {
    requireRole(actor, ['ops']);
    const at = this.deps.clock.now();
    const key = req.idempotencyKey ?? null;
    const requestHash = key ? createHash('sha256').update(JSON.stringify([req.amountFen ?? null, req.reason])).digest('base64url') : null;
    const written = await this.deps.db.transaction().execute(async (tx) => {
      const p = await tx.selectFrom('payment').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (!p) throw new AppError('PAYMENT_NOT_FOUND');
      // The payment's lock makes the same key sent twice at once wait here, then find the first.
      if (key) {
        const first = await tx.selectFrom('paymentRefund').select(['id', 'requestHash']).where('paymentId', '=', p.id).where('idempotencyKey', '=', key).executeTakeFirst();
        if (first && first.requestHash !== requestHash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
        if (first) return { refundId: first.id, run: false, replayed: true };
      }
      if (p.state !== 'paid' && p.state !== 'partially_refunded') throw new AppError('REFUND_NOT_ALLOWED');
      const left = await this.refundable(tx, p);
      const amountFen = req.amountFen ?? left.fen;
      if (!Number.isInteger(amountFen) || amountFen < 0 || amountFen > left.fen || (req.amountFen !== undefined && amountFen === 0)) throw new AppError('REFUND_EXCEEDS_PAID', { extra: { refundableFen: left.fen } });
      const points = amountFen === left.fen ? left.points : Math.min(left.points, Math.floor((p.points * amountFen) / p.amountFen));
      if (amountFen === 0 && points === 0) throw new AppError('REFUND_EXCEEDS_PAID', { extra: { refundableFen: 0 } });
      const review = actor.id !== SYSTEM_ACTOR.id && amountFen > this.deps.config.refundApprovalFen;
      const refundId = await this.writeRefund(tx, p, amountFen, points, review ? 'awaiting_approval' : 'pending', req.reason, actor.id, at, key ? { key, hash: requestHash! } : undefined);
      await this.deps.audit.record(tx, actor, { action: 'payment.refund.request', entityType: 'payment', entityId: p.id, after: { refundId, amountFen, points, awaitingApproval: review }, reason: req.reason }, at);
      return { refundId, run: !review, replayed: false };
    });
    if (written.run) await this.runRefund(written.refundId);
    return { refund: await this.refundRow(written.refundId), replayed: written.replayed };
  }

  /** A second person (not who asked) approves a refund waiting for approval, which then runs, or rejects it. */
  async reviewRefund(actor: Actor, refundId: string, decision: { approve: true } | { approve: false; reason: string }): Promise<PaymentRefund> {
    requireRole(actor, ['ops']);
    if (!decision.approve && !decision.reason.trim()) throw new AppError('INVALID_INPUT', { detail: l10n('驳回需要说明原因', 'A rejection needs a reason') });
    const at = this.deps.clock.now();
    await this.deps.db.transaction().execute(async (tx) => {
      const r = await tx.selectFrom('paymentRefund').selectAll().where('id', '=', refundId).forUpdate().executeTakeFirst();
      if (!r) throw new AppError('REFUND_NOT_FOUND');
      if (r.state !== 'awaiting_approval') throw new AppError('REVIEW_NOT_PENDING');
      if (r.requestedBy === actor.id) throw new AppError('REFUND_SELF_REVIEW');
      await tx.updateTable('paymentRefund').set({ state: decision.approve ? 'pending' : 'rejected', reviewedBy: actor.id, updatedAt: at }).where('id', '=', refundId).execute();
      await this.deps.audit.record(tx, actor, { action: decision.approve ? 'payment.refund.approve' : 'payment.refund.reject', entityType: 'payment', entityId: r.paymentId, after: { refundId }, ...(decision.approve ? {} : { reason: decision.reason }) }, at);
    });
    if (decision.approve) await this.runRefund(refundId);
    return this.refundRow(refundId);
  }

  async refundRow(id: string): Promise<PaymentRefund> {
    const r = await this.deps.db.selectFrom('paymentRefund').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw new AppError('REFUND_NOT_FOUND');
    return r;
  }

  /**
   * Runs a pending refund: the provider gives the money back (under the refund's id, so a retry
   * refunds once), the points come back through the ledger, the payment's refunded totals move and
   * the order source hears of it (`refunded`), in one transaction. A provider that cannot be
   * reached leaves it pending for the next run.
   */
  async runRefund(refundId: string): Promise<PaymentRefund> {
    const at = this.deps.clock.now();
    await this.deps.db.transaction().execute(async (tx) => {
      const r = await tx.selectFrom('paymentRefund').selectAll().where('id', '=', refundId).where('state', '=', 'pending').forUpdate().executeTakeFirst();
      if (!r) return;
      const p = await tx.selectFrom('payment').selectAll().where('id', '=', r.paymentId).forUpdate().executeTakeFirstOrThrow();
      let refundNo: string | null = null;
      if (r.amountFen > 0) {
        const provider = this.provider(p.method);
        if (!provider) return; // its provider is no longer configured: stays pending, in the console's list
        const refused = await this.takeBack(tx, p, { id: r.id, amountFen: r.amountFen, at });
        if (refused) {
          await tx.updateTable('paymentRefund').set({ state: 'failed', providerRefundNo: refused.slice(0, 200), updatedAt: at }).where('id', '=', r.id).execute();
          return;
        }
        const res = await provider.refund(p, r.amountFen, r.id, { q: tx, at });
        if (!res.ok) {
          await tx.updateTable('paymentRefund').set({ state: 'failed', providerRefundNo: res.reason.slice(0, 200), updatedAt: at }).where('id', '=', r.id).execute();
          return;
        }
        refundNo = res.refundNo;
      }
      if (r.points > 0) await this.deps.ledger(tx).addPoints(p.subscriberId, r.points, 'refunded', `refund:${r.id}`, `退款退回积分：${p.subject}`, `Points refunded: ${p.subject}`, at);
      const fen = p.refundedFen + r.amountFen;
      const points = p.refundedPoints + r.points;
      const after = await tx.updateTable('payment').set({ refundedFen: fen, refundedPoints: points, state: fen === p.amountFen && points === p.points ? 'refunded' : 'partially_refunded', updatedAt: at })
        .where('id', '=', p.id).returningAll().executeTakeFirstOrThrow();
      await tx.updateTable('paymentRefund').set({ state: 'succeeded', providerRefundNo: refundNo, updatedAt: at }).where('id', '=', r.id).execute();
      await this.sourceOf(p.orderRef)?.refunded?.(tx, after, { id: r.id, amountFen: r.amountFen, points: r.points, at, reason: r.reason });
    });
    return this.refundRow(refundId);
  }

  /**
   * Tells the payment's order source again where its refunds stand, as the last refund that
   * succeeded did (`refunded`, with the payment's refunded totals now), in a transaction holding
   * the payment's row as a refund does: for an owner that began keeping those totals after some
   * payments were refunded (checkout's orders from before its migration 0002), so it catches up
   * through this service rather than reading our tables. False when nothing of it was refunded.
   */
  async replayRefunded(id: string): Promise<boolean> {
    return this.deps.db.transaction().execute(async (tx) => {
      const p = await tx.selectFrom('payment').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (!p || (p.refundedFen === 0 && p.refundedPoints === 0)) return false;
      const last = await tx.selectFrom('paymentRefund').selectAll().where('paymentId', '=', id).where('state', '=', 'succeeded')
        .orderBy('updatedAt', 'desc').orderBy('createdAt', 'desc').limit(1).executeTakeFirst();
      if (!last) return false;
      await this.sourceOf(p.orderRef)?.refunded?.(tx, p, { id: last.id, amountFen: last.amountFen, points: last.points, at: new Date(last.updatedAt), reason: last.reason });
      return true;
    });
  }

  /** The owner's `refunding` in a savepoint: the reason it refused, or null when it took back what was bought. */
  private async takeBack(tx: Db, p: Payment, r: { id: string; amountFen: number; at: Date }): Promise<string | null> {
    const source = this.sourceOf(p.orderRef);
    if (!source?.refunding) return null;
    try {
      await withSavepoint(tx, (sq) => source.refunding!(sq, p, r));
      return null;
    } catch (e) {
      if (e instanceof AppError) return e.code;
      throw e;
    }
  }

  /**
   * The reconciliation job (any node; rows taken with SKIP LOCKED): payments still waiting after
   * `reconcileAfterMinutes` are asked after with the provider's query and settled as a
   * notification would have settled them (or closed, when the provider closed or never saw them
   * and they expired); pending refunds are run again.
   */
  async reconcile(): Promise<{ settled: number; closed: number; refunds: number }> {
    const at = this.deps.clock.now();
    const cutoff = new Date(at.getTime() - this.deps.config.reconcileAfterMinutes * 60_000);
    const methods = [...this.providers.values()].filter((p) => p.query).map((p) => p.method);
    const out = { settled: 0, closed: 0, refunds: 0 };
    if (methods.length) {
      const waiting = await this.deps.db.selectFrom('payment').select('id').where('state', 'in', PAYABLE).where('method', 'in', methods)
        .where('createdAt', '<', cutoff).orderBy('createdAt').limit(200).execute();
      for (const { id } of waiting) {
        const late = await this.deps.db.transaction().execute(async (tx) => {
          const p = await tx.selectFrom('payment').selectAll().where('id', '=', id).where('state', 'in', PAYABLE).forUpdate().skipLocked().executeTakeFirst();
          if (!p) return undefined;
          const trade = await this.provider(p.method)!.query!(p, { q: tx });
          if (trade.state === 'paid' && trade.amountFen === p.amountFen) {
            await tx.insertInto('paymentNotification').values({ provider: p.method, paymentId: p.id, tradeNo: trade.tradeNo, status: 'query:paid', raw: JSON.stringify(trade), verified: true, outcome: 'credited_by_query', receivedAt: at })
              .onConflict((oc) => oc.columns(['provider', 'tradeNo', 'status']).where(sql<boolean>`verified`).doNothing()).execute();
            const s = await this.settle(tx, p.id, trade.tradeNo, at);
            if (s.payment) out.settled++;
            return s.lateRefund;
          }
          if (trade.state === 'closed' || (trade.state === 'missing' && new Date(p.expiresAt) <= at)) {
            if (await this.close(tx, p, at)) out.closed++;
          }
          return undefined;
        }).catch(() => undefined); // a provider that cannot be reached now is asked again next time
        if (late) await this.runRefund(late).catch(() => undefined);
      }
    }
    const pending = await this.deps.db.selectFrom('paymentRefund').select('id').where('state', '=', 'pending').orderBy('createdAt').limit(200).execute();
    for (const r of pending) {
      const done = await this.runRefund(r.id).catch(() => undefined);
      if (done?.state === 'succeeded') out.refunds++;
    }
    return out;
  }

  /** Runs the reconciliation job every minute on this node (every node may; rows are shared with SKIP LOCKED). */
  start(onError: (e: unknown) => void): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.reconcile().catch(onError).finally(() => { this.running = undefined; });
    }, RECONCILE_EVERY_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
    await this.sandbox?.idle();
    await this.bank?.idle();
  }

  /**
   * One day's payments (Beijing time, by when they were made) of one provider against the
   * provider's side: its own ledger where it has one (the sandbox gateways), else its query for
   * each of ours (Alipay; a trade we never recorded shows only in Alipay's bill download).
   */
  async report(day: string, method: PaymentMethod): Promise<ReconciliationReport> {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
    if (!m) throw new AppError('INVALID_INPUT', { detail: l10n('日期格式应为 YYYY-MM-DD', 'The day is YYYY-MM-DD') });
    const provider = this.provider(method);
    if (!provider?.query) throw new AppError('PAYMENT_METHOD_UNAVAILABLE');
    const from = zonedInstant(Number(m[1]), Number(m[2]), Number(m[3]));
    const to = zonedInstant(Number(m[1]), Number(m[2]), Number(m[3]) + 1);
    const ours = await this.deps.db.selectFrom('payment').selectAll().where('method', '=', method).where('createdAt', '>=', from).where('createdAt', '<', to).orderBy('createdAt').execute();
    const theirs: ProviderTrade[] = provider.trades ? await provider.trades(from, to) : await Promise.all(ours.map((p) => provider.query!(p, { q: this.deps.db })));
    const byId = new Map(theirs.map((t) => [t.paymentId, t]));
    const report: ReconciliationReport = { day, method, matched: 0, matchedFen: 0, missingOnOurs: [], missingOnTheirs: [], amountMismatches: [] };
    const line = (p: Payment | undefined, t: ProviderTrade | undefined): ReconciliationLine => ({
      paymentId: p?.id ?? t!.paymentId, tradeNo: t?.tradeNo ?? p?.providerTradeNo ?? null, oursFen: p ? p.amountFen : null, theirsFen: t && t.state !== 'missing' ? t.amountFen : null,
      oursState: p?.state ?? null, theirsState: t?.state ?? null,
    });
    for (const p of ours) {
      const t = byId.get(p.id);
      byId.delete(p.id);
      const oursPaid = WAS_PAID.includes(p.state);
      const theirsPaid = t?.state === 'paid';
      if (oursPaid && theirsPaid) {
        if (t!.amountFen === p.amountFen) { report.matched++; report.matchedFen += p.amountFen; } else report.amountMismatches.push(line(p, t));
      } else if (oursPaid) report.missingOnTheirs.push(line(p, t));
      else if (theirsPaid) report.missingOnOurs.push(line(p, t));
    }
    for (const t of byId.values()) if (t.state === 'paid') report.missingOnOurs.push(line(undefined, t));
    return report;
  }

  /** Payments for the console, newest first. */
  async search(f: { subscriberId?: number; orderRef?: string; state?: PaymentState; method?: PaymentMethod; limit?: number }): Promise<Payment[]> {
    let q = this.deps.db.selectFrom('payment').selectAll().orderBy('createdAt', 'desc').limit(Math.min(f.limit ?? 50, 200));
    if (f.subscriberId !== undefined) q = q.where('subscriberId', '=', f.subscriberId);
    if (f.orderRef) q = q.where('orderRef', '=', f.orderRef);
    if (f.state) q = q.where('state', '=', f.state);
    if (f.method) q = q.where('method', '=', f.method);
    return q.execute();
  }

  /** A payment's notifications and refunds, for the console. */
  async history(id: string) {
    const [notifications, refunds] = await Promise.all([
      this.deps.db.selectFrom('paymentNotification').select(['id', 'provider', 'tradeNo', 'status', 'verified', 'outcome', 'receivedAt']).where('paymentId', '=', id).orderBy('id').execute(),
      this.deps.db.selectFrom('paymentRefund').selectAll().where('paymentId', '=', id).orderBy('createdAt').execute(),
    ]);
    return { notifications, refunds };
  }
}

