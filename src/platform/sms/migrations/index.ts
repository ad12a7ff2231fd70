// The SMS transport's migrations, applied with their own history table (sms_migration).
import type { ModuleMigrations } from '../../db/migrate.ts';
import * as m0001 from './0001-tables.ts';

export const smsMigrations: ModuleMigrations = {
  module: 'sms',
  migrations: { '0001-tables': m0001 },
  adopts: { migration: '0001-tables', from: ['0001-core', '0002-sms'] },
};
