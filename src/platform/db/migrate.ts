// Runs each module's migrations with a migration table of its own (`<module>_migration`), in the
// order the modules are given (a module's tables may refer to those of modules before it).
// Databases made by release 0.1, whose single history is in `kysely_migration`, are adopted:
// the tables that release made are recorded as each module's first migration, not made again.
import { Migrator, sql, type Kysely, type Migration } from 'kysely';

export interface ModuleMigrations {
  /** The module's name: its history is kept in `<module>_migration`. */
  module: string;
  migrations: Record<string, Migration>;
  /**
   * The module's first migration, when release 0.1 already made its tables: recorded as applied
   * on a database whose `kysely_migration` lists every one of `from`.
   */
  adopts?: { migration: string; from: string[] };
}

/** Runs a script one statement at a time: PGlite prepares each query, and a prepared query holds one command. */
export async function runStatements(db: Kysely<unknown>, script: string): Promise<void> {
  for (const stmt of script.split(/;\s*\n/).map((x) => x.trim()).filter(Boolean)) {
    await sql.raw(stmt).execute(db);
  }
}

const tableName = (module: string) => `${module.replace(/[^a-z0-9]/g, '_')}_migration`;

/** Release 0.1's applied migrations, or none on a database it never touched. */
async function legacyHistory(db: Kysely<unknown>): Promise<Set<string>> {
  const t = await sql<{ t: string | null }>`select to_regclass('public.kysely_migration')::text as t`.execute(db);
  if (!t.rows[0]?.t) return new Set();
  const rows = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
  return new Set(rows.rows.map((r) => r.name));
}

async function adopt(db: Kysely<unknown>, m: ModuleMigrations, legacy: Set<string>): Promise<void> {
  if (!m.adopts || !m.adopts.from.every((n) => legacy.has(n))) return;
  const table = sql.table(tableName(m.module));
  // The same shape Kysely's Migrator makes, so it reads this history as its own.
  await sql`create table if not exists ${table} (name varchar(255) not null primary key, timestamp varchar(255) not null)`.execute(db);
  await sql`insert into ${table} (name, timestamp) values (${m.adopts.migration}, ${new Date().toISOString()}) on conflict (name) do nothing`.execute(db);
}

/**
 * Applies every module's pending migrations. Several nodes starting at once take turns on one
 * advisory lock, so the migrations run once and the others find them applied.
 */
export async function migrateModules(db: Kysely<unknown>, modules: readonly ModuleMigrations[]): Promise<void> {
  await db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(hashtext('omnihall.migrate'))`.execute(conn);
    try {
      const legacy = await legacyHistory(conn);
      for (const m of modules) {
        await adopt(conn, m, legacy);
        const migrator = new Migrator({
          db: conn,
          provider: { getMigrations: async () => m.migrations },
          migrationTableName: tableName(m.module),
          migrationLockTableName: `${tableName(m.module)}_lock`,
        });
        const { error, results } = await migrator.migrateToLatest();
        const failed = results?.find((r) => r.status === 'Error');
        if (error || failed) throw new Error(`migration ${m.module}/${failed?.migrationName ?? ''} failed: ${String(error)}`);
      }
    } finally {
      await sql`select pg_advisory_unlock(hashtext('omnihall.migrate'))`.execute(conn);
    }
  });
}
