// A database made by release 0.1 (test/fixtures/release-0.1.sql.gz: one `kysely_migration`
// history with 0001-core and 0002-sms, a demo operator of 40 subscribers, staff, an order,
// receipts) migrates forward: every row of every old table survives unchanged, except the
// lifecycle status the catalogue's 0002-lifecycle renames ('Active' → 'Launched'); the app then
// serves it, and migrating again changes nothing. On PGlite, and on PostgreSQL with DATABASE_URL.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { sql } from 'kysely';
import { loadConfig, type Config } from '../src/config.ts';
import { openDb, type Db, type OpenedDb } from '../src/platform/db/index.ts';
import { migrate } from '../src/migrations.ts';
import { ManualClock } from '../src/platform/ports.ts';
import { buildServices, type Services } from '../src/container.ts';
import { buildApp } from '../src/app.ts';
import { callBusiness, freshDatabase, signIn, type TestEnv } from './helpers.ts';

const DUMP = gunzipSync(readFileSync(join(import.meta.dirname, 'fixtures', 'release-0.1.sql.gz'))).toString('utf8');

/** The columns 0002-lifecycle deliberately changes, checked on their own. */
const CHANGED: Record<string, string[]> = { offering: ['lifecycle_status'], offering_price: ['lifecycle_status'] };

interface OldTable {
  columns: string[];
  key: string[];
}

const q = (id: string) => `"${id.replace(/"/g, '""')}"`;

async function oldTables(db: Db): Promise<Map<string, OldTable>> {
  const cols = await sql<{ table: string; column: string }>`
    select table_name as table, column_name as column from information_schema.columns
    where table_schema = 'public' order by table_name, ordinal_position`.execute(db);
  const keys = await sql<{ table: string; column: string }>`
    select tc.table_name as table, k.column_name as column
    from information_schema.table_constraints tc
    join information_schema.key_column_usage k on k.constraint_name = tc.constraint_name and k.table_schema = tc.table_schema
    where tc.table_schema = 'public' and tc.constraint_type = 'PRIMARY KEY' order by tc.table_name, k.ordinal_position`.execute(db);
  const out = new Map<string, OldTable>();
  for (const c of cols.rows) {
    if (!out.has(c.table)) out.set(c.table, { columns: [], key: [] });
    out.get(c.table)!.columns.push(c.column);
  }
  for (const k of keys.rows) out.get(k.table)!.key.push(k.column);
  return out;
}

/** Each row's primary key and a checksum of its old columns (less the ones meant to change), in key order. */
async function checksums(db: Db, tables: Map<string, OldTable>): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const [table, t] of tables) {
    assert.ok(t.key.length > 0, `${table} has a primary key`);
    const kept = t.columns.filter((c) => !CHANGED[table]?.includes(c));
    const key = t.key.map(q).join(', ');
    const r = await sql<{ k: string; h: string }>`select row(${sql.raw(key)})::text as k, md5(row(${sql.raw(kept.map(q).join(', '))})::text) as h
      from ${sql.table(table)} order by ${sql.raw(key)}`.execute(db);
    out.set(table, r.rows.map((x) => `${x.k} ${x.h}`));
  }
  return out;
}

async function lifecycle(db: Db, table: 'offering' | 'offering_price'): Promise<Map<string, string>> {
  const r = await sql<{ id: string; s: string }>`select id, lifecycle_status as s from ${sql.table(table)} order by id`.execute(db);
  return new Map(r.rows.map((x) => [x.id, x.s]));
}

async function histories(db: Db): Promise<string[]> {
  const t = await sql<{ t: string }>`select table_name as t from information_schema.tables
    where table_schema = 'public' and table_name like '%\\_migration' order by table_name`.execute(db);
  const out: string[] = [];
  for (const { t: table } of t.rows) {
    const r = await sql<{ name: string; timestamp: string }>`select name, timestamp from ${sql.table(table)} order by name`.execute(db);
    for (const x of r.rows) out.push(`${table} ${x.name} ${x.timestamp}`);
  }
  return out;
}

/** A new database holding release 0.1's dump: a PGlite directory of its own, or a database on the server. */
async function legacyDatabase(): Promise<{ opened: OpenedDb; url: string | undefined; dataDir: string; drop(): Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const fresh = await freshDatabase();
    const c = new pg.Client({ connectionString: fresh.url });
    await c.connect();
    await c.query(DUMP);
    await c.end();
    const opened = await openDb({ databaseUrl: fresh.url, dataDir: 'memory://', poolSize: 4 });
    return { opened, url: fresh.url, dataDir: 'memory://', drop: () => fresh.drop() };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'omnihall-legacy-'));
  const lite = new PGlite(dataDir);
  await lite.exec(DUMP);
  await lite.close();
  const opened = await openDb({ dataDir });
  return { opened, url: undefined, dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
}

describe(`a release 0.1 database migrates forward (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let legacy: Awaited<ReturnType<typeof legacyDatabase>>;
  let db: Db;
  let tables: Map<string, OldTable>;
  let before0: Map<string, string[]>;
  let statusBefore: { offering: Map<string, string>; offering_price: Map<string, string> };
  let s: Services | undefined;
  let app: TestEnv['app'] | undefined;

  before(async () => {
    legacy = await legacyDatabase();
    db = legacy.opened.db;
    tables = await oldTables(db);
    before0 = await checksums(db, tables);
    statusBefore = { offering: await lifecycle(db, 'offering'), offering_price: await lifecycle(db, 'offering_price') };
    await migrate(db);
  });

  after(async () => {
    await app?.close();
    await s?.close();
    await legacy?.opened.close();
    await legacy?.drop();
  });

  test('the dump is the release 0.1 operator', () => {
    assert.ok(tables.has('kysely_migration'), 'release 0.1 kept one history');
    const count = (t: string) => before0.get(t)?.length ?? 0;
    assert.equal(count('subscriber'), 40);
    assert.ok(count('staff_user') >= 1 && count('product_order') >= 1 && count('sms_receipt') >= 1, 'staff, an order and receipts');
    assert.ok([...statusBefore.offering.values()].includes('Active'), 'offerings were Active in release 0.1');
  });

  test('every row of every old table survives unchanged, row counts included', async () => {
    const after0 = await checksums(db, tables);
    for (const [table, rows] of before0) {
      const now = after0.get(table)!;
      assert.equal(now.length, rows.length, `${table}: row count`);
      const changed = rows.filter((r, i) => now[i] !== r);
      assert.deepEqual(changed, [], `${table}: rows changed by the migrations`);
    }
  });

  test("the lifecycle status alone changes: 'Active' becomes 'Launched', every other status is kept", async () => {
    for (const table of ['offering', 'offering_price'] as const) {
      const now = await lifecycle(db, table);
      assert.equal(now.size, statusBefore[table].size);
      for (const [id, was] of statusBefore[table]) {
        assert.equal(now.get(id), was === 'Active' ? 'Launched' : was, `${table} ${id} was ${was}`);
      }
    }
  });

  test('the app serves the migrated database: 13800000001 reads their balance', async () => {
    const config: Config = { ...loadConfig({}), databaseUrl: legacy.url, dataDir: legacy.dataDir, demo: true, dbPoolSize: 4 };
    // A day after the dump's last sign-in code, so its rate limit has passed.
    const last = await sql<{ at: Date }>`select max(created_at) as at from otp_challenge`.execute(db);
    const clock = new ManualClock(new Date((last.rows[0]?.at ?? new Date('2026-11-15T02:00:00Z')).getTime() + 86_400_000));
    s = await buildServices(config, db, { clock, defaultMetrics: false });
    app = await buildApp(s);
    await app.ready();
    const env = { app } as TestEnv;
    const token = await signIn(env, '13800000001');
    const r = await callBusiness(env, token, 'balance.query');
    assert.equal(r.statusCode, 200, r.body);
    const acc = await sql<{ balance: number }>`select a.balance_fen as balance from account a join subscriber s on s.id = a.subscriber_id
      where s.msisdn = '13800000001'`.execute(db);
    assert.equal(r.json().result.balanceFen, acc.rows[0]!.balance);
    // Closing writes what is still on its way (the interaction log), so nothing lands later.
    await app.close();
    await s.close();
    app = undefined;
    s = undefined;
  });

  test('migrating again is a no-op', async () => {
    const history = await histories(db);
    const rows = await checksums(db, tables);
    await migrate(db);
    assert.deepEqual(await histories(db), history);
    assert.deepEqual(await checksums(db, tables), rows);
  });
});
