// The identity module's migrations, applied with their own history table (identity_migration).
import type { ModuleMigrations } from '../../../platform/db/migrate.ts';
import * as m0001 from './0001-tables.ts';
import * as m0002 from './0002-sessions-and-limits.ts';

export const identityMigrations: ModuleMigrations = {
  module: 'identity',
  migrations: { '0001-tables': m0001, '0002-sessions-and-limits': m0002 },
  adopts: { migration: '0001-tables', from: ['0001-core'] },
};
