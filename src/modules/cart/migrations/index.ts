// The cart module's migrations, applied with their own history table (cart_migration).
import type { ModuleMigrations } from '../../../platform/db/migrate.ts';
import * as m0001 from './0001-tables.ts';

export const cartMigrations: ModuleMigrations = {
  module: 'cart',
  migrations: { '0001-tables': m0001 },
};
