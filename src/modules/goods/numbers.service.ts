// The number-card pool (选号): numbers for sale with their nice-number tier and deposit. A buyer's
// pick is reserved for their open order with an expiry (one conditional UPDATE of the number's row:
// of two buyers at once, the second finds it no longer free, so no number ever goes to two people),
// sold when the order is paid, and bound to the new subscriber when the card is delivered and
// activated. Reservations not paid in time are released by `releaseExpired`, which any node runs.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { Page } from '../../platform/db/page.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n } from '../../platform/i18n.ts';
import type { Clock } from '../../platform/ports.ts';
import { requireRole, type Actor, type AuditLog } from '../../platform/audit.ts';
import { niceTier, TIER_DEPOSIT_FEN } from './nice-numbers.ts';
import type { NumberRow, NumberStatus } from './tables.ts';

export interface NumberView { number: string; productId: number; tier: number; pattern: string | null; depositFen: number; status: NumberStatus; reservedUntil: string | null }
const view = (r: NumberRow): NumberView => ({
  number: r.number, productId: r.productId, tier: r.tier, pattern: r.pattern, depositFen: r.depositFen, status: r.status,
  reservedUntil: r.reservedUntil ? new Date(r.reservedUntil).toISOString() : null,
});

/** In a transaction: the caller's (checkout's), or one of our own. */
function inTx<T>(q: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  return q.isTransaction ? work(q) : q.transaction().execute(work);
}

export const MOBILE_NUMBER = /^1[3-9]\d{9}$/;

export class NumberPool {
  constructor(private readonly deps: { db: Db; clock: Clock; audit: AuditLog }) {}

  /**
   * Numbers a buyer may choose now (free, or reserved and expired), best tier first. `pattern` is
   * digits with `*` for any one digit (`*8888`, `138****`), matched anywhere; `tier` an exact tier.
   */
  async available(productId: number, filter: { tier?: number; pattern?: string }, page: Page, q: Db = this.deps.db): Promise<{ items: NumberView[]; total: number }> {
    const at = this.deps.clock.now();
    let base = q.selectFrom('goodsNumber').where('productId', '=', productId)
      .where((eb) => eb.or([eb('status', '=', 'available'), eb.and([eb('status', '=', 'reserved'), eb('reservedUntil', '<=', at)])]));
    if (filter.tier !== undefined) base = base.where('tier', '=', filter.tier);
    if (filter.pattern) base = base.where('number', 'like', `%${filter.pattern.replace(/\*/g, '_')}%`);
    const [rows, count] = await Promise.all([
      base.selectAll().orderBy(sql`case when tier = 0 then 9 else tier end`).orderBy('number').offset(page.offset).limit(page.limit).execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map((r) => ({ ...view(r), status: 'available' as const, reservedUntil: null })), total: Number(count.n) };
  }

  /** How many numbers each product has free now (a number card's stock). */
  async availableCount(productIds: readonly number[], q: Db = this.deps.db): Promise<Map<number, number>> {
    if (!productIds.length) return new Map();
    const at = this.deps.clock.now();
    const rows = await q.selectFrom('goodsNumber').select(['productId', (eb) => eb.fn.countAll<number>().as('n')]).where('productId', 'in', [...productIds])
      .where((eb) => eb.or([eb('status', '=', 'available'), eb.and([eb('status', '=', 'reserved'), eb('reservedUntil', '<=', at)])]))
      .groupBy('productId').execute();
    return new Map(rows.map((r) => [r.productId, Number(r.n)]));
  }

  async get(number: string, q: Db = this.deps.db): Promise<NumberView> {
    const r = await q.selectFrom('goodsNumber').selectAll().where('number', '=', number).executeTakeFirst();
    if (!r) throw new AppError('NUMBER_NOT_FOUND');
    return view(r);
  }

  /**
   * Reserves a number for an order (`ref`) until `expiresAt`: NUMBER_NOT_FOUND if it is not in this
   * product's pool, NUMBER_TAKEN if someone else holds it. The same ref again extends its hold
   * (idempotent). Runs in the caller's transaction when given one.
   */
  reserve(input: { productId: number; number: string; ref: string; expiresAt: Date }, q: Db = this.deps.db): Promise<NumberView> {
    const at = this.deps.clock.now();
    return inTx(q, async (tx) => {
      const took = await tx.updateTable('goodsNumber').set({ status: 'reserved', ref: input.ref, reservedUntil: input.expiresAt, updatedAt: at })
        .where('number', '=', input.number).where('productId', '=', input.productId)
        .where((eb) => eb.or([
          eb('status', '=', 'available'),
          eb.and([eb('status', '=', 'reserved'), eb.or([eb('reservedUntil', '<=', at), eb('ref', '=', input.ref)])]),
        ]))
        .returningAll().executeTakeFirst();
      if (took) return view(took);
      const r = await tx.selectFrom('goodsNumber').selectAll().where('number', '=', input.number).where('productId', '=', input.productId).executeTakeFirst();
      if (!r) throw new AppError('NUMBER_NOT_FOUND');
      if (r.ref === input.ref && r.status !== 'available') return view(r);
      throw new AppError('NUMBER_TAKEN');
    });
  }

  /** The order was paid: the number is sold to it (no expiry any more). RESERVATION_NOT_FOUND unless `ref` holds it. */
  sell(number: string, ref: string, q: Db = this.deps.db): Promise<NumberView> {
    return this.move(q, number, ref, ['reserved', 'sold'], { status: 'sold', reservedUntil: null });
  }

  /** The card was delivered and activated: the number belongs to that subscriber now. */
  bind(number: string, ref: string, subscriberId: number, q: Db = this.deps.db): Promise<NumberView> {
    return this.move(q, number, ref, ['sold', 'bound'], { status: 'bound', subscriberId });
  }

  /** The order was cancelled or failed: the number goes back on sale (a reservation or a sale not yet bound). */
  async release(number: string, ref: string, q: Db = this.deps.db): Promise<void> {
    await q.updateTable('goodsNumber').set({ status: 'available', ref: null, reservedUntil: null, updatedAt: this.deps.clock.now() })
      .where('number', '=', number).where('ref', '=', ref).where('status', 'in', ['reserved', 'sold']).execute();
  }

  private async move(q: Db, number: string, ref: string, from: NumberStatus[], set: { status: NumberStatus; reservedUntil?: null; subscriberId?: number }): Promise<NumberView> {
    const r = await q.updateTable('goodsNumber').set({ ...set, updatedAt: this.deps.clock.now() }).where('number', '=', number).where('ref', '=', ref).where('status', 'in', from)
      .returningAll().executeTakeFirst();
    if (!r) throw new AppError('RESERVATION_NOT_FOUND');
    return view(r);
  }

  /** Frees reservations whose time is up, a batch at a time; safe on every node at once (SKIP LOCKED). */
  async releaseExpired(limit = 500): Promise<number> {
    const at = this.deps.clock.now();
    const r = await sql<{ number: string }>`
      update goods_number set status = 'available', ref = null, reserved_until = null, updated_at = ${at}
      where number in (select number from goods_number where status = 'reserved' and reserved_until <= ${at} order by reserved_until limit ${limit} for update skip locked)
      returning number`.execute(this.deps.db);
    return r.rows.length;
  }

  /**
   * Adds numbers to a product's pool, one a line (`13800008888` or `13800008888,50000` with the
   * deposit in fen; without one, the tier's). Numbers already in a pool and lines that are not a
   * mobile number are reported, not added. Audited.
   */
  async import(actor: Actor, productId: number, csv: string): Promise<{ added: number; rejected: { line: number; text: string; reason: string }[] }> {
    requireRole(actor, ['product']);
    const at = this.deps.clock.now();
    const rows: { number: string; depositFen: number | null }[] = [];
    const rejected: { line: number; text: string; reason: string }[] = [];
    const seen = new Set<string>();
    csv.split(/\r?\n/).forEach((raw, i) => {
      const line = raw.trim();
      if (!line) return;
      const [n, d] = line.split(/[,，\t]/).map((x) => x.trim());
      if (!n || !MOBILE_NUMBER.test(n)) return void rejected.push({ line: i + 1, text: line.slice(0, 40), reason: 'not a mobile number' });
      if (d !== undefined && d !== '' && !/^\d{1,9}$/.test(d)) return void rejected.push({ line: i + 1, text: line.slice(0, 40), reason: 'deposit is not whole fen' });
      if (seen.has(n)) return void rejected.push({ line: i + 1, text: n, reason: 'repeated' });
      seen.add(n);
      rows.push({ number: n, depositFen: d ? Number(d) : null });
    });
    if (rows.length > 100_000) throw new AppError('INVALID_INPUT', { detail: l10n('一次最多导入10万个号码', 'At most 100,000 numbers at a time') });
    return this.deps.db.transaction().execute(async (tx) => {
      const product = await tx.selectFrom('goodsProduct').select('kind').where('id', '=', productId).executeTakeFirst();
      if (!product) throw new AppError('PRODUCT_NOT_FOUND');
      if (product.kind !== 'number_card') throw new AppError('INVALID_INPUT', { detail: l10n('只有号卡商品有号码池', 'Only a number card has a number pool'), extra: { path: 'productId' } });
      let added = 0;
      for (let i = 0; i < rows.length; i += 1000) {
        const chunk = rows.slice(i, i + 1000).map((r) => {
          const t = niceTier(r.number);
          return { number: r.number, productId, tier: t.tier, pattern: t.pattern, depositFen: r.depositFen ?? TIER_DEPOSIT_FEN[t.tier]!, status: 'available' as const, ref: null, reservedUntil: null, subscriberId: null, updatedAt: at };
        });
        const done = await tx.insertInto('goodsNumber').values(chunk).onConflict((oc) => oc.column('number').doNothing()).returning('number').execute();
        const got = new Set(done.map((d) => d.number));
        for (const c of chunk) if (!got.has(c.number)) rejected.push({ line: 0, text: c.number, reason: 'already in a pool' });
        added += done.length;
      }
      await this.deps.audit.record(tx, actor, { action: 'goods.numbers.import', entityType: 'goods_product', entityId: String(productId), after: { added, rejected: rejected.length } }, at);
      return { added, rejected };
    });
  }
}
