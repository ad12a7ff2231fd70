// The delivery module's migrations, applied with their own history table (delivery_migration).
import type { ModuleMigrations } from '../../../platform/db/migrate.ts';
import * as m0001 from './0001-delivery.ts';
import * as m0002 from './0002-cancelled-refunding.ts';

export const deliveryMigrations: ModuleMigrations = {
  module: 'delivery',
  migrations: { '0001-delivery': m0001, '0002-cancelled-refunding': m0002 },
};
