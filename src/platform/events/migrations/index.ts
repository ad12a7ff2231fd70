// The event outbox's migrations, applied with their own history table (events_migration).
import type { ModuleMigrations } from '../../db/migrate.ts';
import * as m0001 from './0001-tables.ts';

export const eventsMigrations: ModuleMigrations = {
  module: 'events',
  migrations: { '0001-tables': m0001 },
};
