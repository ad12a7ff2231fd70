// Stock per SKU and warehouse. saleable = on hand − reserved − safety stock (per warehouse, never
// below zero). An open order reserves stock with an expiry (`reserve`), then `commit`s it when paid
// (it leaves on hand) or `release`s it; reservations not settled in time are released by
// `releaseExpired`, which every node runs (FOR UPDATE SKIP LOCKED: each batch to one node).
// A reservation is one conditional UPDATE of a level row (`… where on_hand - reserved - safety >= n`):
// PostgreSQL re-checks the condition on the row as it stands after any concurrent change commits, so
// no amount of concurrency takes stock below zero, and the table's checks hold it to that too.
// Every method that checkout uses takes an optional transaction (its own), or runs in one of ours.
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n } from '../../platform/i18n.ts';
import type { Clock } from '../../platform/ports.ts';
import { requireRole, type Actor, type AuditLog } from '../../platform/audit.ts';
import type { MovementKind, ReservationRow, ReservationStatus } from './tables.ts';

const ROLES = ['product', 'ops'] as const;
/** Most of one SKU on one order line. */
export const MAX_LINE_QUANTITY = 99;
/** Most of one SKU a seller's lot (a flash sale) may reserve. */
export const MAX_LOT_QUANTITY = 1_000_000;

export interface StockSummary { onHand: number; reserved: number; safety: number; saleable: number }
export interface WarehouseStock extends StockSummary { warehouseId: string; names: { 'zh-CN': string; en: string }; city: string }
export interface ReservationView { id: number; ref: string; skuId: number; warehouseId: string; quantity: number; status: ReservationStatus; expiresAt: string }
export interface ReserveLine { skuId: number; quantity: number }

const saleableOf = (l: { onHand: number; reserved: number; safety: number }) => Math.max(0, l.onHand - l.reserved - l.safety);
const view = (r: ReservationRow): ReservationView => ({ id: r.id, ref: r.ref, skuId: r.skuId, warehouseId: r.warehouseId, quantity: r.quantity, status: r.status, expiresAt: new Date(r.expiresAt).toISOString() });

function inTx<T>(q: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  return q.isTransaction ? work(q) : q.transaction().execute(work);
}

/** INVALID_QUANTITY unless a whole number from 1 to 99. */
export function checkQuantity(n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_LINE_QUANTITY) throw new AppError('INVALID_QUANTITY');
  return n;
}

export const adjustmentSchema = z.object({
  skuId: z.number().int().positive(),
  warehouseId: z.string().min(1).max(20),
  /** `receive` adds `quantity` to on hand; `count` sets on hand to the counted `quantity`; `safety` sets the safety stock. */
  kind: z.enum(['receive', 'count', 'safety']),
  quantity: z.number().int().min(0).max(10_000_000),
  reason: z.string().trim().min(1).max(500),
}).strict();
export type Adjustment = z.input<typeof adjustmentSchema>;

export class InventoryService {
  constructor(private readonly deps: { db: Db; clock: Clock; audit: AuditLog; skuExists?: (id: number) => Promise<boolean> }) {}

  async warehouses(q: Db = this.deps.db) {
    return (await q.selectFrom('warehouse').selectAll().orderBy('id').execute()).map((w) => ({ id: w.id, names: l10n(w.nameZh, w.nameEn), city: w.city }));
  }

  /** Adds a warehouse (admin or ops); audited. */
  async addWarehouse(actor: Actor, input: { id: string; nameZh: string; nameEn: string; city: string }): Promise<void> {
    requireRole(actor, ['ops']);
    const w = z.object({ id: z.string().regex(/^[A-Z0-9-]{1,20}$/), nameZh: z.string().trim().min(1).max(20), nameEn: z.string().trim().min(1).max(40), city: z.string().trim().min(1).max(20) }).strict().safeParse(input);
    if (!w.success) throw new AppError('INVALID_INPUT', { extra: { path: w.error.issues[0]!.path.join('.') } });
    const at = this.deps.clock.now();
    await this.deps.db.transaction().execute(async (tx) => {
      const r = await tx.insertInto('warehouse').values(w.data).onConflict((oc) => oc.column('id').doNothing()).returning('id').executeTakeFirst();
      if (!r) throw new AppError('CONFLICT');
      await this.deps.audit.record(tx, actor, { action: 'stock.warehouse.create', entityType: 'warehouse', entityId: w.data.id, after: w.data }, at);
    });
  }

  /** Each SKU's stock summed over its warehouses; a SKU with no stock anywhere has zeros. */
  async levels(skuIds: readonly number[], q: Db = this.deps.db): Promise<Map<number, StockSummary>> {
    const out = new Map<number, StockSummary>(skuIds.map((id) => [id, { onHand: 0, reserved: 0, safety: 0, saleable: 0 }]));
    if (!skuIds.length) return out;
    const rows = await q.selectFrom('stockLevel').select(['skuId', 'onHand', 'reserved', 'safety']).where('skuId', 'in', [...skuIds]).execute();
    for (const r of rows) {
      const s = out.get(r.skuId)!;
      s.onHand += r.onHand; s.reserved += r.reserved; s.safety += r.safety; s.saleable += saleableOf(r);
    }
    return out;
  }

  /** What can be sold of one SKU now, over all warehouses. */
  async saleable(skuId: number, q: Db = this.deps.db): Promise<number> {
    return (await this.levels([skuId], q)).get(skuId)!.saleable;
  }

  /** One SKU's stock in each warehouse that holds it. */
  async byWarehouse(skuId: number, q: Db = this.deps.db): Promise<WarehouseStock[]> {
    const rows = await q.selectFrom('stockLevel as l').innerJoin('warehouse as w', 'w.id', 'l.warehouseId')
      .select(['l.warehouseId', 'l.onHand', 'l.reserved', 'l.safety', 'w.nameZh', 'w.nameEn', 'w.city']).where('l.skuId', '=', skuId).orderBy('l.warehouseId').execute();
    return rows.map((r) => ({ warehouseId: r.warehouseId, names: l10n(r.nameZh, r.nameEn), city: r.city, onHand: r.onHand, reserved: r.reserved, safety: r.safety, saleable: saleableOf(r) }));
  }

  /**
   * Reserves stock for an order (`ref`, e.g. `order:1234`) until `expiresAt`: each line from the
   * warehouses that have it (in warehouse order, split when one has too little), in the caller's
   * transaction when given one. Lines are taken in SKU order, so two orders never wait on each other
   * in a circle. OUT_OF_STOCK (with `skuId` and `saleable`) and nothing reserved when any line is
   * short; INVALID_QUANTITY for a quantity that is not 1–99. The same ref again returns what it
   * holds (idempotent); STOCK_RESERVATION_EXPIRED if its reservation has already lapsed. `fresh`:
   * the ref was made in the caller's transaction (an order just written), so it holds nothing and
   * nobody else can reserve under it: neither looked for nor locked.
   */
  async reserve(ref: string, lines: readonly ReserveLine[], expiresAt: Date, q: Db = this.deps.db, opts: { fresh?: boolean } = {}): Promise<ReservationView[]> {
    const merged = new Map<number, number>();
    for (const l of lines) merged.set(l.skuId, (merged.get(l.skuId) ?? 0) + checkQuantity(l.quantity));
    for (const n of merged.values()) checkQuantity(n);
    return this.take(ref, [...merged.entries()].sort((a, b) => a[0] - b[0]), expiresAt, q, opts.fresh);
  }

  /**
   * Reserves a seller's lot of one SKU (a flash sale's quantity, `flash:<id>`), more than an order
   * line's 99: the same rules as `reserve` otherwise (warehouse order, OUT_OF_STOCK with nothing
   * held, the same ref again returns what it holds). It is ended by `settle`, `release` or expiry.
   * INVALID_QUANTITY unless a whole number from 1 to 1,000,000.
   */
  async reserveLot(ref: string, skuId: number, quantity: number, expiresAt: Date, q: Db = this.deps.db): Promise<ReservationView[]> {
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_LOT_QUANTITY) throw new AppError('INVALID_QUANTITY', { detail: l10n('数量应为1至1000000的整数', 'The quantity must be a whole number from 1 to 1,000,000') });
    return this.take(ref, [[skuId, quantity]], expiresAt, q);
  }

  /**
   * Ends a lot's reservation when its seller knows how much of it sold: `commitQuantity` leaves on
   * hand (taken from its warehouses in warehouse order), the rest is saleable again. Each
   * reservation row then holds what it committed (`committed`), or is `released` when none of it
   * sold. Settling again returns the settled rows; INVALID_QUANTITY when `commitQuantity` is more
   * than is held (or not a whole number), STOCK_RESERVATION_EXPIRED when the hold lapsed first,
   * RESERVATION_NOT_FOUND for a ref that never reserved.
   */
  async settle(ref: string, commitQuantity: number, q: Db = this.deps.db): Promise<ReservationView[]> {
    if (!Number.isInteger(commitQuantity) || commitQuantity < 0) throw new AppError('INVALID_QUANTITY', { detail: l10n('结算数量应为不小于0的整数', 'The quantity settled must be a whole number, 0 or more') });
    const at = this.deps.clock.now();
    return inTx(q, async (tx) => {
      const rows = await tx.selectFrom('stockReservation').selectAll().where('ref', '=', ref).orderBy('skuId').orderBy('warehouseId').forUpdate().execute();
      if (!rows.length) throw new AppError('RESERVATION_NOT_FOUND');
      const held = rows.filter((r) => r.status === 'held');
      if (!held.length) {
        if (rows.some((r) => r.status === 'expired')) throw new AppError('STOCK_RESERVATION_EXPIRED');
        return rows.map(view);
      }
      if (commitQuantity > held.reduce((n, r) => n + r.quantity, 0)) throw new AppError('INVALID_QUANTITY', { detail: l10n('结算数量超过了预占数量', 'More settled than is held') });
      let left = commitQuantity;
      const out: ReservationView[] = [];
      for (const r of held) {
        const commit = Math.min(left, r.quantity);
        left -= commit;
        await tx.updateTable('stockLevel').set((eb) => ({ onHand: eb('onHand', '-', commit), reserved: eb('reserved', '-', r.quantity), updatedAt: at }))
          .where('skuId', '=', r.skuId).where('warehouseId', '=', r.warehouseId).execute();
        out.push(view(await tx.updateTable('stockReservation').set(commit > 0 ? { status: 'committed', quantity: commit, settledAt: at } : { status: 'released', settledAt: at })
          .where('id', '=', r.id).returningAll().executeTakeFirstOrThrow()));
      }
      return out;
    });
  }

  private async take(ref: string, sorted: readonly (readonly [number, number])[], expiresAt: Date, q: Db, fresh = false): Promise<ReservationView[]> {
    if (!sorted.length) return [];
    const at = this.deps.clock.now();
    return inTx(q, async (tx) => {
      if (!fresh) {
        await sql`select pg_advisory_xact_lock(hashtext(${`stock.ref:${ref}`}))`.execute(tx);
        const had = await tx.selectFrom('stockReservation').selectAll().where('ref', '=', ref).orderBy('id').execute();
        if (had.length) {
          if (had.every((h) => h.status === 'released' || h.status === 'expired')) throw new AppError('STOCK_RESERVATION_EXPIRED');
          return had.filter((h) => h.status === 'held' || h.status === 'committed').map(view);
        }
      }
      // What is taken from each warehouse, written as the reservations once every line is held.
      const taken: { skuId: number; warehouseId: string; quantity: number }[] = [];
      const all = await tx.selectFrom('stockLevel').select(['skuId', 'warehouseId', 'onHand', 'reserved', 'safety'])
        .where('skuId', 'in', sorted.map(([skuId]) => skuId)).orderBy('skuId').orderBy('warehouseId').execute();
      try {
        for (const [skuId, quantity] of sorted) {
          let left = quantity;
          for (const level of all.filter((l) => l.skuId === skuId)) {
            let free = saleableOf(level);
            // A concurrent order may take some between our read and our update: re-read and try the rest.
            while (left > 0 && free > 0) {
              const take = Math.min(left, free);
              const got = await tx.updateTable('stockLevel').set((eb) => ({ reserved: eb('reserved', '+', take), updatedAt: at }))
                .where('skuId', '=', skuId).where('warehouseId', '=', level.warehouseId)
                .where(sql<boolean>`on_hand - reserved - safety >= ${take}`).returning(['onHand']).executeTakeFirst();
              if (got) {
                taken.push({ skuId, warehouseId: level.warehouseId, quantity: take });
                left -= take;
                break;
              }
              const now = await tx.selectFrom('stockLevel').select(['onHand', 'reserved', 'safety']).where('skuId', '=', skuId).where('warehouseId', '=', level.warehouseId).executeTakeFirstOrThrow();
              free = saleableOf(now);
            }
            if (left === 0) break;
          }
          if (left > 0) {
            throw new AppError('OUT_OF_STOCK', { extra: { skuId, saleable: quantity - left + (await this.saleable(skuId, tx)) } });
          }
        }
      } catch (e) {
        // Put back what this call took: the caller may go on with its transaction after the refusal.
        for (const t of taken) {
          await tx.updateTable('stockLevel').set((eb) => ({ reserved: eb('reserved', '-', t.quantity) })).where('skuId', '=', t.skuId).where('warehouseId', '=', t.warehouseId).execute();
        }
        throw e;
      }
      const rows = await tx.insertInto('stockReservation')
        .values(taken.map((t) => ({ ref, skuId: t.skuId, warehouseId: t.warehouseId, quantity: t.quantity, status: 'held' as const, expiresAt, createdAt: at, settledAt: null })))
        .returningAll().execute();
      return rows.sort((x, y) => Number(x.id) - Number(y.id)).map(view);
    });
  }

  /**
   * The order was paid: its held stock leaves on hand. Committing again returns what was committed;
   * STOCK_RESERVATION_EXPIRED when the reservation lapsed first (the order must be refunded or made
   * again), RESERVATION_NOT_FOUND for a ref that never reserved.
   */
  commit(ref: string, q: Db = this.deps.db): Promise<ReservationView[]> {
    return this.finish(ref, 'committed', q);
  }

  /** The order was cancelled or failed: its held stock is saleable again. Nothing held: nothing done. */
  async release(ref: string, q: Db = this.deps.db): Promise<ReservationView[]> {
    try {
      return await this.finish(ref, 'released', q);
    } catch (e) {
      if (e instanceof AppError && (e.code === 'RESERVATION_NOT_FOUND' || e.code === 'STOCK_RESERVATION_EXPIRED')) return [];
      throw e;
    }
  }

  private finish(ref: string, to: 'committed' | 'released', q: Db): Promise<ReservationView[]> {
    const at = this.deps.clock.now();
    return inTx(q, async (tx) => {
      const rows = await tx.selectFrom('stockReservation').selectAll().where('ref', '=', ref).orderBy('skuId').orderBy('warehouseId').forUpdate().execute();
      if (!rows.length) throw new AppError('RESERVATION_NOT_FOUND');
      const held = rows.filter((r) => r.status === 'held');
      if (!held.length) {
        const done = rows.filter((r) => r.status === to);
        if (done.length) return done.map(view);
        throw new AppError(to === 'committed' && rows.some((r) => r.status === 'expired' || r.status === 'released') ? 'STOCK_RESERVATION_EXPIRED' : 'RESERVATION_NOT_FOUND');
      }
      for (const r of held) {
        await tx.updateTable('stockLevel').set((eb) => (to === 'committed'
          ? { onHand: eb('onHand', '-', r.quantity), reserved: eb('reserved', '-', r.quantity), updatedAt: at }
          : { reserved: eb('reserved', '-', r.quantity), updatedAt: at }))
          .where('skuId', '=', r.skuId).where('warehouseId', '=', r.warehouseId).execute();
      }
      const out = await tx.updateTable('stockReservation').set({ status: to, settledAt: at }).where('id', 'in', held.map((h) => h.id)).returningAll().execute();
      return out.map(view);
    });
  }

  /** The reservations an order holds or held. */
  async reservations(ref: string, q: Db = this.deps.db): Promise<ReservationView[]> {
    return (await q.selectFrom('stockReservation').selectAll().where('ref', '=', ref).orderBy('id').execute()).map(view);
  }

  /**
   * Releases reservations whose time is up, a batch at a time (returns how many); every node may run
   * it at once: each takes rows the others have not locked.
   */
  async releaseExpired(limit = 500): Promise<number> {
    const at = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      const due = await sql<{ skuId: number; warehouseId: string; quantity: number }>`
        update stock_reservation r set status = 'expired', settled_at = ${at}
        from (select id from stock_reservation where status = 'held' and expires_at <= ${at} order by expires_at limit ${limit} for update skip locked) d
        where r.id = d.id
        returning r.sku_id as "skuId", r.warehouse_id as "warehouseId", r.quantity`.execute(tx);
      const sums = new Map<string, { skuId: number; warehouseId: string; quantity: number }>();
      for (const d of due.rows) {
        const k = `${String(d.skuId).padStart(10, '0')}/${d.warehouseId}`;
        const s = sums.get(k) ?? { skuId: d.skuId, warehouseId: d.warehouseId, quantity: 0 };
        s.quantity += d.quantity;
        sums.set(k, s);
      }
      for (const k of [...sums.keys()].sort()) {
        const s = sums.get(k)!;
        await tx.updateTable('stockLevel').set((eb) => ({ reserved: eb('reserved', '-', s.quantity), updatedAt: at })).where('skuId', '=', s.skuId).where('warehouseId', '=', s.warehouseId).execute();
      }
      return due.rows.length;
    });
  }

  /**
   * A staff adjustment with its reason: goods received, a stock count's correction, or the safety
   * stock set. A count below what open orders hold is refused (STOCK_BELOW_RESERVED). Audited.
   */
  async adjust(actor: Actor, input: Adjustment): Promise<WarehouseStock> {
    requireRole(actor, ROLES);
    const qty = (input as { quantity?: unknown } | null)?.quantity;
    if (typeof qty === 'number' && (!Number.isInteger(qty) || qty < 0)) throw new AppError('INVALID_QUANTITY', { detail: l10n('数量应为不小于0的整数', 'The quantity must be a whole number, 0 or more') });
    const p = adjustmentSchema.safeParse(input);
    if (!p.success) {
      const i = p.error.issues[0]!;
      throw new AppError('INVALID_INPUT', { detail: l10n(`库存调整有误：${i.path.join('.')}（${i.message}）`, `Invalid adjustment at ${i.path.join('.')}: ${i.message}`), extra: { path: i.path.join('.') } });
    }
    const a = p.data;
    if (a.kind === 'receive' && a.quantity === 0) throw new AppError('INVALID_QUANTITY', { detail: l10n('入库数量至少为1', 'Receive at least one') });
    if (this.deps.skuExists && !(await this.deps.skuExists(a.skuId))) throw new AppError('SKU_NOT_FOUND');
    return this.deps.db.transaction().execute((tx) => this.apply(tx, actor, a));
  }

  /**
   * Goods that came back to a warehouse, received in the caller's transaction (`q`): a return's
   * goods once they are back, a refunded order's parcel that never left. The same movement and
   * audit as a staff `receive`; the SKU is one an order sold, so it is not looked up again.
   */
  async putBack(q: Db, actor: Actor, input: { skuId: number; warehouseId: string; quantity: number; reason: string }): Promise<void> {
    requireRole(actor, ROLES);
    checkQuantity(input.quantity);
    const a = adjustmentSchema.parse({ ...input, kind: 'receive' });
    await inTx(q, (tx) => this.apply(tx, actor, a));
  }

  private async apply(tx: Db, actor: Actor, a: z.output<typeof adjustmentSchema>): Promise<WarehouseStock> {
    const at = this.deps.clock.now();
    if (!(await tx.selectFrom('warehouse').select('id').where('id', '=', a.warehouseId).executeTakeFirst())) throw new AppError('WAREHOUSE_NOT_FOUND');
    await tx.insertInto('stockLevel').values({ skuId: a.skuId, warehouseId: a.warehouseId, onHand: 0, reserved: 0, safety: 0, updatedAt: at })
      .onConflict((oc) => oc.columns(['skuId', 'warehouseId']).doNothing()).execute();
    const before = await tx.selectFrom('stockLevel').selectAll().where('skuId', '=', a.skuId).where('warehouseId', '=', a.warehouseId).forUpdate().executeTakeFirstOrThrow();
    let onHand = before.onHand;
    let safety = before.safety;
    if (a.kind === 'receive') onHand += a.quantity;
    else if (a.kind === 'count') {
      if (a.quantity < before.reserved) throw new AppError('STOCK_BELOW_RESERVED', { extra: { reserved: before.reserved } });
      onHand = a.quantity;
    } else safety = a.quantity;
    await tx.updateTable('stockLevel').set({ onHand, safety, updatedAt: at }).where('skuId', '=', a.skuId).where('warehouseId', '=', a.warehouseId).execute();
    await tx.insertInto('stockMovement').values({ skuId: a.skuId, warehouseId: a.warehouseId, kind: a.kind as MovementKind, delta: onHand - before.onHand, onHandAfter: onHand, safetyAfter: safety, reason: a.reason, actorId: actor.id, at }).execute();
    await this.deps.audit.record(tx, actor, {
      action: `stock.${a.kind}`, entityType: 'stock_level', entityId: `${a.skuId}/${a.warehouseId}`,
      before: { onHand: before.onHand, reserved: before.reserved, safety: before.safety }, after: { onHand, reserved: before.reserved, safety }, reason: a.reason,
    }, at);
    return (await this.byWarehouse(a.skuId, tx)).find((w) => w.warehouseId === a.warehouseId)!;
  }

  /** A SKU's movements by staff, newest first. */
  async movements(skuId: number, q: Db = this.deps.db) {
    const rows = await q.selectFrom('stockMovement').selectAll().where('skuId', '=', skuId).orderBy('id', 'desc').limit(200).execute();
    return rows.map((r) => ({ id: r.id, warehouseId: r.warehouseId, kind: r.kind, delta: r.delta, onHandAfter: r.onHandAfter, safetyAfter: r.safetyAfter, reason: r.reason, actorId: r.actorId, at: new Date(r.at).toISOString() }));
  }
}
