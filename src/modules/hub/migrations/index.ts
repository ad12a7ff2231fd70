// The hub module's migrations, applied with their own history table (hub_migration).
import type { ModuleMigrations } from '../../../platform/db/migrate.ts';
import * as m0001 from './0001-tables.ts';

export const hubMigrations: ModuleMigrations = {
  module: 'hub',
  migrations: { '0001-tables': m0001 },
};
