// The catalogue module's migrations, applied with their own history table (catalogue_migration).
import type { ModuleMigrations } from '../../../platform/db/migrate.ts';
import * as m0001 from './0001-tables.ts';
import * as m0002 from './0002-lifecycle.ts';
import * as m0003 from './0003-resources.ts';

export const catalogueMigrations: ModuleMigrations = {
  module: 'catalogue',
  migrations: { '0001-tables': m0001, '0002-lifecycle': m0002, '0003-resources': m0003 },
  adopts: { migration: '0001-tables', from: ['0001-core'] },
};
