// The promotion module's migrations, applied with their own history table (promotion_migration).
import type { ModuleMigrations } from '../../../platform/db/migrate.ts';
import * as m0001 from './0001-tables.ts';

export const promotionMigrations: ModuleMigrations = {
  module: 'promotion',
  migrations: { '0001-tables': m0001 },
};
