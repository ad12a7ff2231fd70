// Opens the database: PGlite in-process when no DATABASE_URL is set, a pg pool otherwise.
// Both speak the same SQL, so every query and every test runs on either.
import { mkdirSync } from 'node:fs';
import { CamelCasePlugin, Kysely, Migrator, PostgresDialect, type Migration } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Database } from './schema.ts';
import * as m0001 from './migrations/0001-core.ts';
import * as m0002 from './migrations/0002-sms.ts';

export type Db = Kysely<Database>;

export interface OpenedDb {
  db: Db;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

const migrations: Record<string, Migration> = {
  '0001-core': m0001,
  '0002-sms': m0002,
};

/** bigint and numeric come back as JS numbers: money is integer fen, far below 2^53. */
function toSafeNumber(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n)) throw new Error(`not a number: ${text}`);
  return n;
}

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;

export async function openDb(opts: { databaseUrl?: string; dataDir: string; poolSize?: number }): Promise<OpenedDb> {
  const plugins = [new CamelCasePlugin()];
  if (opts.databaseUrl) {
    const types = {
      getTypeParser(oid: number, format?: 'text' | 'binary') {
        if (oid === INT8 || oid === NUMERIC) return toSafeNumber;
        if (oid === DATE) return (v: string) => v;
        return pg.types.getTypeParser(oid, format as 'text');
      },
    };
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 20, types: types as pg.CustomTypesConfig });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  if (!opts.dataDir.startsWith('memory://')) mkdirSync(opts.dataDir, { recursive: true });
  const client = new PGlite(opts.dataDir, {
    parsers: { [INT8]: toSafeNumber, [NUMERIC]: toSafeNumber, [DATE]: (v: string) => v },
  });
  await client.waitReady;
  const db = new Kysely<Database>({ dialect: new PGliteDialect(client), plugins });
  return { db, kind: 'pglite', close: () => db.destroy() };
}

/** Applies every migration not yet applied; safe to run on each start and from several nodes. */
export async function migrate(db: Db): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}
