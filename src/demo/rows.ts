// Column buffers: how every module's demo rows are written, many at a time.
import { sql, type Transaction } from 'kysely';
import type { Database } from '../platform/db/database.ts';

/** Rows of one table kept as one array per column, written with `insert ... select from unnest(...)`:
 * one parameter per column whatever the number of rows, on PGlite and on PostgreSQL alike.
 * Timestamps travel as epoch milliseconds (cheaper to build and to parse than ISO text). */
export class Columns {
  readonly data: unknown[][];
  count = 0;
  constructor(readonly table: string, readonly columns: readonly (readonly [string, string])[]) {
    this.data = columns.map(() => []);
  }
  add(...values: unknown[]): void {
    for (let j = 0; j < values.length; j++) this.data[j]!.push(values[j]);
    this.count++;
  }
  async write(q: Transaction<Database>): Promise<void> {
    if (this.count === 0) return;
    const names = sql.raw(this.columns.map((c) => c[0]).join(', '));
    const aliases = sql.raw(this.columns.map((_, j) => `c${j}`).join(', '));
    const exprs = sql.raw(this.columns
      .map(([, type], j) => (type === 'timestamptz' ? `timestamptz 'epoch' + c${j} * interval '1 millisecond'` : `c${j}`))
      .join(', '));
    const arrays = sql.join(this.columns.map(([, type], j) => sql`${this.data[j]}::${sql.raw(type === 'timestamptz' ? 'bigint' : type)}[]`));
    await sql`insert into ${sql.raw(this.table)} (${names}) select ${exprs} from unnest(${arrays}) as u(${aliases})`.execute(q);
  }
}
