// The workflow runner's migrations, applied with their own history table (workflow_migration).
import type { ModuleMigrations } from '../../db/migrate.ts';
import * as m0001 from './0001-tables.ts';

export const workflowMigrations: ModuleMigrations = {
  module: 'workflow',
  migrations: { '0001-tables': m0001 },
};
