// The code pool of recharge cards and virtual goods (卡密): codes loaded by staff, each handed out
// exactly once. A code is taken with FOR UPDATE SKIP LOCKED, so buyers at once take different codes
// without waiting on each other, and an order's codes are kept by its reference, so asking again
// for the same order gives the same codes (a retried delivery never hands out a second one). The
// codes of an order refunded in full are revoked (void): no longer valid, never handed out again.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n } from '../../platform/i18n.ts';
import type { Clock } from '../../platform/ports.ts';
import { requireRole, type Actor, type AuditLog } from '../../platform/audit.ts';

function inTx<T>(q: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  return q.isTransaction ? work(q) : q.transaction().execute(work);
}

export class CodePool {
  constructor(private readonly deps: { db: Db; clock: Clock; audit: AuditLog }) {}

  /** Codes left per SKU (a code-delivered SKU's stock). */
  async availableCount(skuIds: readonly number[], q: Db = this.deps.db): Promise<Map<number, number>> {
    if (!skuIds.length) return new Map();
    const rows = await q.selectFrom('goodsCode').select(['skuId', (eb) => eb.fn.countAll<number>().as('n')]).where('skuId', 'in', [...skuIds]).where('status', '=', 'available')
      .groupBy('skuId').execute();
    return new Map(rows.map((r) => [r.skuId, Number(r.n)]));
  }

  /**
   * Hands out `quantity` codes of a SKU to an order line (`ref`), in the caller's transaction when
   * given: the codes already handed to that ref when there are any, else new ones; CODES_EXHAUSTED
   * (nothing taken) when fewer are left.
   */
  async issue(skuId: number, ref: string, quantity: number, q: Db = this.deps.db): Promise<string[]> {
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > 99) throw new AppError('INVALID_QUANTITY');
    const at = this.deps.clock.now();
    return inTx(q, async (tx) => {
      // One call per ref at a time: two retries of one delivery at once must not both take codes.
      await sql`select pg_advisory_xact_lock(hashtext(${`goods.code:${ref}`}))`.execute(tx);
      const had = await tx.selectFrom('goodsCode').select('code').where('ref', '=', ref).where('skuId', '=', skuId).orderBy('id').execute();
      if (had.length) return had.map((h) => h.code);
      const r = await sql<{ code: string }>`
        update goods_code set status = 'issued', ref = ${ref}, issued_at = ${at}
        where id in (select id from goods_code where sku_id = ${skuId} and status = 'available' order by id limit ${quantity} for update skip locked)
        returning code`.execute(tx);
      if (r.rows.length < quantity) {
        // Put back what this call took: the caller may go on with its transaction after the refusal.
        await tx.updateTable('goodsCode').set({ status: 'available', ref: null, issuedAt: null }).where('ref', '=', ref).where('skuId', '=', skuId).execute();
        throw new AppError('CODES_EXHAUSTED');
      }
      return r.rows.map((x) => x.code);
    });
  }

  /**
   * Revokes the codes issued to an order (`ref`) refunded in full, in the caller's transaction:
   * each is `void` from now on (a partner checking it finds it no longer valid) and is never handed
   * out again; the codes voided now (none the second time).
   */
  async revoke(ref: string, q: Db = this.deps.db): Promise<string[]> {
    const rows = await q.updateTable('goodsCode').set({ status: 'void', voidedAt: this.deps.clock.now() }).where('ref', '=', ref).where('status', '=', 'issued').returning('code').execute();
    return rows.map((r) => r.code);
  }

  /** Loads codes for a SKU, one a line; repeats and codes already loaded are skipped (and counted). Audited (the codes themselves are not). */
  async load(actor: Actor, skuId: number, text: string): Promise<{ added: number; skipped: number }> {
    requireRole(actor, ['product']);
    const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    const codes = [...new Set(lines)];
    if (codes.some((c) => !/^[A-Za-z0-9-]{6,64}$/.test(c))) throw new AppError('INVALID_INPUT', { detail: l10n('卡密只能由6至64位字母、数字或“-”组成', 'A code is 6 to 64 letters, digits or dashes'), extra: { path: 'codes' } });
    const at = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      const sku = await tx.selectFrom('goodsSku as s').innerJoin('goodsProduct as p', 'p.id', 's.productId').select(['s.id', 'p.delivery']).where('s.id', '=', skuId).executeTakeFirst();
      if (!sku) throw new AppError('SKU_NOT_FOUND');
      if (sku.delivery !== 'code') throw new AppError('INVALID_INPUT', { detail: l10n('该商品不以卡密交付', 'This product is not delivered by code'), extra: { path: 'skuId' } });
      let added = 0;
      for (let i = 0; i < codes.length; i += 1000) {
        const done = await tx.insertInto('goodsCode').values(codes.slice(i, i + 1000).map((code) => ({ skuId, code, status: 'available' as const, ref: null, issuedAt: null })))
          .onConflict((oc) => oc.columns(['skuId', 'code']).doNothing()).returning('id').execute();
        added += done.length;
      }
      await this.deps.audit.record(tx, actor, { action: 'goods.codes.load', entityType: 'goods_sku', entityId: String(skuId), after: { added, skipped: lines.length - added } }, at);
      return { added, skipped: lines.length - added };
    });
  }
}
