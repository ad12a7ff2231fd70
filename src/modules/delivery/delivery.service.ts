// Deliveries: a shipment per order, shipped with a carrier's tracking number, moved only forward
// by the carrier's signed events (each recorded once in the timeline), and returns within seven
// days of signing (七天无理由) that staff approve, receive and refund. The order is the owner's:
// it registers its reference prefix with callbacks, as it does with payments (docs/mall.md,
// "Delivery"); delivery never reads the owner's tables.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n, money, type L10n } from '../../platform/i18n.ts';
import type { Clock } from '../../platform/ports.ts';
import { requireRole, SYSTEM_ACTOR, type Actor, type AuditLog } from '../../platform/audit.ts';
import { localTime, zonedInstant } from '../../platform/dates.ts';
import { verifyEvent, type Carrier } from './carriers.ts';
import { movesForward } from './states.ts';
import type { Address, ReturnLine, ReturnRequest, ReturnState, Shipment, ShipmentEvent, ShipmentState } from './tables.ts';

/** Days after the day of signing a subscriber may still ask to return (七天无理由退货). */
export const RETURN_DAYS = 7;

/**
 * The owner of the orders behind a reference prefix (checkout: `order:`). Delivery calls it; it
 * never calls delivery's tables itself.
 */
export interface ShipmentOwner {
  /**
   * Signed for, in the very transaction that marks the shipment delivered (once per shipment):
   * complete the order, bind a number card (goods.numbers.bind with this `q`). A throw rolls the
   * delivery back; the carrier's retry of its event tries again.
   */
  delivered(q: Db, s: Shipment): Promise<void>;
  /**
   * After that transaction committed, and again whenever the carrier repeats its delivered event:
   * what needs a transaction of its own, such as `payments.settleOnDelivery` for cash on delivery
   * (a second call answers PAYMENT_NOT_PAYABLE: settle only a payment still pending). A throw
   * answers the carrier 500, so it sends the event again and this runs again.
   */
  afterDelivered?(s: Shipment): Promise<void>;
  /**
   * The goods came back (a return received, or a parcel returned unsigned), in the transaction
   * that records it: restock, mark the order, and decide the refund in fen.
   */
  returned(q: Db, s: Shipment, r: ReturnRequest): Promise<{ refundFen: number }>;
  /**
   * After that committed: issue the refund decided (`payments.refund(actor, …)`, whose own
   * approval rules apply), and say where it stands: `refunded` (paid out, or nothing to pay; also
   * what nothing answered means) or `refunding` (asked for, not paid out yet: awaiting a second
   * person's approval or the provider; the owner calls `returnRefunded` in the transaction that
   * pays it out). A throw leaves the return as it was (`received`), and staff run it again
   * (`refundReturn`, also while `refunding`): it must refund once per return request id, also
   * when two staff run it at once.
   */
  refund(s: Shipment, r: ReturnRequest, actor: Actor): Promise<'refunded' | 'refunding' | void>;
  /**
   * Whether the order still allows the parcel to be handed over (`ship`) or a return to be asked
   * for (`return`), in the transaction that would do it, with the shipment's row locked: the
   * refusal to answer (checkout: ORDER_REFUNDED for an order refunded in full), or undefined.
   */
  refusal?(q: Db, s: Shipment, action: 'ship' | 'return'): Promise<AppError | undefined>;
}

export interface NewShipment {
  subscriberId: number;
  warehouse: string;
  /** The carrier chosen now, or at shipping (`ship` may change it). */
  carrier?: string;
  address: Address;
  codFen?: number;
}

/** A carrier's event as its webhook reports it. */
export interface CarrierEvent {
  eventId: string;
  trackingNo: string;
  state: Exclude<ShipmentState, 'to_ship' | 'cancelled'>;
  at: Date;
  place?: string;
  note?: L10n;
}

export interface TimelineView {
  state: ShipmentState;
  place: string | null;
  note: L10n;
  at: string;
  /** The Beijing wall clock (the operator's zone): `2026-11-15 10:00`. */
  atLocal: string;
}

export interface ReturnView {
  id: number;
  shipmentId: number;
  state: ReturnState;
  reason: string;
  lines: ReturnLine[];
  refundFen: number | null;
  rejectReason: string | null;
  requestedAt: string;
  requestedAtLocal: string;
}

export interface ShipmentView {
  id: number;
  orderRef: string;
  state: ShipmentState;
  warehouse: string;
  carrier: string;
  carrierNames: L10n;
  trackingNo: string | null;
  address: Address;
  codFen: number;
  shippedAt: string | null;
  deliveredAt: string | null;
  /** Until when a return may be asked for (the end of the seventh Beijing day after signing); null until signed. */
  returnUntil: string | null;
  timeline: TimelineView[];
  returns: ReturnView[];
}

const pad = (n: number) => String(n).padStart(2, '0');
/** `2026-11-15 10:00` in the operator's zone (Beijing time). */
export function localText(at: Date): string {
  const t = localTime(at);
  return `${t.year}-${pad(t.month)}-${pad(t.day)} ${pad(t.hour)}:${pad(t.minute)}`;
}

/** The end of the seventh day after the Beijing day the parcel was signed for: 24:00 that day. */
export function returnDeadline(deliveredAt: Date): Date {
  const t = localTime(deliveredAt);
  return zonedInstant(t.year, t.month, t.day + RETURN_DAYS + 1);
}

export function returnView(r: ReturnRequest): ReturnView {
  return {
    id: r.id, shipmentId: r.shipmentId, state: r.state, reason: r.reason, lines: r.lines, refundFen: r.refundFen, rejectReason: r.rejectReason,
    requestedAt: new Date(r.requestedAt).toISOString(), requestedAtLocal: localText(new Date(r.requestedAt)),
  };
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
const hashOf = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('base64url');

export class Delivery {
  private readonly owners: [string, ShipmentOwner][] = [];
  private readonly carriersByCode = new Map<string, Carrier>();

  constructor(private readonly deps: { db: Db; clock: Clock; audit: AuditLog; carriers: Carrier[] }) {
    for (const c of deps.carriers) this.addCarrier(c);
  }

  /** Registers the owner of the orders behind a reference prefix; the longest matching prefix wins. */
  register(prefix: string, owner: ShipmentOwner): void {
    this.owners.push([prefix, owner]);
    this.owners.sort((a, b) => b[0].length - a[0].length);
  }

  private ownerOf(ref: string): ShipmentOwner {
    const o = this.owners.find(([prefix]) => ref.startsWith(prefix))?.[1];
    if (!o) throw new Error(`no shipment owner registered for ${ref}`);
    return o;
  }

  /** Plugs a carrier in (an operator's own); the same code again replaces it. */
  addCarrier(c: Carrier): void {
    this.carriersByCode.set(c.code, c);
  }

  carriers(): { code: string; names: L10n; makesTrackingNumbers: boolean }[] {
    return [...this.carriersByCode.values()].map((c) => ({ code: c.code, names: c.names, makesTrackingNumbers: Boolean(c.trackingNumber) }));
  }

  private carrier(code: string): Carrier {
    const c = this.carriersByCode.get(code);
    if (!c) throw new AppError('CARRIER_NOT_FOUND');
    return c;
  }

  private run<T>(tx: Db | undefined, f: (q: Db) => Promise<T>): Promise<T> {
    return tx ? f(tx) : this.deps.db.transaction().execute(f);
  }

  private async event(q: Db, shipmentId: number, state: ShipmentState, note: L10n, at: Date, extra: { place?: string; carrier?: string; carrierEventId?: string; moved?: boolean } = {}): Promise<boolean> {
    const row = await q.insertInto('shipmentEvent').values({
      shipmentId, state, place: extra.place ?? null, noteZh: note['zh-CN'], noteEn: note.en, at, carrierEventId: extra.carrierEventId ?? null,
      carrier: extra.carrier ?? null, moved: extra.moved ?? true, receivedAt: this.deps.clock.now(),
    }).onConflict((oc) => oc.columns(['carrier', 'carrierEventId']).where(sql<boolean>`carrier_event_id is not null`).doNothing()).returning('id').executeTakeFirst();
    return Boolean(row);
  }

  /**
   * The shipment of an order, made when the order is placed (in checkout's transaction, `tx`).
   * The same reference again returns the first shipment, unchanged.
   */
  async createShipment(orderRef: string, input: NewShipment, tx?: Db): Promise<Shipment> {
    this.ownerOf(orderRef);
    const carrier = input.carrier ?? [...this.carriersByCode.keys()][0];
    if (!carrier) throw new AppError('CARRIER_NOT_FOUND');
    this.carrier(carrier);
    const codFen = input.codFen ?? 0;
    if (!Number.isInteger(codFen) || codFen < 0) throw new AppError('INVALID_INPUT', { detail: l10n('货到付款金额应为非负整数（分）', 'The cash on delivery must be whole fen, not below zero') });
    const at = this.deps.clock.now();
    const a = input.address;
    return this.run(tx, async (q) => {
      const row = await q.insertInto('shipment').values({
        orderRef, subscriberId: input.subscriberId, warehouse: input.warehouse, carrier, trackingNo: null,
        recipientName: a.name, recipientPhone: a.phone, province: a.province, city: a.city, district: a.district, addressDetail: a.detail,
        state: 'to_ship', codFen, shippedAt: null, deliveredAt: null, createdAt: at, updatedAt: at,
      }).onConflict((oc) => oc.column('orderRef').doNothing()).returningAll().executeTakeFirst();
      if (!row) return q.selectFrom('shipment').selectAll().where('orderRef', '=', orderRef).executeTakeFirstOrThrow();
      await this.event(q, row.id, 'to_ship', l10n(`订单已确认，等待${input.warehouse}发货`, `Order confirmed; waiting to leave warehouse ${input.warehouse}`), at);
      return row;
    });
  }

  /**
   * A shipment (SHIPMENT_NOT_FOUND). `lock`: its row taken `FOR UPDATE` in the caller's transaction,
   * as shipping and the carrier's events take it before the owner's order (so a caller who will
   * change the shipment after the order, like a refund, takes it first and never waits in a circle).
   */
  async get(id: number, q: Db = this.deps.db, lock = false): Promise<Shipment> {
    const sel = q.selectFrom('shipment').selectAll().where('id', '=', id);
    const s = await (lock ? sel.forUpdate() : sel).executeTakeFirst();
    if (!s) throw new AppError('SHIPMENT_NOT_FOUND');
    return s;
  }

  /**
   * The owner calls a parcel off before it leaves (an order refunded in full), in the owner's
   * transaction: a shipment still `to_ship` is `cancelled` for good, out of the warehouse's queue,
   * with the reason in its timeline; undefined when it is not to ship any more (on its way, or
   * cancelled already), and nothing changes.
   */
  async cancel(q: Db, id: number, reason: L10n): Promise<Shipment | undefined> {
    const at = this.deps.clock.now();
    const s = await q.updateTable('shipment').set({ state: 'cancelled', updatedAt: at }).where('id', '=', id).where('state', '=', 'to_ship').returningAll().executeTakeFirst();
    if (!s) return undefined;
    await this.event(q, id, 'cancelled', l10n(`已取消发货：${reason['zh-CN']}`, `Cancelled before it left: ${reason.en}`), at);
    await this.deps.audit.record(q, SYSTEM_ACTOR, { action: 'delivery.cancel', entityType: 'shipment', entityId: String(id), before: { state: 'to_ship' }, after: { state: 'cancelled' }, reason: reason['zh-CN'] }, at);
    return s;
  }

  /**
   * The owner's refund of a return was paid out, in the transaction that pays it (the payment's):
   * the return is `refunded` (from received or refunding), with the amount in the shipment's
   * timeline. A return of another shipment, or one refunded already, changes nothing (false).
   */
  async returnRefunded(q: Db, returnId: number, shipmentId: number): Promise<boolean> {
    const at = this.deps.clock.now();
    const done = await q.updateTable('returnRequest').set({ state: 'refunded', updatedAt: at })
      .where('id', '=', returnId).where('shipmentId', '=', shipmentId).where('state', 'in', ['received', 'refunding']).returningAll().executeTakeFirst();
    if (!done) return false;
    await this.event(q, shipmentId, 'returned', refundedNote(done.refundFen ?? 0), at);
    return true;
  }

  async byRef(orderRef: string): Promise<Shipment | undefined> {
    return this.deps.db.selectFrom('shipment').selectAll().where('orderRef', '=', orderRef).executeTakeFirst();
  }

  /**
   * Staff (ops) hand the parcel over: the carrier and its tracking number (made by the carrier when
   * it can). SHIPMENT_ALREADY_SHIPPED, or the owner's refusal (an order refunded in full).
   */
  async ship(actor: Actor, id: number, input: { carrier?: string; trackingNo?: string }): Promise<Shipment> {
    requireRole(actor, ['ops']);
    const at = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      const s = await tx.selectFrom('shipment').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (!s) throw new AppError('SHIPMENT_NOT_FOUND');
      const refused = s.state === 'to_ship' || s.state === 'cancelled' ? await this.ownerOf(s.orderRef).refusal?.(tx, s, 'ship') : undefined;
      if (refused) throw refused;
      if (s.state === 'cancelled') throw new AppError('SHIPMENT_CANCELLED');
      if (s.state !== 'to_ship') throw new AppError('SHIPMENT_ALREADY_SHIPPED');
      const carrier = this.carrier(input.carrier ?? s.carrier);
      const trackingNo = input.trackingNo ?? await carrier.trackingNumber?.(s);
      if (!trackingNo) throw new AppError('TRACKING_NO_REQUIRED');
      const taken = await tx.selectFrom('shipment').select('id').where('carrier', '=', carrier.code).where('trackingNo', '=', trackingNo).executeTakeFirst();
      if (taken) throw new AppError('TRACKING_NO_TAKEN');
      const after = await tx.updateTable('shipment').set({ carrier: carrier.code, trackingNo, state: 'shipped', shippedAt: at, updatedAt: at })
        .where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      await this.event(tx, id, 'shipped', l10n(`已从${s.warehouse}发出，${carrier.names['zh-CN']}运单号 ${trackingNo}`, `Left warehouse ${s.warehouse} with ${carrier.names.en}, tracking number ${trackingNo}`), at);
      await this.deps.audit.record(tx, actor, { action: 'delivery.ship', entityType: 'shipment', entityId: String(id), before: { state: s.state }, after: { state: 'shipped', carrier: carrier.code, trackingNo } }, at);
      return after;
    });
  }

  /** Whether a webhook body carries the carrier's signature; CARRIER_NOT_FOUND for a carrier we do not have. */
  verify(carrierCode: string, rawBody: string, signature: string | undefined): boolean {
    return verifyEvent(this.carrier(carrierCode), rawBody, signature);
  }

  /**
   * A carrier's (verified) event: recorded in the timeline once (its event id), moving the
   * shipment only forward. Five copies at once move it once: the shipment's row is locked first,
   * so they queue, and the copies find the first's event. `outcome`: moved, recorded (older or
   * sideways news, kept in the timeline), duplicate.
   */
  async carrierEvent(carrierCode: string, e: CarrierEvent): Promise<{ outcome: 'moved' | 'recorded' | 'duplicate'; shipment: Shipment }> {
    const carrier = this.carrier(carrierCode);
    const at = this.deps.clock.now();
    const r = await this.deps.db.transaction().execute(async (tx) => {
      const s = await tx.selectFrom('shipment').selectAll().where('carrier', '=', carrier.code).where('trackingNo', '=', e.trackingNo).forUpdate().executeTakeFirst();
      if (!s) throw new AppError('TRACKING_NOT_FOUND');
      const moves = movesForward(s.state, e.state);
      const note = e.note ?? defaultNote(e.state, e.place);
      const fresh = await this.event(tx, s.id, e.state, note, e.at, { place: e.place, carrier: carrier.code, carrierEventId: e.eventId, moved: moves });
      if (!fresh) return { outcome: 'duplicate' as const, shipment: s, refund: undefined };
      if (!moves) return { outcome: 'recorded' as const, shipment: s, refund: undefined };
      const after = await tx.updateTable('shipment').set({
        state: e.state, updatedAt: at,
        ...(e.state === 'delivered' ? { deliveredAt: e.at } : {}),
        ...(s.shippedAt === null ? { shippedAt: e.at } : {}),
      }).where('id', '=', s.id).returningAll().executeTakeFirstOrThrow();
      let refund: ReturnRequest | undefined;
      if (e.state === 'delivered') await this.ownerOf(s.orderRef).delivered(tx, after);
      if (e.state === 'returned') refund = await this.comeBack(tx, after, l10n('包裹未签收，已退回', 'The parcel came back unsigned'), `carrier:${carrier.code}:${e.eventId}`, at);
      return { outcome: 'moved' as const, shipment: after, refund };
    });
    if (r.shipment.state === 'delivered' && e.state === 'delivered') await this.ownerOf(r.shipment.orderRef).afterDelivered?.(r.shipment);
    if (r.refund) await this.settle(r.shipment, r.refund, SYSTEM_ACTOR).catch(() => undefined);
    return { outcome: r.outcome, shipment: r.shipment };
  }

  /** A parcel that came back unsigned: a return of its own, received at once, the owner deciding the refund. */
  private async comeBack(tx: Db, s: Shipment, reason: L10n, key: string, at: Date): Promise<ReturnRequest> {
    const r = await tx.insertInto('returnRequest').values({
      shipmentId: s.id, subscriberId: s.subscriberId, reason: `${reason['zh-CN']} · ${reason.en}`, lines: '[]', state: 'received', refundFen: null, rejectReason: null,
      idempotencyKey: key, requestHash: '', requestedAt: at, updatedAt: at,
    }).returningAll().executeTakeFirstOrThrow();
    const { refundFen } = await this.ownerOf(s.orderRef).returned(tx, s, r);
    return tx.updateTable('returnRequest').set({ refundFen }).where('id', '=', r.id).returningAll().executeTakeFirstOrThrow();
  }

  /**
   * The owner's refund, after the transaction that received the goods. Paid out: the return is
   * refunded (unless the owner's `returnRefunded` made it so already, inside the refund); asked for
   * but waiting (a second person's approval, the provider): `refunding`, never shown refunded
   * before the money is back. The staff action is audited with where the return then stands.
   */
  private async settle(s: Shipment, r: ReturnRequest, actor: Actor): Promise<ReturnRequest> {
    const outcome = (await this.ownerOf(s.orderRef).refund(s, r, actor)) ?? 'refunded';
    const at = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      const before = await tx.selectFrom('returnRequest').selectAll().where('id', '=', r.id).forUpdate().executeTakeFirstOrThrow();
      let now = before;
      if (outcome === 'refunding' && before.state === 'received') {
        now = await tx.updateTable('returnRequest').set({ state: 'refunding', updatedAt: at }).where('id', '=', r.id).returningAll().executeTakeFirstOrThrow();
        await this.event(tx, s.id, 'returned', l10n(`退款申请已提交，待审批或到账：${money(now.refundFen ?? 0)['zh-CN']}`, `Refund asked for, awaiting approval or the provider: ${money(now.refundFen ?? 0).en}`), at);
      } else if (outcome === 'refunded' && (before.state === 'received' || before.state === 'refunding')) {
        now = await tx.updateTable('returnRequest').set({ state: 'refunded', updatedAt: at }).where('id', '=', r.id).returningAll().executeTakeFirstOrThrow();
        await this.event(tx, s.id, 'returned', refundedNote(now.refundFen ?? 0), at);
      }
      await this.deps.audit.record(tx, actor, { action: 'delivery.return.refund', entityType: 'return_request', entityId: String(r.id), before: { state: r.state }, after: { state: now.state, refundFen: now.refundFen } }, at);
      return now;
    });
  }

  async timeline(shipmentId: number, q: Db = this.deps.db): Promise<ShipmentEvent[]> {
    return q.selectFrom('shipmentEvent').selectAll().where('shipmentId', '=', shipmentId).orderBy('at').orderBy('id').execute();
  }

  async returnsOf(shipmentId: number, q: Db = this.deps.db): Promise<ReturnRequest[]> {
    return q.selectFrom('returnRequest').selectAll().where('shipmentId', '=', shipmentId).orderBy('id').execute();
  }

  async returnRow(id: number, q: Db = this.deps.db): Promise<ReturnRequest> {
    const r = await q.selectFrom('returnRequest').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw new AppError('RETURN_NOT_FOUND');
    return r;
  }

  /** A shipment with its timeline and returns, as subscribers and staff read it. */
  async view(s: Shipment): Promise<ShipmentView> {
    const [events, returns] = await Promise.all([this.timeline(s.id), this.returnsOf(s.id)]);
    const c = this.carriersByCode.get(s.carrier);
    return {
      id: s.id, orderRef: s.orderRef, state: s.state, warehouse: s.warehouse, carrier: s.carrier, carrierNames: c?.names ?? l10n(s.carrier, s.carrier),
      trackingNo: s.trackingNo,
      address: { name: s.recipientName, phone: s.recipientPhone, province: s.province, city: s.city, district: s.district, detail: s.addressDetail },
      codFen: s.codFen, shippedAt: iso(s.shippedAt), deliveredAt: iso(s.deliveredAt),
      returnUntil: s.deliveredAt ? returnDeadline(new Date(s.deliveredAt)).toISOString() : null,
      timeline: events.map((e) => ({ state: e.state, place: e.place, note: l10n(e.noteZh, e.noteEn), at: new Date(e.at).toISOString(), atLocal: localText(new Date(e.at)) })),
      returns: returns.map(returnView),
    };
  }

  /** The subscriber's shipments, newest first. */
  async ofSubscriber(subscriberId: number, limit = 50): Promise<Shipment[]> {
    return this.deps.db.selectFrom('shipment').selectAll().where('subscriberId', '=', subscriberId).orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }

  /** One of the subscriber's shipments; SHIPMENT_NOT_FOUND for anyone else's. */
  async ofSubscriberOne(id: number, subscriberId: number): Promise<Shipment> {
    const s = await this.deps.db.selectFrom('shipment').selectAll().where('id', '=', id).where('subscriberId', '=', subscriberId).executeTakeFirst();
    if (!s) throw new AppError('SHIPMENT_NOT_FOUND');
    return s;
  }

  /**
   * The subscriber asks to return a signed-for parcel (七天无理由): until the end of the seventh
   * Beijing day after signing, else RETURN_WINDOW_CLOSED. One open return per shipment; none the
   * owner refuses (an order refunded in full: ORDER_REFUNDED). The same
   * Idempotency-Key is the same request; another request under it IDEMPOTENCY_KEY_REUSED.
   */
  async requestReturn(subscriberId: number, shipmentId: number, input: { reason: string; lines?: ReturnLine[] }, idempotencyKey: string): Promise<{ request: ReturnRequest; replayed: boolean }> {
    const lines = input.lines ?? [];
    const requestHash = hashOf([shipmentId, input.reason, lines]);
    const first = await this.deps.db.selectFrom('returnRequest').selectAll().where('subscriberId', '=', subscriberId).where('idempotencyKey', '=', idempotencyKey).executeTakeFirst();
    if (first) {
      if (first.requestHash !== requestHash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
      return { request: first, replayed: true };
    }
    const at = this.deps.clock.now();
    const made = await this.deps.db.transaction().execute(async (tx) => {
      const s = await tx.selectFrom('shipment').selectAll().where('id', '=', shipmentId).where('subscriberId', '=', subscriberId).forUpdate().executeTakeFirst();
      if (!s) throw new AppError('SHIPMENT_NOT_FOUND');
      // The same key racing itself: the first holds the row lock; the second finds its request here.
      const again = await tx.selectFrom('returnRequest').selectAll().where('subscriberId', '=', subscriberId).where('idempotencyKey', '=', idempotencyKey).executeTakeFirst();
      if (again) return again.requestHash === requestHash ? { request: again, replayed: true } : 'reused' as const;
      const refused = await this.ownerOf(s.orderRef).refusal?.(tx, s, 'return');
      if (refused) throw refused;
      if (s.state !== 'delivered' || !s.deliveredAt) throw new AppError(s.state === 'returned' ? 'RETURN_ALREADY_OPEN' : 'SHIPMENT_NOT_DELIVERED');
      const until = returnDeadline(new Date(s.deliveredAt));
      if (at.getTime() >= until.getTime()) throw new AppError('RETURN_WINDOW_CLOSED', { extra: { returnUntil: until.toISOString() } });
      const open = await tx.selectFrom('returnRequest').select('id').where('shipmentId', '=', s.id).where('state', '<>', 'rejected').executeTakeFirst();
      if (open) throw new AppError('RETURN_ALREADY_OPEN');
      const request = await tx.insertInto('returnRequest').values({
        shipmentId: s.id, subscriberId, reason: input.reason, lines: JSON.stringify(lines), state: 'requested', refundFen: null, rejectReason: null,
        idempotencyKey, requestHash, requestedAt: at, updatedAt: at,
      }).returningAll().executeTakeFirstOrThrow();
      await this.event(tx, s.id, 'delivered', l10n(`已申请七天无理由退货：${input.reason}`, `Return requested (7 days, no reason needed): ${input.reason}`), at);
      return { request, replayed: false };
    });
    if (made === 'reused') throw new AppError('IDEMPOTENCY_KEY_REUSED');
    return made;
  }

  private async moveReturn(actor: Actor, id: number, from: ReturnState, to: ReturnState, action: string, note: (s: Shipment) => L10n, extra: { rejectReason?: string } = {}) {
    requireRole(actor, ['ops']);
    const at = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      const r = await tx.selectFrom('returnRequest').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (!r) throw new AppError('RETURN_NOT_FOUND');
      if (r.state !== from) throw new AppError('RETURN_NOT_IN_STATE', { extra: { state: r.state } });
      let s = await tx.selectFrom('shipment').selectAll().where('id', '=', r.shipmentId).forUpdate().executeTakeFirstOrThrow();
      let moved = await tx.updateTable('returnRequest').set({ state: to, updatedAt: at, ...(extra.rejectReason ? { rejectReason: extra.rejectReason } : {}) })
        .where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      if (to === 'received') {
        s = await tx.updateTable('shipment').set({ state: 'returned', updatedAt: at }).where('id', '=', s.id).returningAll().executeTakeFirstOrThrow();
        const { refundFen } = await this.ownerOf(s.orderRef).returned(tx, s, moved);
        if (!Number.isInteger(refundFen) || refundFen < 0) throw new Error(`the owner of ${s.orderRef} decided a refund of ${refundFen}`);
        moved = await tx.updateTable('returnRequest').set({ refundFen }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      }
      await this.event(tx, s.id, s.state, note(s), at);
      await this.deps.audit.record(tx, actor, { action, entityType: 'return_request', entityId: String(id), before: { state: from }, after: { state: to, ...(moved.refundFen !== null ? { refundFen: moved.refundFen } : {}) }, ...(extra.rejectReason ? { reason: extra.rejectReason } : {}) }, at);
      return { request: moved, shipment: s };
    });
  }

  /** Staff (ops) accept a return: the subscriber sends the goods back. */
  async approveReturn(actor: Actor, id: number): Promise<ReturnRequest> {
    return (await this.moveReturn(actor, id, 'requested', 'approved', 'delivery.return.approve', () => l10n('退货申请已通过，请寄回商品', 'Return approved; please send the goods back'))).request;
  }

  /** Staff (ops) refuse a return, with the reason the subscriber is shown. */
  async rejectReturn(actor: Actor, id: number, reason: string): Promise<ReturnRequest> {
    return (await this.moveReturn(actor, id, 'requested', 'rejected', 'delivery.return.reject', () => l10n(`退货申请未通过：${reason}`, `Return refused: ${reason}`), { rejectReason: reason })).request;
  }

  /**
   * Staff (ops) have the goods back: the shipment is returned, the owner decides the refund in
   * that transaction and issues it after; a failed refund leaves the return `received`.
   */
  async receiveReturn(actor: Actor, id: number): Promise<ReturnRequest> {
    const r = await this.moveReturn(actor, id, 'approved', 'received', 'delivery.return.received', () => l10n('退回商品已入库', 'The returned goods are back in the warehouse'));
    try {
      return await this.settle(r.shipment, r.request, actor);
    } catch {
      return this.returnRow(id);
    }
  }

  /**
   * Staff (ops) run a return's refund again: a received one (the owner's refund failed the first
   * time), or one refunding (its refund may have been rejected by the second person since; the
   * owner asks again only then, else answers where it stands).
   */
  async refundReturn(actor: Actor, id: number): Promise<ReturnRequest> {
    requireRole(actor, ['ops']);
    const r = await this.returnRow(id);
    if (r.state !== 'received' && r.state !== 'refunding') throw new AppError('RETURN_NOT_IN_STATE', { extra: { state: r.state } });
    return this.settle(await this.get(r.shipmentId), r, actor);
  }

  /** The console's search: by state, order reference, tracking number or subscriber; newest first. */
  async search(f: { state?: ShipmentState; orderRef?: string; trackingNo?: string; subscriberId?: number; limit?: number }): Promise<Shipment[]> {
    let q = this.deps.db.selectFrom('shipment').selectAll().orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(Math.min(f.limit ?? 50, 200));
    if (f.state) q = q.where('state', '=', f.state);
    if (f.orderRef) q = q.where('orderRef', '=', f.orderRef);
    if (f.trackingNo) q = q.where('trackingNo', '=', f.trackingNo);
    if (f.subscriberId !== undefined) q = q.where('subscriberId', '=', f.subscriberId);
    return q.execute();
  }

  /** The returns queue: by state (requested first for staff), oldest first. */
  async returns(f: { state?: ReturnState; limit?: number }): Promise<ReturnRequest[]> {
    let q = this.deps.db.selectFrom('returnRequest').selectAll().orderBy('requestedAt').orderBy('id').limit(Math.min(f.limit ?? 50, 200));
    if (f.state) q = q.where('state', '=', f.state);
    return q.execute();
  }
}

function refundedNote(fen: number): L10n {
  return l10n(`退款已办理：${money(fen)['zh-CN']}`, `Refunded: ${money(fen).en}`);
}

function defaultNote(state: ShipmentState, place: string | undefined): L10n {
  const at = place ? l10n(`（${place}）`, ` (${place})`) : l10n('', '');
  switch (state) {
    case 'shipped': return l10n(`快递已揽收${at['zh-CN']}`, `Picked up by the carrier${at.en}`);
    case 'in_transit': return l10n(`运输中${at['zh-CN']}`, `In transit${at.en}`);
    case 'delivered': return l10n(`已签收${at['zh-CN']}`, `Signed for${at.en}`);
    case 'returned': return l10n(`包裹已退回${at['zh-CN']}`, `Returned to the sender${at.en}`);
    default: return l10n('待发货', 'To ship');
  }
}
