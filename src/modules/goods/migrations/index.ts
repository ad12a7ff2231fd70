// The goods module's migrations, applied with their own history table (goods_migration).
import type { ModuleMigrations } from '../../../platform/db/migrate.ts';
import * as m0001 from './0001-goods.ts';
import * as m0002 from './0002-void-codes.ts';

export const goodsMigrations: ModuleMigrations = {
  module: 'goods',
  migrations: { '0001-goods': m0001, '0002-void-codes': m0002 },
};
