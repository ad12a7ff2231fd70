// The goods module's migrations, applied with their own history table (goods_migration).
import type { ModuleMigrations } from '../../../platform/db/migrate.ts';
import * as m0001 from './0001-goods.ts';

export const goodsMigrations: ModuleMigrations = {
  module: 'goods',
  migrations: { '0001-goods': m0001 },
};
