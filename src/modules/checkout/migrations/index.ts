// The checkout module's migrations, applied with their own history table (checkout_migration).
import type { ModuleMigrations } from '../../../platform/db/migrate.ts';
import * as m0001 from './0001-orders.ts';

export const checkoutMigrations: ModuleMigrations = {
  module: 'checkout',
  migrations: { '0001-orders': m0001 },
};
