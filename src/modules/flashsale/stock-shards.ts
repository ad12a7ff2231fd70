// A flash sale's stock split into shard rows (flash_sale_shard), so that buyers at once take units
// from different rows instead of queueing on one. A unit is taken by one conditional UPDATE of a
// shard that still has some and that no other transaction holds (FOR UPDATE SKIP LOCKED), starting
// from a shard chosen at random; only when every shard with units left is locked does a buyer
// wait on one of them. SOLD_OUT only when every shard is empty. The table's check (remaining ≥ 0)
// holds it to that under any concurrency.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import type { Random } from '../../platform/ports.ts';

/** Shards a sale's quantity is split into (fewer when it has fewer units). */
export const SHARDS = 32;

/** How many shards a quantity is split into, and each one's units (as even as they go). */
export function splitIntoShards(quantity: number, shards = SHARDS): number[] {
  const n = Math.max(1, Math.min(shards, quantity));
  return Array.from({ length: n }, (_, i) => Math.floor(quantity / n) + (i < quantity % n ? 1 : 0));
}

export async function createShards(q: Db, saleId: number, quantity: number): Promise<number> {
  const units = splitIntoShards(quantity);
  await q.insertInto('flashSaleShard').values(units.map((remaining, shard) => ({ saleId, shard, remaining }))).execute();
  return units.length;
}

/**
 * Takes one unit of the sale in the caller's transaction and answers the shard it came from; the
 * shard's row stays locked until that transaction ends, so the caller takes it last. SOLD_OUT when
 * every shard is empty.
 */
export async function takeUnit(q: Db, random: Random, saleId: number, shards: number): Promise<number> {
  for (;;) {
    const start = random.int(0, shards);
    const got = await sql<{ shard: number }>`
      update flash_sale_shard set remaining = remaining - 1
      where sale_id = ${saleId} and shard = (
        select shard from flash_sale_shard where sale_id = ${saleId} and remaining > 0
        order by (shard + ${shards} - ${start}) % ${shards} limit 1 for update skip locked)
      returning shard`.execute(q);
    if (got.rows[0]) return got.rows[0].shard;
    // None free: either every shard is empty, or those with units are held by buyers still committing.
    const open = await q.selectFrom('flashSaleShard').select('shard').where('saleId', '=', saleId).where('remaining', '>', 0).execute();
    if (!open.length) throw new AppError('SOLD_OUT');
    const shard = open[random.int(0, open.length)]!.shard;
    const waited = await q.updateTable('flashSaleShard').set((eb) => ({ remaining: eb('remaining', '-', 1) }))
      .where('saleId', '=', saleId).where('shard', '=', shard).where('remaining', '>', 0).returning('shard').executeTakeFirst();
    if (waited) return waited.shard;
  }
}

/** Puts a unit back on sale in the shard it came from. */
export async function giveBack(q: Db, saleId: number, shard: number): Promise<void> {
  await q.updateTable('flashSaleShard').set((eb) => ({ remaining: eb('remaining', '+', 1) })).where('saleId', '=', saleId).where('shard', '=', shard).execute();
}

/** Units left on sale, per sale. */
export async function remainingOf(q: Db, saleIds: readonly number[]): Promise<Map<number, number>> {
  if (!saleIds.length) return new Map();
  const rows = await q.selectFrom('flashSaleShard').select(['saleId', (eb) => eb.fn.sum<number>('remaining').as('n')]).where('saleId', 'in', [...saleIds]).groupBy('saleId').execute();
  return new Map(rows.map((r) => [r.saleId, Number(r.n)]));
}

/** Whether any unit of the sale is left (a read without locks: the buyer's quick answer once it is sold out). */
export async function anyLeft(q: Db, saleId: number): Promise<boolean> {
  return Boolean(await q.selectFrom('flashSaleShard').select('shard').where('saleId', '=', saleId).where('remaining', '>', 0).limit(1).executeTakeFirst());
}
