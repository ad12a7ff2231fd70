// The checkout module's migrations, applied with their own history table (checkout_migration).
import type { ModuleMigrations } from '../../../platform/db/migrate.ts';
import * as m0001 from './0001-orders.ts';
import * as m0002 from './0002-order-refunds.ts';
import * as m0003 from './0003-voided-codes.ts';
import * as m0004 from './0004-kept-refunds.ts';

export const checkoutMigrations: ModuleMigrations = {
  module: 'checkout',
  migrations: { '0001-orders': m0001, '0002-order-refunds': m0002, '0003-voided-codes': m0003, '0004-kept-refunds': m0004 },
};
