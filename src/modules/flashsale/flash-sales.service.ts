// Flash sales (秒杀): a SKU at a price, a quantity, a window and a limit per buyer. Staff (product or
// marketing) create one; a second person approves it, which holds its quantity in the inventory
// (`flash:<id>`) and splits it into shard rows (stock-shards.ts). A buyer wins a unit and gets an
// order awaiting payment in one transaction (checkout's `placeHeldMany`, the buyers asking at once
// served together: buy-batches.ts), or SOLD_OUT / LIMIT_REACHED /
// NOT_STARTED / ENDED and nothing at all; payment comes after, from the order. An order that ends
// unpaid gives its unit back to a shard, so it goes on sale again. After the end, when no order
// awaits payment any more, the sale is settled: what sold leaves the stock, the rest is released.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n, type L10n } from '../../platform/i18n.ts';
import type { Clock, Random } from '../../platform/ports.ts';
import { requireRole, SYSTEM_ACTOR, type Actor, type AuditLog } from '../../platform/audit.ts';
import type { Goods } from '../goods/index.ts';
import type { InventoryService } from '../inventory/index.ts';
import { checkArea, type Address } from '../checkout/index.ts';
import { localText } from '../delivery/index.ts';
import { anyLeft, createShards, giveBack, remainingOf, takeUnits } from './stock-shards.ts';
import { Batches, type BatchAsk } from './buy-batches.ts';
import type { FlashSaleRow, FlashSaleStatus, PurchaseState } from './tables.ts';

const ROLES = ['product', 'marketing'] as const;
const MIN = 60_000;
/** How long a winner has to pay (the order's payBy is set by checkout: placed + 15 minutes). */
export const PAY_WITHIN_MS = 15 * MIN;
/**
 * How long after its end the inventory holds a sale's quantity: its last orders' 15 minutes to pay,
 * and a day's margin for the settlement job to find every order ended (it settles within seconds
 * of that normally; the margin only keeps a late settlement from finding its hold lapsed).
 */
export const HOLD_AFTER_END_MS = PAY_WITHIN_MS + 24 * 60 * MIN;
const LONGEST_SALE_MS = 7 * 24 * 60 * MIN;

/** `flash:<id>`: the inventory hold's ref and the orders' source. */
export const flashRef = (saleId: number) => `flash:${saleId}`;

const isoInstant = z.iso.datetime({ offset: true });
export const flashSaleInputSchema = z.object({
  skuId: z.number().int().positive().max(2_147_483_647),
  quantity: z.number().int().min(1).max(100_000),
  priceFen: z.number().int().min(1).max(100_000_000).describe('The flash price in fen, at most the SKU\'s sale price'),
  startsAt: isoInstant,
  endsAt: isoInstant,
  perSubscriberLimit: z.number().int().min(1).max(10).default(1),
}).strict();
export type FlashSaleInput = z.input<typeof flashSaleInputSchema>;

/** pending and rejected are staff's alone; the public sees upcoming, live and ended sales. */
export type FlashSalePhase = 'pending' | 'rejected' | 'upcoming' | 'live' | 'ended' | 'settled';

export interface FlashSaleView {
  id: number;
  productId: number;
  skuId: number;
  names: L10n;
  attrs: Record<string, string>;
  image: string | null;
  /** The SKU's list price (划线价) and its usual sale price, beside the flash price. */
  listFen: number;
  saleFen: number;
  priceFen: number;
  quantity: number;
  perSubscriberLimit: number;
  startsAt: string;
  startsAtLocal: string;
  endsAt: string;
  endsAtLocal: string;
  status: FlashSaleStatus;
  phase: FlashSalePhase;
  /** Units on sale now; won orders awaiting payment; paid (refunded ones count as sold). */
  remaining: number;
  awaitingPayment: number;
  sold: number;
  createdBy: number;
  createdAt: string;
  reviewedBy: number | null;
  reviewedAt: string | null;
  reviewReason: string | null;
  settledAt: string | null;
}

/** An order as a flash sale sees it: checkout's order, of which it needs the id. */
export interface HeldOrder { id: number }

/** What a flash sale needs of checkout (its `orders`): orders whose stock the sale already holds, many at once. */
export interface HeldOrders<O extends HeldOrder> {
  placeHeldMany(q: Db, inputs: readonly { subscriberId: number; source: string; idempotencyKey: string; lines: { productId: number; skuId: number; quantity: number; unitFen: number }[]; address?: Address | null }[]): Promise<O[]>;
  get(id: number, q?: Db): Promise<O>;
}

/** At most this many batches of a sale's buyers at once on a node, each of at most this many buyers. */
const BATCHING = { batches: 4, size: 64 };

/** A buyer's request waiting to be served with others. */
interface BuyAsk<O> extends BatchAsk<{ order: O; replayed: boolean }> {
  /** The sale as read when the request came. */
  sale: FlashSaleRow;
  subscriberId: number;
  key: string;
  address: Address | null;
  requestHash: string;
}
/** A request's answer from its batch: its order, its refusal, or `again` in a later batch. */
type BuyAnswer<O> = { order: O; replayed: boolean } | AppError | 'again';

const hashOf = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('base64url');
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export class FlashSales<O extends HeldOrder = HeldOrder> {
  constructor(private readonly deps: { db: Db; clock: Clock; random: Random; audit: AuditLog; goods: Goods; inventory: InventoryService; orders: HeldOrders<O> }) {}

  /** A new sale, waiting for a second person's approval (product or marketing); audited. */
  async create(actor: Actor, input: unknown): Promise<FlashSaleView> {
    requireRole(actor, ROLES);
    const p = flashSaleInputSchema.safeParse(input);
    if (!p.success) {
      const i = p.error.issues[0]!;
      throw new AppError('INVALID_INPUT', { detail: l10n(`秒杀设置有误：${i.path.join('.')}（${i.message}）`, `Invalid flash sale at ${i.path.join('.')}: ${i.message}`), extra: { path: i.path.join('.') } });
    }
    const a = p.data;
    const startsAt = new Date(a.startsAt);
    const endsAt = new Date(a.endsAt);
    const at = this.deps.clock.now();
    const bad = (path: string, zh: string, en: string) => new AppError('INVALID_INPUT', { detail: l10n(zh, en), extra: { path } });
    if (endsAt <= startsAt) throw bad('endsAt', '结束时间应晚于开始时间', 'It must end after it starts');
    if (endsAt <= at) throw bad('endsAt', '结束时间已过', 'That end is already past');
    if (endsAt.getTime() - startsAt.getTime() > LONGEST_SALE_MS) throw bad('endsAt', '一场秒杀最长7天', 'A flash sale lasts at most 7 days');
    const [sku] = await this.deps.goods.products.skus([a.skuId]);
    if (!sku) throw new AppError('SKU_NOT_FOUND');
    if (sku.delivery !== 'ship') throw new AppError('FLASH_SALE_NOT_STOCKED');
    if (a.priceFen > sku.saleFen) throw bad('priceFen', '秒杀价不能高于商品售价', 'The flash price cannot be above the sale price');
    const id = await this.deps.db.transaction().execute(async (tx) => {
      const row = await tx.insertInto('flashSale').values({
        productId: sku.productId, skuId: sku.id, priceFen: a.priceFen, quantity: a.quantity, perSubscriberLimit: a.perSubscriberLimit,
        startsAt, endsAt, status: 'pending', shards: 0, createdBy: actor.id, createdAt: at,
        reviewedBy: null, reviewedAt: null, reviewReason: null, holdUntil: null, sold: null, settledAt: null,
      }).returningAll().executeTakeFirstOrThrow();
      await this.deps.audit.record(tx, actor, { action: 'flashsale.create', entityType: 'flash_sale', entityId: String(row.id), after: a }, at);
      return row.id;
    });
    return this.view(id);
  }

  /**
   * Approves (by someone other than its creator: SELF_REVIEW) or rejects a pending sale. Approval
   * holds its quantity in the inventory until HOLD_AFTER_END_MS after its end (OUT_OF_STOCK, and
   * the sale stays pending, when there is not that much) and puts it on sale in its shards.
   */
  async review(actor: Actor, id: number, decision: { approve: true } | { approve: false; reason: string }): Promise<FlashSaleView> {
    requireRole(actor, ROLES);
    const at = this.deps.clock.now();
    await this.deps.db.transaction().execute(async (tx) => {
      const sale = await tx.selectFrom('flashSale').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (!sale) throw new AppError('FLASH_SALE_NOT_FOUND');
      if (sale.status !== 'pending') throw new AppError('REVIEW_NOT_PENDING');
      if (sale.createdBy === actor.id) throw new AppError('SELF_REVIEW');
      if (!decision.approve) {
        const reason = decision.reason.trim();
        if (!reason) throw new AppError('INVALID_INPUT', { detail: l10n('请填写驳回原因', 'Give a reason for the rejection'), extra: { path: 'reason' } });
        await tx.updateTable('flashSale').set({ status: 'rejected', reviewedBy: actor.id, reviewedAt: at, reviewReason: reason }).where('id', '=', id).execute();
        await this.deps.audit.record(tx, actor, { action: 'flashsale.reject', entityType: 'flash_sale', entityId: String(id), reason }, at);
        return;
      }
      if (new Date(sale.endsAt) <= at) throw new AppError('ENDED');
      await this.open(tx, sale, actor, at);
      await this.deps.audit.record(tx, actor, { action: 'flashsale.approve', entityType: 'flash_sale', entityId: String(id), before: { status: 'pending' }, after: { status: 'approved', quantity: sale.quantity } }, at);
    });
    return this.view(id);
  }

  /** Holds the sale's stock and splits it into shards: the approved sale is on sale in its window. */
  private async open(tx: Db, sale: FlashSaleRow, reviewer: Actor, at: Date): Promise<void> {
    const holdUntil = new Date(new Date(sale.endsAt).getTime() + HOLD_AFTER_END_MS);
    await this.deps.inventory.reserveLot(flashRef(sale.id), sale.skuId, sale.quantity, holdUntil, tx);
    const shards = await createShards(tx, sale.id, sale.quantity);
    await tx.updateTable('flashSale').set({ status: 'approved', shards, holdUntil, reviewedBy: reviewer.id, reviewedAt: at }).where('id', '=', sale.id).execute();
  }

  /**
   * The demo operator's sales (demo.ts): created and approved by the system at once, as the demo's
   * other staff work is. Nothing else may skip the second person.
   */
  async seedApproved(q: Db, input: FlashSaleInput): Promise<number> {
    const a = flashSaleInputSchema.parse(input);
    const [sku] = await this.deps.goods.products.skus([a.skuId], q);
    if (!sku) throw new AppError('SKU_NOT_FOUND');
    const at = this.deps.clock.now();
    const row = await q.insertInto('flashSale').values({
      productId: sku.productId, skuId: sku.id, priceFen: a.priceFen, quantity: a.quantity, perSubscriberLimit: a.perSubscriberLimit,
      startsAt: a.startsAt, endsAt: a.endsAt, status: 'pending', shards: 0, createdBy: SYSTEM_ACTOR.id, createdAt: at,
      reviewedBy: null, reviewedAt: null, reviewReason: null, holdUntil: null, sold: null, settledAt: null,
    }).returningAll().executeTakeFirstOrThrow();
    await this.open(q, row, SYSTEM_ACTOR, at);
    await this.deps.audit.record(q, SYSTEM_ACTOR, { action: 'flashsale.approve', entityType: 'flash_sale', entityId: String(row.id), after: a, reason: 'demo operator' }, at);
    return row.id;
  }

  /** One sale with its live counts; the public (`publicOnly`) sees approved and settled ones only. */
  async view(id: number, opts: { publicOnly?: boolean } = {}, q: Db = this.deps.db): Promise<FlashSaleView> {
    const row = await q.selectFrom('flashSale').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || (opts.publicOnly && row.status !== 'approved' && row.status !== 'settled')) throw new AppError('FLASH_SALE_NOT_FOUND');
    return (await this.views([row], q))[0]!;
  }

  /** What the public sees: approved sales not yet ended (upcoming and live), soonest first. */
  async upcomingAndLive(q: Db = this.deps.db): Promise<FlashSaleView[]> {
    const rows = await q.selectFrom('flashSale').selectAll().where('status', '=', 'approved').where('endsAt', '>', this.deps.clock.now())
      .orderBy('startsAt').orderBy('id').limit(100).execute();
    return this.views(rows, q);
  }

  /** Every sale for the console, newest first, with its live sold and remaining. */
  async list(actor: Actor, filter: { status?: FlashSaleStatus } = {}, page = { offset: 0, limit: 50 }): Promise<{ items: FlashSaleView[]; total: number }> {
    requireRole(actor, [...ROLES, 'ops']);
    let base = this.deps.db.selectFrom('flashSale');
    if (filter.status) base = base.where('status', '=', filter.status);
    const [rows, count] = await Promise.all([
      base.selectAll().orderBy('id', 'desc').offset(page.offset).limit(page.limit).execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: await this.views(rows), total: Number(count.n) };
  }

  private async views(rows: readonly FlashSaleRow[], q: Db = this.deps.db): Promise<FlashSaleView[]> {
    if (!rows.length) return [];
    const ids = rows.map((r) => r.id);
    const [remaining, counts, skus] = await Promise.all([
      remainingOf(q, ids),
      q.selectFrom('flashSalePurchase').select(['saleId', 'state', (eb) => eb.fn.countAll<number>().as('n')]).where('saleId', 'in', ids).where('state', '!=', 'released').groupBy(['saleId', 'state']).execute(),
      this.deps.goods.products.skus([...new Set(rows.map((r) => r.skuId))], q),
    ]);
    const products = new Map<number, Awaited<ReturnType<Goods['products']['get']>>>();
    for (const productId of new Set(rows.map((r) => r.productId))) products.set(productId, await this.deps.goods.products.get(productId, {}, q));
    const count = (saleId: number, states: PurchaseState[]) => counts.filter((c) => c.saleId === saleId && states.includes(c.state)).reduce((n, c) => n + Number(c.n), 0);
    const now = this.deps.clock.now().getTime();
    return rows.map((r) => {
      const sku = skus.find((s) => s.id === r.skuId)!;
      const product = products.get(r.productId)!;
      const startsAt = new Date(r.startsAt);
      const endsAt = new Date(r.endsAt);
      const phase: FlashSalePhase = r.status === 'pending' || r.status === 'rejected' || r.status === 'settled' ? r.status
        : now < startsAt.getTime() ? 'upcoming' : now < endsAt.getTime() ? 'live' : 'ended';
      const sold = r.status === 'settled' ? r.sold! : count(r.id, ['paid', 'refunded']);
      return {
        id: r.id, productId: r.productId, skuId: r.skuId, names: product.names, attrs: sku.attrs, image: product.images[0] ?? null,
        listFen: sku.listFen, saleFen: sku.saleFen, priceFen: r.priceFen, quantity: r.quantity, perSubscriberLimit: r.perSubscriberLimit,
        startsAt: startsAt.toISOString(), startsAtLocal: localText(startsAt), endsAt: endsAt.toISOString(), endsAtLocal: localText(endsAt),
        status: r.status, phase,
        remaining: r.status === 'pending' || r.status === 'rejected' ? r.quantity : r.status === 'settled' ? 0 : remaining.get(r.id) ?? 0,
        awaitingPayment: count(r.id, ['held']), sold,
        createdBy: r.createdBy, createdAt: iso(r.createdAt)!, reviewedBy: r.reviewedBy, reviewedAt: iso(r.reviewedAt), reviewReason: r.reviewReason, settledAt: iso(r.settledAt),
      };
    });
  }

  /**
   * A signed-in subscriber tries to buy one unit. In one transaction: a slot of their limit
   * (LIMIT_REACHED when all are taken), a unit from a shard (SOLD_OUT when none is left), and the
   * order awaiting payment (`placeHeldMany`, source `flash:<id>`); nothing of it on a refusal. The
   * same Idempotency-Key again answers the same order (`replayed`), also after the sale has ended;
   * another request under it IDEMPOTENCY_KEY_REUSED. NOT_STARTED before its start, ENDED from its
   * end. The buyers asking at once on this node are served together (buy-batches.ts), a batch in
   * one transaction; a buyer's own requests take turns, on every node (an advisory lock).
   */
  async buy(subscriberId: number, saleId: number, input: { idempotencyKey: string; address?: Address | null }): Promise<{ order: O; replayed: boolean }> {
    const sale = await this.deps.db.selectFrom('flashSale').selectAll().where('id', '=', saleId).executeTakeFirst();
    if (!sale || (sale.status !== 'approved' && sale.status !== 'settled')) throw new AppError('FLASH_SALE_NOT_FOUND');
    const ask = { subscriberId, key: input.idempotencyKey, address: input.address ?? null, requestHash: hashOf([saleId, input.address ?? null]) };
    // Losers are answered from plain reads, without a transaction: not started, ended or sold out
    // (unless the key is a repeat, which answers its order even then).
    const now = this.deps.clock.now();
    if (now < new Date(sale.startsAt)) this.checkWindow(sale);
    if (sale.status === 'settled' || now >= new Date(sale.endsAt) || !(await anyLeft(this.deps.db, saleId))) {
      const had = await this.deps.db.selectFrom('flashSalePurchase').select(['orderId', 'requestHash'])
        .where('saleId', '=', saleId).where('subscriberId', '=', subscriberId).where('idempotencyKey', '=', ask.key).executeTakeFirst();
      if (had) return this.replay(had, ask.requestHash, this.deps.db);
      this.checkWindow(sale);
      throw new AppError('SOLD_OUT');
    }
    let batches = this.batches.get(saleId);
    if (!batches) {
      batches = new Batches<BuyAsk<O>>((batch, again) => this.serve(batch, again), BATCHING, () => this.batches.delete(saleId));
      this.batches.set(saleId, batches);
    }
    const queue = batches;
    return new Promise((resolve, reject) => queue.add({ ...ask, sale, buyer: subscriberId, resolve, reject }));
  }

  /** Each sale's buyers waiting on this node to be served together. */
  private readonly batches = new Map<number, Batches<BuyAsk<O>>>();

  private async replay(had: { orderId: number; requestHash: string }, requestHash: string, q: Db): Promise<{ order: O; replayed: boolean }> {
    if (had.requestHash !== requestHash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
    return { order: await this.deps.orders.get(had.orderId, q), replayed: true };
  }

  /**
   * Serves a batch of one sale's buyers (one request each) in one transaction, answering each;
   * those short of a unit only because other batches hold the shards with units go back (`again`).
   * A failure of the transaction tries each request again alone, so it gets its own answer.
   */
  private async serve(batch: BuyAsk<O>[], again: (a: BuyAsk<O>) => void): Promise<void> {
    let answers: BuyAnswer<O>[];
    try {
      answers = await this.deps.db.transaction().execute((tx) => this.buyTogether(tx, batch[0]!.sale, batch));
    } catch (e) {
      if (batch.length === 1) return batch[0]!.reject(e);
      for (const a of batch) again({ ...a, solo: true });
      return;
    }
    for (const [i, a] of batch.entries()) {
      const answer = answers[i]!;
      if (answer === 'again') again(a);
      else if (answer instanceof AppError) a.reject(answer);
      else a.resolve(answer);
    }
  }

  private async buyTogether(tx: Db, sale: FlashSaleRow, batch: readonly BuyAsk<O>[]): Promise<BuyAnswer<O>[]> {
    const saleId = sale.id;
    const buyers = batch.map((a) => a.subscriberId);
    // One buyer's requests take turns (a double click, two devices, two nodes); taken in one order, so no two batches wait on each other.
    await sql`select pg_advisory_xact_lock(h) from (select distinct hashtext(k) as h from unnest(${buyers.map((b) => `flash:${saleId}:${b}`)}::text[]) as k order by h) as l`.execute(tx);
    const purchases = await tx.selectFrom('flashSalePurchase').select(['subscriberId', 'slot', 'state', 'orderId', 'idempotencyKey', 'requestHash'])
      .where('saleId', '=', saleId).where('subscriberId', 'in', buyers).execute();
    const answers: BuyAnswer<O>[] = [];
    const want: { i: number; slot: number; address: Address }[] = [];
    for (const [i, a] of batch.entries()) {
      try {
        const mine = purchases.filter((h) => h.subscriberId === a.subscriberId);
        const had = mine.find((h) => h.idempotencyKey === a.key);
        if (had) {
          answers[i] = await this.replay(had, a.requestHash, tx);
          continue;
        }
        this.checkWindow(sale);
        if (!a.address) throw new AppError('ADDRESS_REQUIRED');
        checkArea(a.address);
        const held = mine.filter((h) => h.state !== 'released');
        const slot = Array.from({ length: sale.perSubscriberLimit }, (_, n) => n + 1).find((n) => !held.some((h) => h.slot === n));
        if (slot === undefined) throw new AppError('LIMIT_REACHED', { extra: { limit: sale.perSubscriberLimit } });
        want.push({ i, slot, address: a.address });
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        answers[i] = e;
      }
    }
    if (!want.length) return answers;
    const { taken, short } = await takeUnits(tx, this.deps.random, saleId, sale.shards, want.length);
    const won = want.slice(0, taken.length);
    for (const w of want.slice(taken.length)) answers[w.i] = short === 'busy' ? 'again' : new AppError('SOLD_OUT');
    if (!won.length) return answers;
    const orders = await this.deps.orders.placeHeldMany(tx, won.map((w) => ({
      subscriberId: batch[w.i]!.subscriberId, source: flashRef(saleId), idempotencyKey: `flash:${saleId}:${batch[w.i]!.key}`, address: w.address,
      lines: [{ productId: sale.productId, skuId: sale.skuId, quantity: 1, unitFen: sale.priceFen }],
    })));
    const at = this.deps.clock.now();
    await tx.insertInto('flashSalePurchase').values(won.map((w, j) => ({
      saleId, subscriberId: batch[w.i]!.subscriberId, slot: w.slot, shard: taken[j]!, orderId: orders[j]!.id, idempotencyKey: batch[w.i]!.key, requestHash: batch[w.i]!.requestHash,
      state: 'held' as const, createdAt: at, settledAt: null,
    }))).execute();
    for (const [j, w] of won.entries()) answers[w.i] = { order: orders[j]!, replayed: false };
    return answers;
  }

  private checkWindow(sale: FlashSaleRow): void {
    const now = this.deps.clock.now().getTime();
    if (sale.status === 'settled' || now >= new Date(sale.endsAt).getTime()) throw new AppError('ENDED');
    if (now < new Date(sale.startsAt).getTime()) throw new AppError('NOT_STARTED', { extra: { startsAt: new Date(sale.startsAt).toISOString() } });
  }

  /** The order source's hooks (checkout.sources.register('flash:', …)), each in checkout's transaction. */
  readonly orderEvents = {
    /** The winner paid: the unit is sold. */
    paid: async (q: Db, order: O): Promise<void> => {
      await q.updateTable('flashSalePurchase').set({ state: 'paid', settledAt: this.deps.clock.now() }).where('orderId', '=', order.id).where('state', '=', 'held').execute();
    },
    /**
     * The order ended unpaid (expired, cancelled): its unit goes back to its shard, on sale again,
     * and the buyer's slot is free. Refunded after paying: it stays sold (the goods come back, if
     * at all, through a return to the warehouse, not into the sale).
     */
    released: async (q: Db, order: O, why: 'expired' | 'cancelled' | 'refunded'): Promise<void> => {
      const at = this.deps.clock.now();
      const unpaid = await q.updateTable('flashSalePurchase').set({ state: 'released', settledAt: at }).where('orderId', '=', order.id).where('state', '=', 'held')
        .returning(['saleId', 'shard']).executeTakeFirst();
      if (unpaid) await giveBack(q, unpaid.saleId, unpaid.shard);
      else if (why === 'refunded') await q.updateTable('flashSalePurchase').set({ state: 'refunded', settledAt: at }).where('orderId', '=', order.id).where('state', '=', 'paid').execute();
    },
  };

  /**
   * Settles ended sales none of whose orders awaits payment any more: the sold units are
   * committed in the inventory and the rest released (`inventory.settle`), once; every node runs
   * it (a sale's row is taken with SKIP LOCKED). Returns how many were settled.
   */
  async settleEnded(limit = 20): Promise<number> {
    const at = this.deps.clock.now();
    const due = await this.deps.db.selectFrom('flashSale as f').select('f.id').where('f.status', '=', 'approved').where('f.endsAt', '<=', at)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('flashSalePurchase as p').select('p.id').whereRef('p.saleId', '=', 'f.id').where('p.state', '=', 'held'))))
      .orderBy('f.endsAt').limit(limit).execute();
    let settled = 0;
    for (const { id } of due) {
      settled += await this.deps.db.transaction().execute(async (tx) => {
        const sale = await tx.selectFrom('flashSale').selectAll().where('id', '=', id).where('status', '=', 'approved').forUpdate().skipLocked().executeTakeFirst();
        if (!sale) return 0;
        const counts = await tx.selectFrom('flashSalePurchase').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).where('saleId', '=', id).groupBy('state').execute();
        if (counts.some((c) => c.state === 'held')) return 0;
        const sold = counts.filter((c) => c.state === 'paid' || c.state === 'refunded').reduce((n, c) => n + Number(c.n), 0);
        await this.deps.inventory.settle(flashRef(id), sold, tx);
        await tx.updateTable('flashSale').set({ status: 'settled', sold, settledAt: at }).where('id', '=', id).execute();
        await this.deps.audit.record(tx, SYSTEM_ACTOR, { action: 'flashsale.settle', entityType: 'flash_sale', entityId: String(id), after: { sold, released: sale.quantity - sold } }, at);
        return 1;
      });
    }
    return settled;
  }
}
