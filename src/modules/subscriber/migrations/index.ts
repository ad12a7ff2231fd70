// The subscriber module's migrations, applied with their own history table (subscriber_migration).
import type { ModuleMigrations } from '../../../platform/db/migrate.ts';
import * as m0001 from './0001-tables.ts';

export const subscriberMigrations: ModuleMigrations = {
  module: 'subscriber',
  migrations: { '0001-tables': m0001 },
  adopts: { migration: '0001-tables', from: ['0001-core'] },
};
