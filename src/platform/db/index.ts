// Opens the database: PGlite in-process when no DATABASE_URL is set, a pg pool otherwise.
// Both speak the same SQL, so every query and every test runs on either.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { CamelCasePlugin, Kysely, PostgresDialect, sql, type PostgresCursor, type PostgresPool, type PostgresPoolClient, type PostgresQueryResult } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Database } from './database.ts';

export type Db = Kysely<Database>;

export interface OpenedDb {
  db: Db;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

/** bigint and numeric come back as JS numbers: money is integer fen, far below 2^53. */
function toSafeNumber(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n)) throw new Error(`not a number: ${text}`);
  return n;
}

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;

/** Most parameters a statement may have and still be prepared: bulk inserts change text with their row count. */
const PREPARE_MAX_PARAMETERS = 32;
const statementNames = new Map<string, string>();

function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `k_${createHash('sha1').update(text).digest('base64url').slice(0, 22)}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * A pool client that sends fixed-shape statements as named prepared statements, so each
 * connection parses and plans them once instead of on every call; for a primary-key lookup that
 * is most of PostgreSQL's work. (Behind PgBouncer this needs its protocol-level prepared statements.)
 */
class PreparingClient implements PostgresPoolClient {
  constructor(private readonly client: pg.PoolClient) {}

  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(sql: string | PostgresCursor<R>, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    if (typeof sql !== 'string') throw new Error('streaming queries are not configured');
    const values = [...(parameters ?? [])];
    const q = values.length <= PREPARE_MAX_PARAMETERS ? { name: statementName(sql), text: sql, values } : { text: sql, values };
    return this.client.query(q) as unknown as Promise<PostgresQueryResult<R>>;
  }

  release(): void {
    this.client.release();
  }
}

function preparingPool(pool: pg.Pool): PostgresPool {
  // Kysely keys its connections by client object, so each pg client keeps one wrapper.
  const wrapped = new WeakMap<pg.PoolClient, PreparingClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let w = wrapped.get(client);
      if (!w) {
        w = new PreparingClient(client);
        wrapped.set(client, w);
        // pg's pool listens for a client's 'error' only while the client is idle in the pool. A
        // connection cut while Kysely holds it between statements (a transaction, the migration
        // lock) would otherwise emit 'error' with nobody listening, and that ends the process.
        // The next statement on it fails ("not queryable", answered 503) and its release drops it.
        client.on('error', noop);
      }
      return w;
    },
    end: () => pool.end(),
  };
}

function noop(): void {}

/** How long a request waits for a database connection before it is answered 503 (the database is away or every connection is busy). */
export const CONNECT_TIMEOUT_MS = 5_000;

/** What a pool reports when one of its idle connections dies (a restart, a network cut): logged, never thrown. */
export type PoolErrorListener = (err: Error) => void;

const logToStderr: PoolErrorListener = (err) => {
  process.stderr.write(`database connection lost (${err.message}); the pool reconnects on next use\n`);
};

export interface OpenDbOptions {
  databaseUrl?: string;
  dataDir: string;
  poolSize?: number;
  /** How long to wait for a connection, in ms (CONNECT_TIMEOUT_MS unless told). */
  connectTimeoutMs?: number;
  /** Told when an idle pooled connection dies; the pool drops it and connects afresh when next asked. */
  onPoolError?: PoolErrorListener;
}

export async function openDb(opts: OpenDbOptions): Promise<OpenedDb> {
  const plugins = [new CamelCasePlugin()];
  if (opts.databaseUrl) {
    const types = {
      getTypeParser(oid: number, format?: 'text' | 'binary') {
        if (oid === INT8 || oid === NUMERIC) return toSafeNumber;
        if (oid === DATE) return (v: string) => v;
        return pg.types.getTypeParser(oid, format as 'text');
      },
    };
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.poolSize ?? 20,
      types: types as pg.CustomTypesConfig,
      // a request waits this long for a connection, then is answered 503, instead of hanging
      connectionTimeoutMillis: opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    });
    // Without a listener, an idle connection terminated by the server ("terminating connection
    // due to administrator command" on a restart) is an unhandled 'error' event that ends the
    // process. pg has already removed that client; later connects make new ones.
    pool.on('error', opts.onPoolError ?? logToStderr);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }), plugins });
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

let savepoints = 0;

/**
 * Runs `work` so that its failure undoes only its own statements: in a savepoint inside a
 * transaction (the transaction stays usable, e.g. after a unique index refused a row), in a
 * transaction of its own otherwise.
 */
export async function withSavepoint<T>(q: Db, work: (q: Db) => Promise<T>): Promise<T> {
  if (!q.isTransaction) return q.transaction().execute(work);
  const name = sql.raw(`sp_${++savepoints}`);
  await sql`savepoint ${name}`.execute(q);
  try {
    const out = await work(q);
    await sql`release savepoint ${name}`.execute(q);
    return out;
  } catch (e) {
    await sql`rollback to savepoint ${name}`.execute(q);
    throw e;
  }
}
