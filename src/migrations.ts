// Every module's migrations in dependency order: a module's tables may refer to (foreign keys)
// the tables of modules before it, never after.
import type { Kysely } from 'kysely';
import { migrateModules, type ModuleMigrations } from './platform/db/migrate.ts';
import { smsMigrations } from './platform/sms/migrations/index.ts';
import { catalogueMigrations } from './modules/catalogue/migrations/index.ts';
import { hubMigrations } from './modules/hub/index.ts';
import { subscriberMigrations } from './modules/subscriber/migrations/index.ts';
import { interactionsMigrations } from './modules/interactions/migrations/index.ts';
import { orderingMigrations } from './modules/ordering/migrations/index.ts';
import { identityMigrations } from './modules/identity/migrations/index.ts';
import { staffMigrations } from './modules/staff/migrations/index.ts';

export const MODULE_MIGRATIONS: readonly ModuleMigrations[] = [
  smsMigrations,
  catalogueMigrations,
  hubMigrations,
  subscriberMigrations,
  interactionsMigrations,
  orderingMigrations,
  identityMigrations,
  staffMigrations,
];

/** Applies every module's migrations not yet applied; safe on each start and from several nodes at once. */
export function migrate(db: Kysely<any>): Promise<void> {
  return migrateModules(db as Kysely<unknown>, MODULE_MIGRATIONS);
}
