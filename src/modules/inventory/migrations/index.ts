// The inventory module's migrations, applied with their own history table (inventory_migration).
import type { ModuleMigrations } from '../../../platform/db/migrate.ts';
import * as m0001 from './0001-stock.ts';

export const inventoryMigrations: ModuleMigrations = {
  module: 'inventory',
  migrations: { '0001-stock': m0001 },
};
