// The marketing module's migrations, applied with their own history table (marketing_migration).
import type { ModuleMigrations } from '../../../platform/db/migrate.ts';
import * as m0001 from './0001-features-segments.ts';
import * as m0002 from './0002-contact-policy.ts';
import * as m0003 from './0003-offers.ts';
import * as m0004 from './0004-triggers.ts';
import * as m0005 from './0005-broadcasts.ts';
import * as m0006 from './0006-campaign-results.ts';
import * as m0007 from './0007-segment-indexes.ts';
import * as m0008 from './0008-offerings-asked.ts';
import * as m0009 from './0009-trigger-placements.ts';
import * as m0010 from './0010-trigger-ivr-kiosk.ts';

export const marketingMigrations: ModuleMigrations = {
  module: 'marketing',
  migrations: { '0001-features-segments': m0001, '0002-contact-policy': m0002, '0003-offers': m0003, '0004-triggers': m0004, '0005-broadcasts': m0005, '0006-campaign-results': m0006, '0007-segment-indexes': m0007, '0008-offerings-asked': m0008, '0009-trigger-placements': m0009, '0010-trigger-ivr-kiosk': m0010 },
};
