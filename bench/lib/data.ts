// Scratch benchmark databases (PostgreSQL omnihall_bench or a temp PGlite dir) and their load.
// Seeded with the demo operator; plus the subscribers, tokens and packs the requests use.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { openDb, type Db } from '../../src/platform/db/index.ts';
import { migrate } from '../../src/migrations.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { SUBSCRIBER_TOKEN_TTL_S, TokenSigner, loadTokenKey } from '../../src/modules/identity/index.ts';
import { cryptoRandom } from '../../src/platform/ports.ts';

export type DbKind = 'postgres' | 'pglite';

/** Where one benchmark database lives; `drop()` removes it. */
export interface Target {
  kind: DbKind;
  databaseUrl: string | undefined;
  /** PGlite's data directory ('' for PostgreSQL). */
  dataDir: string;
  drop(): Promise<void>;
}

const BENCH_DB = 'omnihall_bench';

/** A fresh, empty database on the server at `baseUrl`, dropped by `drop()`. */
export async function scratchDatabase(baseUrl: string, name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = async (statement: string) => {
    const c = new pg.Client({ connectionString: baseUrl });
    await c.connect();
    try {
      await c.query(statement);
    } finally {
      await c.end();
    }
  };
  await admin(`drop database if exists ${name} with (force)`);
  await admin(`create database ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

export async function createTarget(kind: DbKind, baseUrl: string): Promise<Target> {
  if (kind === 'pglite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'omnihall-bench-'));
    return { kind, databaseUrl: undefined, dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const scratch = await scratchDatabase(baseUrl, BENCH_DB);
  return { kind, databaseUrl: scratch.url, dataDir: '', drop: scratch.drop };
}

/** A second PGlite directory with the same data (PGlite lets one process open a directory). */
export function copyTarget(t: Target): Target {
  if (t.kind !== 'pglite') throw new Error('only a PGlite directory can be copied');
  const dataDir = mkdtempSync(join(tmpdir(), 'omnihall-bench-'));
  cpSync(t.dataDir, dataDir, { recursive: true });
  return { kind: t.kind, databaseUrl: undefined, dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
}

/** Opens the target for the length of `fn` (PGlite allows one process at a time, so never longer). */
export async function withDb<T>(t: Target, fn: (db: Db) => Promise<T>): Promise<T> {
  const opened = await openDb({ databaseUrl: t.databaseUrl, dataDir: t.dataDir, poolSize: 4 });
  try {
    return await fn(opened.db);
  } finally {
    await opened.close();
  }
}

export interface Client {
  subscriberId: number;
  token: string;
}

export interface Workload {
  /** balance.query rotates over these (the "signed-in" subscribers). */
  balanceClients: Client[];
  /** pack.subscribe rotates over (client, pack) pairs; each pair can succeed once per reset. */
  packClients: Client[];
  packs: string[];
}

export interface PrepareOptions {
  subscribers: number;
  seed: number;
  /** How many subscribers balance.query spreads over. */
  clients: number;
  onProgress?(message: string): void;
}

/**
 * Migrates and seeds the demo operator, then chooses the load: active subscribers, packs any of
 * them may order on the API (their current subscriptions to them cancelled), balances topped up
 * (with a ledger entry, so balance = ledger sum) to pay for every pack, and bearer tokens minted
 * with the database's own key.
 */
export async function prepare(db: Db, o: PrepareOptions): Promise<Workload> {
  await migrate(db);
  const started = Date.now();
  let last = 0;
  const seeded = await seedDemo(db, {
    subscribers: o.subscribers, seed: o.seed, now: new Date(),
    onProgress(done, total) {
      if (Date.now() - last < 5000) return;
      last = Date.now();
      o.onProgress?.(`  seeded ${done}/${total} subscribers`);
    },
  });
  o.onProgress?.(`  ${seeded.subscribers} subscribers in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const offerings = await db.selectFrom('offering as o').innerJoin('offeringPrice as p', 'p.id', 'o.priceId')
    .select(['o.id', 'o.kind', 'o.eligibility', 'o.channels', 'p.amountFen']).where('o.lifecycleStatus', '=', 'Launched').orderBy('o.id').execute();
  // Packs with no eligibility rule at all, sold on the API: any active subscriber may order them.
  const packs = offerings.filter((x) => x.kind !== 'plan' && x.channels.includes('api') && Object.keys(x.eligibility ?? {}).length === 0);
  if (packs.length === 0) throw new Error('the demo catalogue has no pack every subscriber may order');
  const packsFen = packs.reduce((sum, p) => sum + (p.amountFen ?? 0), 0);

  const ids = (await db.selectFrom('subscriber').select('id').where('status', '=', 'active').orderBy('id').execute()).map((r) => r.id);
  if (ids.length < o.clients) throw new Error(`only ${ids.length} active subscribers; ask for fewer clients or more subscribers`);

  // Each pack client buys each pack at most once (the load never repeats a pair), plus a margin.
  const topUpFen = packsFen + 100_000;
  await sql`
    with topped as (
      update account set balance_fen = balance_fen + ${topUpFen}, updated_at = now()
      where subscriber_id = any(${ids}::bigint[])
      returning id, balance_fen
    )
    insert into ledger_entry (account_id, kind, amount_fen, balance_after_fen, channel, reference, note_zh, note_en)
    select id, 'recharge', ${topUpFen}, balance_fen, 'bench', null, '压测充值', 'Benchmark top-up' from topped
  `.execute(db);

  const signer = new TokenSigner(await loadTokenKey(db, cryptoRandom));
  const now = new Date();
  const client = (subscriberId: number): Client => ({
    subscriberId, token: signer.issue({ kind: 'subscriber', subscriberId }, now, SUBSCRIBER_TOKEN_TTL_S),
  });
  const packClients = ids.map(client);
  // Spread the signed-in subscribers evenly over the whole id range.
  const step = ids.length / o.clients;
  const balanceClients = Array.from({ length: o.clients }, (_, i) => packClients[Math.floor(i * step)]!);
  const packIds = packs.map((p) => p.id);

  // The demo operator's subscribers already hold some of these packs: cancel those, so every
  // (subscriber, pack) pair can be ordered once.
  await sql`
    update subscription set status = 'cancelled', cancelled_at = now()
    where status = 'active' and subscriber_id = any(${ids}::bigint[]) and offering_id = any(${packIds}::text[])
  `.execute(db);
  return { balanceClients, packClients, packs: packIds };
}
