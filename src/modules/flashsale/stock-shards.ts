// A flash sale's stock split into shard rows (flash_sale_shard), so that buyers at once take units
// from different rows instead of queueing on one. Units are taken by one conditional UPDATE of a
// shard that still has some and that no other transaction holds (FOR UPDATE SKIP LOCKED), starting
// from a shard chosen at random, as many at once as a batch of buyers wants; only when every shard
// with units left is locked does a batch wait on one of them. Sold out only when every shard is
// empty. The table's check (remaining ≥ 0) holds it to that under any concurrency.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
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
 * Takes up to `wanted` units of the sale in the caller's transaction and answers the shard of each
 * unit taken; the shards' rows stay locked until that transaction ends. Each shard is taken with
 * SKIP LOCKED, so batches at once take different rows; only a caller that holds no shard yet waits
 * on one (so no two callers wait on each other). Fewer than wanted: `short` says whether the rest
 * may be had later (units left in shards others hold now: 'busy') or none is left ('sold-out').
 */
export async function takeUnits(q: Db, random: Random, saleId: number, shards: number, wanted: number): Promise<{ taken: number[]; short?: 'busy' | 'sold-out' }> {
  const taken: number[] = [];
  const take = async (shard: ReturnType<typeof sql>) => {
    const got = await sql<{ shard: number; took: number }>`
      with s as (${shard})
      update flash_sale_shard f set remaining = f.remaining - least(s.remaining, ${wanted - taken.length}::int)
      from s where f.sale_id = ${saleId} and f.shard = s.shard
      returning f.shard, s.remaining - f.remaining as took`.execute(q);
    const row = got.rows[0];
    if (row) for (let i = 0; i < Number(row.took); i++) taken.push(row.shard);
    return Boolean(row);
  };
  while (taken.length < wanted) {
    const start = random.int(0, shards);
    if (await take(sql`select shard, remaining from flash_sale_shard where sale_id = ${saleId} and remaining > 0
        order by (shard + ${shards} - ${start}) % ${shards} limit 1 for update skip locked`)) continue;
    // None free: either every shard is empty, or those with units are held by others still committing.
    const open = await q.selectFrom('flashSaleShard').select('shard').where('saleId', '=', saleId).where('remaining', '>', 0).execute();
    if (!open.length) return { taken, short: 'sold-out' };
    if (taken.length) return { taken, short: 'busy' };
    const shard = open[random.int(0, open.length)]!.shard;
    await take(sql`select shard, remaining from flash_sale_shard where sale_id = ${saleId} and shard = ${shard} and remaining > 0 for update`);
  }
  return { taken };
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
