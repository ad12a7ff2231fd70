// Fixed-shape statements on the hot path, built and compiled by Kysely once instead of per call.
// Building and compiling a join costs more CPU than PostgreSQL spends running it by primary key
// (bench/core.ts), and the same SQL text each time lets the driver reuse its prepared statement.
import type { Compilable, CompiledQuery, Kysely, Transaction } from 'kysely';
import type { Database } from './database.ts';

type Q = Kysely<Database> | Transaction<Database>;

/** Stands for argument `index` while the query is built; replaced by the real value per call. */
class Slot {
  constructor(readonly index: number) {}
}

/**
 * A query whose shape never changes, only its parameter values. `build` receives stand-ins for
 * its arguments and must use each one as a plain bound value (a comparison's right side, a
 * value to insert); Kysely must not look inside them, so no arrays for `in` and no null checks.
 * Every Db omnihall opens compiles the same way (openDb: PostgreSQL dialect, camel-case
 * plugin), so one compilation serves all of them and their transactions.
 */
export class FixedQuery<A extends unknown[], R> {
  private compiled: CompiledQuery<R> | undefined;
  /** For each parameter of the compiled SQL: the argument index it takes, or its constant value. */
  private sources: ({ arg: number } | { value: unknown })[] = [];

  constructor(private readonly build: (q: Q, ...args: A) => Compilable<R>) {}

  private compile(q: Q): CompiledQuery<R> {
    const slots = Array.from({ length: this.build.length - 1 }, (_, i) => new Slot(i));
    const compiled = this.build(q, ...(slots as unknown as A)).compile();
    this.sources = compiled.parameters.map((p) => (p instanceof Slot ? { arg: p.index } : { value: p }));
    for (const s of slots) {
      if (!this.sources.some((x) => 'arg' in x && x.arg === s.index)) {
        throw new Error(`fixed query: argument ${s.index} is not a bound value of ${compiled.sql}`);
      }
    }
    this.compiled = compiled;
    return compiled;
  }

  /** The SQL text every call sends (the benchmark's bare handler runs the same). */
  sql(q: Q): string {
    return (this.compiled ?? this.compile(q)).sql;
  }

  async execute(q: Q, ...args: A): Promise<R[]> {
    const c = this.compiled ?? this.compile(q);
    const parameters = this.sources.map((s) => ('arg' in s ? args[s.arg] : s.value));
    const r = await q.executeQuery<R>({ query: c.query, queryId: c.queryId, sql: c.sql, parameters });
    return r.rows;
  }

  async first(q: Q, ...args: A): Promise<R | undefined> {
    return (await this.execute(q, ...args))[0];
  }
}
