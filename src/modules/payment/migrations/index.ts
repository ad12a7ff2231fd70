// The payment module's migrations, applied with their own history table (payment_migration).
import type { ModuleMigrations } from '../../../platform/db/migrate.ts';
import * as m0001 from './0001-payments.ts';
import * as m0002 from './0002-refund-idempotency.ts';

export const paymentMigrations: ModuleMigrations = {
  module: 'payment',
  migrations: { '0001-payments': m0001, '0002-refund-idempotency': m0002 },
};
