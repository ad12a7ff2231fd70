// Seeding the demo operator: the catalogue and rewards, then `subscribers` generated subscribers in
// batches, each batch one transaction written while the next is generated. Deterministic in
// (seed, now); an interrupted run resumes where it stopped (the progress is kept in the `setting`
// row `demo.progress`, committed with each batch).
//
// Three numbers always exist, whatever the seed (they are subscribers 1, 2 and 3; see people.ts):
//   13800000001  李明, 广州. Prepaid, active, real-name verified, plan PLAN-4G-58 (4G畅享套餐58元),
//                balance at least ¥88 (8,800 fen), at least 1,200 points, two active monthly
//                packs (PK-DATA-10G 10GB流量月包 and VAS-CRBT 彩铃), six paid bills. The number for
//                every "happy path" demo: query, recharge, order LL1G, redeem RW-DATA-1G, change plan.
//   13800000002  陈静, 深圳. Postpaid, active, plan PLAN-4G-128, credit limit ¥300 (30,000 fen),
//                converged broadband BB-FUSION-100M (fee waived on a ¥128 plan) and PK-VOICE-100,
//                six bills of which the latest is unpaid, so its balance is negative.
//   13800000003  黄志强, 东莞. Prepaid, suspended (欠费停机: this month's ¥38 plan fee could not be
//                taken), plan PLAN-4G-38, balance below ¥10, six bills, VAS-CALLREM still active.
import { sql } from 'kysely';
import type { Db } from '../platform/db/index.ts';
import { seedDemoOfferings } from '../modules/catalogue/index.ts';
import { BILL_SLOTS, seedDemoRewards } from '../modules/subscriber/index.ts';
import { Generator, newBatch, WRITE_ORDER, type Batch } from './generator.ts';

export { DEMO_NUMBERS } from './people.ts';

export interface SeedDemoOptions {
  subscribers: number;
  seed: number;
  now: Date;
  onProgress?: (done: number, total: number) => void;
  /** Subscribers per transaction; 1000 unless told. */
  batchSize?: number;
  /** Stops between batches (rejecting with the signal's reason); a later call resumes. */
  signal?: AbortSignal;
  /** Told what is about to be generated: a fresh run, or the rest of an interrupted one. */
  onStart?: (run: DemoRun) => void;
}

export interface DemoRun {
  seed: number;
  /** ISO-8601: the moment the data is "as of". */
  now: string;
  total: number;
  /** Subscribers already written by an earlier, interrupted call. */
  done: number;
}

export interface SeedDemoResult {
  /** False when the database already had subscribers (nothing was written). */
  created: boolean;
  subscribers: number;
  /** Rows written by this call, per table (only when created). */
  rows?: Record<string, number>;
}

const PROGRESS_KEY = 'demo.progress';
const MAX_SUBSCRIBERS = 10_000_000;

type Progress = DemoRun;

/** Thrown inside a batch when another process is seeding the same database. */
class SeededElsewhere extends Error {}

async function readProgress(db: Db): Promise<Progress | undefined> {
  const row = await db.selectFrom('setting').select('value').where('key', '=', PROGRESS_KEY).executeTakeFirst();
  if (!row) return undefined;
  try {
    const p = JSON.parse(row.value) as Progress;
    return Number.isInteger(p.total) && Number.isInteger(p.done) && typeof p.now === 'string' ? p : undefined;
  } catch {
    return undefined;
  }
}

async function countSubscribers(db: Db): Promise<number> {
  const r = await db.selectFrom('subscriber').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * Seeds the demo catalogue and, when the database has no subscribers yet, `subscribers`
 * generated subscribers. Deterministic in (seed, now). Returns created: false when there were
 * subscribers already; resumes an interrupted run (with that run's seed, now and size).
 */
export async function seedDemo(db: Db, opts: SeedDemoOptions): Promise<SeedDemoResult> {
  if (!Number.isInteger(opts.subscribers) || opts.subscribers < 0 || opts.subscribers > MAX_SUBSCRIBERS) {
    throw new RangeError(`subscribers must be an integer from 0 to ${MAX_SUBSCRIBERS}`);
  }
  if (!Number.isFinite(opts.seed)) throw new RangeError('seed must be a number');
  if (Number.isNaN(opts.now.getTime())) throw new RangeError('now must be a valid date');
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? 1000));

  await seedCatalogue(db);
  const existing = await countSubscribers(db);
  let plan: Progress;
  if (existing > 0) {
    const p = await readProgress(db);
    if (!p || p.done >= p.total || p.done !== existing) return { created: false, subscribers: existing };
    plan = p;
  } else {
    if (opts.subscribers === 0) return { created: false, subscribers: 0 };
    plan = { seed: opts.seed, now: opts.now.toISOString(), total: opts.subscribers, done: 0 };
  }

  opts.onStart?.({ ...plan });
  const gen = new Generator(plan.seed, new Date(plan.now));
  const rows: Record<string, number> = Object.fromEntries(WRITE_ORDER.map((t) => [t, 0]));
  /** Generates in slices, yielding so the previous batch's statements keep flowing meanwhile. */
  const generate = async (a: number, b: number): Promise<Batch> => {
    const batch = newBatch();
    for (let i = a; i < b; i++) {
      gen.generate(i, batch);
      if ((i - a) % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
    }
    return batch;
  };
  const end = (a: number) => Math.min(plan.total, a + batchSize);
  let next: Promise<Batch> | undefined = generate(plan.done, end(plan.done));
  try {
    for (let a = plan.done; a < plan.total; a = end(a)) {
      const b = end(a);
      const batch: Batch = await next!;
      opts.signal?.throwIfAborted();
      const written = db.transaction().execute(async (trx) => {
        // one seeder at a time: a second node starting at the same moment stops here
        await sql`select pg_advisory_xact_lock(hashtext('omnihall.demo.seed'))`.execute(trx);
        const top = await trx.selectFrom('subscriber').select((eb) => eb.fn.max<number | null>('id').as('id')).executeTakeFirstOrThrow();
        if (Number(top.id ?? 0) !== a) throw new SeededElsewhere();
        await sql`set local synchronous_commit = off`.execute(trx);
        for (const t of WRITE_ORDER) await batch[t].write(trx);
        // the ids were chosen here, so move the identity sequences past them
        await sql`select setval(pg_get_serial_sequence('subscriber', 'id'), ${b}),
                         setval(pg_get_serial_sequence('account', 'id'), ${b}),
                         setval(pg_get_serial_sequence('bill', 'id'), ${b * BILL_SLOTS})`.execute(trx);
        const value = JSON.stringify({ ...plan, done: b });
        await trx.insertInto('setting').values({ key: PROGRESS_KEY, value })
          .onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
      });
      // the next batch is generated while this one is written
      next = b < plan.total ? generate(b, end(b)) : undefined;
      next?.catch(() => undefined);
      await written;
      for (const t of WRITE_ORDER) rows[t]! += batch[t].count;
      opts.onProgress?.(b, plan.total);
    }
  } catch (e) {
    if (e instanceof SeededElsewhere) return { created: false, subscribers: await countSubscribers(db) };
    throw e;
  }
  await sql`analyze subscriber, account, ledger_entry, subscription, usage_counter, bill, bill_item, points_entry, interaction`.execute(db);
  return { created: true, subscribers: plan.total, rows };
}

/** Inserts the demo catalogue (offerings, prices) and the points rewards; rows already there are left alone. */
export async function seedCatalogue(db: Db): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await seedDemoOfferings(trx);
    await seedDemoRewards(trx);
  });
}
