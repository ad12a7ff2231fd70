// The demo shop's stock: the 广州仓 and 深圳仓 warehouses and each shipped SKU's opening stock in
// them (a couple kept back as safety stock in Guangzhou), as the goods demo plans it. Written once
// per SKU and warehouse (a level already there is left alone), so a node that starts after an
// interrupted seed completes it; the receipts are movements and audit entries by the system actor.
import type { Db } from '../../platform/db/index.ts';
import { SYSTEM_ACTOR, type AuditLog } from '../../platform/audit.ts';

export const DEMO_WAREHOUSES = [
  { id: 'GZ', nameZh: '广州仓', nameEn: 'Guangzhou warehouse', city: '广州' },
  { id: 'SZ', nameZh: '深圳仓', nameEn: 'Shenzhen warehouse', city: '深圳' },
] as const;

export async function seedDemoInventory(db: Db, audit: AuditLog, now: Date, plan: readonly { skuId: number; gz: number; sz: number }[]): Promise<{ created: number }> {
  return db.transaction().execute(async (tx) => {
    await tx.insertInto('warehouse').values([...DEMO_WAREHOUSES]).onConflict((oc) => oc.column('id').doNothing()).execute();
    let created = 0;
    for (const p of plan) {
      for (const [warehouseId, onHand] of [['GZ', p.gz], ['SZ', p.sz]] as const) {
        const safety = warehouseId === 'GZ' && onHand >= 10 ? 2 : 0;
        const r = await tx.insertInto('stockLevel').values({ skuId: p.skuId, warehouseId, onHand, reserved: 0, safety, updatedAt: now })
          .onConflict((oc) => oc.columns(['skuId', 'warehouseId']).doNothing()).returning('skuId').executeTakeFirst();
        if (!r) continue;
        created++;
        await tx.insertInto('stockMovement').values({ skuId: p.skuId, warehouseId, kind: 'receive', delta: onHand, onHandAfter: onHand, safetyAfter: safety, reason: '演示期初库存 demo opening stock', actorId: SYSTEM_ACTOR.id, at: now }).execute();
        await audit.record(tx, SYSTEM_ACTOR, { action: 'stock.receive', entityType: 'stock_level', entityId: `${p.skuId}/${warehouseId}`, after: { onHand, reserved: 0, safety }, reason: 'demo operator' }, now);
      }
    }
    return { created };
  });
}
