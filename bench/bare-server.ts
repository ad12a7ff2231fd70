// Benchmark child: the limit of this stack, bare Fastify running omnihall's SQL on pg or PGlite.
// (It imports omnihall's statement definitions for their SQL text only; nothing of omnihall runs.)
// balance.query and pack.subscribe with no token check, no registry, no validation, no
// idempotency record and no interaction log.
import Fastify from 'fastify';
import { CamelCasePlugin, DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { DEFAULT_BALANCE_LOW_FEN, hotStatements } from '../src/modules/subscriber/index.ts';
import { offeringByIdStatement } from '../src/modules/catalogue/index.ts';
import type { Database } from '../src/platform/db/database.ts';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { readServerArgs, serveParent, type ServerArgs } from './lib/child.ts';
import { addQueries, queryCount } from './lib/query-counter.ts';

type Row = Record<string, unknown>;
type Query = (text: string, params: unknown[]) => Promise<Row[]>;

interface Sql {
  query: Query;
  /** Runs `fn` between begin and commit (rollback when it throws). */
  transaction<T>(fn: (q: Query) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// The same type parsing omnihall's openDb sets up: int8 and numeric as numbers, dates as text.
const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const toNumber = (v: string) => Number(v);

function pgSql(url: string, poolSize: number): Sql {
  const types = {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (oid === INT8 || oid === NUMERIC) return toNumber;
      if (oid === DATE) return (v: string) => v;
      return pg.types.getTypeParser(oid, format as 'text');
    },
  };
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types: types as pg.CustomTypesConfig });
  const query: Query = async (text, params) => {
    addQueries(1);
    return (await pool.query<Row>(text, params)).rows;
  };
  return {
    query,
    async transaction(fn) {
      const client = await pool.connect();
      const q: Query = async (text, params) => {
        addQueries(1);
        return (await client.query<Row>(text, params)).rows;
      };
      try {
        await q('begin', []);
        const out = await fn(q);
        await q('commit', []);
        return out;
      } catch (e) {
        await q('rollback', []);
        throw e;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

async function pgliteSql(dataDir: string): Promise<Sql> {
  const db = new PGlite(dataDir, { parsers: { [INT8]: toNumber, [NUMERIC]: toNumber, [DATE]: (v: string) => v } });
  await db.waitReady;
  return {
    async query(text, params) {
      addQueries(1);
      return (await db.query<Row>(text, params)).rows;
    },
    transaction(fn) {
      addQueries(2); // begin and commit (or rollback), which PGlite sends itself
      return db.transaction((tx) => fn(async (text, params) => {
        addQueries(1);
        return (await tx.query<Row>(text, params)).rows;
      }));
    },
    close: () => db.close(),
  };
}

function open(args: ServerArgs): Promise<Sql> | Sql {
  if (args.db === 'postgres') {
    if (!args.databaseUrl) throw new Error('postgres needs databaseUrl');
    return pgSql(args.databaseUrl, args.poolSize);
  }
  return pgliteSql(args.dataDir);
}

/** A refusal with its HTTP status; rolls the transaction back. */
class Refused extends Error {
  constructor(readonly status: number, readonly code: string) {
    super(code);
  }
}

// The reads are omnihall's own statements (modules/subscriber/builtin-bss.ts, modules/catalogue), compiled by Kysely without a
// connection: the subscriber with their account, which every business call starts from, and the
// offering. The writes below are the ones Kysely compiles for builtin-bss.ts, as plain text.
const compiler = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
  plugins: [new CamelCasePlugin()],
});
const SELECT_CUSTOMER = hotStatements.customerById.sql(compiler);
const SELECT_OFFERING = offeringByIdStatement.sql(compiler);
// The order as omnihall's BuiltinBss.order sends it: subscription, checked charge with its ledger
// entry and the points earned, in one statement.
const ORDER = hotStatements.orderSql;

const args = readServerArgs();
const sql = await open(args);
const app = Fastify({ logger: false });

interface Body {
  input?: { packId?: string };
}

app.post<{ Params: { id: string }; Body: Body | undefined }>('/api/v1/businesses/:id', async (req, reply) => {
  // The subscriber comes in a plain header: no token is checked.
  const subscriberId = Number(req.headers['x-subscriber-id']);
  const key = req.headers['idempotency-key'];
  const reference = typeof key === 'string' ? key : null;

  if (req.params.id === 'balance.query') {
    const [c] = await sql.query(SELECT_CUSTOMER, [subscriberId]);
    if (!c) return reply.code(404).send({ code: 'NOT_A_SUBSCRIBER' });
    return { status: 'ok', businessId: 'balance.query', result: { msisdn: c.msisdn, accountType: c.account_type, balanceFen: c.balance_fen, creditLimitFen: c.credit_limit_fen } };
  }

  if (req.params.id === 'pack.subscribe') {
    const packId = req.body?.input?.packId ?? '';
    try {
      const result = await sql.transaction(async (q) => {
        const now = new Date();
        const [c] = await q(SELECT_CUSTOMER, [subscriberId]);
        if (!c) throw new Refused(404, 'NOT_A_SUBSCRIBER');
        const [o] = await q(SELECT_OFFERING, [packId]);
        if (!o) throw new Refused(404, 'OFFERING_NOT_FOUND');
        const priceFen = o.price_fen as number;
        const validityDays = o.validity_days as number | null;
        const endsAt = validityDays ? new Date(now.getTime() + validityDays * 86_400_000) : null;
        const earned = Math.trunc(priceFen / 100);
        const [r] = await q(ORDER, [subscriberId, packId, now, endsAt, priceFen, 'api', reference, `订购${String(o.name_zh)}`, `Ordered ${String(o.name_en)}`, earned, DEFAULT_BALANCE_LOW_FEN]);
        if (r?.subscription_id == null) throw new Refused(409, 'ALREADY_SUBSCRIBED');
        if (r.balance_after_fen == null) throw new Refused(422, 'INSUFFICIENT_BALANCE');
        return { subscriptionId: r.subscription_id, offeringId: packId, priceFen, balanceFen: r.balance_after_fen, endsAt: endsAt?.toISOString() ?? null, pointsEarned: earned };
      });
      return { status: 'ok', businessId: 'pack.subscribe', result };
    } catch (e) {
      if (e instanceof Refused) return reply.code(e.status).send({ code: e.code });
      throw e;
    }
  }

  return reply.code(404).send({ code: 'BUSINESS_NOT_FOUND' });
});

await app.listen({ port: 0, host: '127.0.0.1' });
serveParent(app.server, {
  queries: queryCount,
  async close() {
    await app.close();
    await sql.close();
  },
});
