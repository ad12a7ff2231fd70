// The interactions module's migrations, applied with their own history table (interactions_migration).
import type { ModuleMigrations } from '../../../platform/db/migrate.ts';
import * as m0001 from './0001-tables.ts';
import * as m0002 from './0002-offering.ts';

export const interactionsMigrations: ModuleMigrations = {
  module: 'interactions',
  migrations: { '0001-tables': m0001, '0002-offering': m0002 },
  adopts: { migration: '0001-tables', from: ['0001-core'] },
};
