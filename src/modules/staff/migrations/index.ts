// The staff module's migrations, applied with their own history table (staff_migration).
import type { ModuleMigrations } from '../../../platform/db/migrate.ts';
import * as m0001 from './0001-tables.ts';
import * as m0002 from './0002-audit.ts';
import * as m0003 from './0003-sign-in-throttle.ts';

export const staffMigrations: ModuleMigrations = {
  module: 'staff',
  migrations: { '0001-tables': m0001, '0002-audit': m0002, '0003-sign-in-throttle': m0003 },
  adopts: { migration: '0001-tables', from: ['0001-core'] },
};
