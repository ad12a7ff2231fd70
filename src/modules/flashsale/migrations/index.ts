// The flash-sale module's migrations, applied with their own history table (flashsale_migration).
import type { ModuleMigrations } from '../../../platform/db/migrate.ts';
import * as m0001 from './0001-flash-sale.ts';

export const flashSaleMigrations: ModuleMigrations = {
  module: 'flashsale',
  migrations: { '0001-flash-sale': m0001 },
};
