// The row types Kysely sees. `Database` starts empty here: each module adds its own tables to it
// in its `tables.ts` (TypeScript declaration merging), so the platform knows no module's tables
// and a module's tables are declared beside the code that owns them.
import type { ColumnType } from 'kysely';

export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A `date` column: read as `YYYY-MM-DD`. */
export type DateOnly = ColumnType<string, string, string>;
/** A jsonb column: written as JSON text, read parsed. */
export type Json<T> = ColumnType<T, string, string>;
/** A text[] column. */
export type TextArray = ColumnType<string[], string[], string[]>;

// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface Database {}
