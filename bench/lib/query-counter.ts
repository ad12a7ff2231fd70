// Counts the SQL statements a benchmark server sends, by wrapping the drivers' query methods.
// pg.Client for PostgreSQL, PGlite for the embedded database; installed before the database opens.
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';

type QueryFn = (this: unknown, ...args: unknown[]) => unknown;

let count = 0;
let installed = false;

function wrap(proto: { query: QueryFn }): void {
  const original = proto.query;
  proto.query = function counted(this: unknown, ...args: unknown[]): unknown {
    count++;
    return original.apply(this, args);
  };
}

/** Counts every statement sent through pg.Client or PGlite#query from now on (once per process). */
export function countDriverQueries(): void {
  if (installed) return;
  installed = true;
  wrap(pg.Client.prototype as unknown as { query: QueryFn });
  wrap(PGlite.prototype as unknown as { query: QueryFn });
}

/** For code that counts its own statements (PGlite transactions bypass `PGlite#query`). */
export function addQueries(n: number): void {
  count += n;
}

/** Statements counted so far in this process. */
export function queryCount(): number {
  return count;
}
