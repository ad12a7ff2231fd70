// The reviews module's migrations, applied with their own history table (reviews_migration).
import type { ModuleMigrations } from '../../../platform/db/migrate.ts';
import * as m0001 from './0001-reviews.ts';

export const reviewsMigrations: ModuleMigrations = {
  module: 'reviews',
  migrations: { '0001-reviews': m0001 },
};
