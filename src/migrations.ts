// Every module's migrations in dependency order: a module's tables may refer to (foreign keys)
// the tables of modules before it, never after.
import type { Kysely } from 'kysely';
import { migrateModules, type ModuleMigrations } from './platform/db/migrate.ts';
import { smsMigrations } from './platform/sms/migrations/index.ts';
import { eventsMigrations } from './platform/events/index.ts';
import { workflowMigrations } from './platform/workflow/index.ts';
import { catalogueMigrations } from './modules/catalogue/index.ts';
import { hubMigrations } from './modules/hub/index.ts';
import { subscriberMigrations } from './modules/subscriber/index.ts';
import { interactionsMigrations } from './modules/interactions/index.ts';
import { orderingMigrations } from './modules/ordering/index.ts';
import { identityMigrations } from './modules/identity/index.ts';
import { staffMigrations } from './modules/staff/index.ts';
import { marketingMigrations } from './modules/marketing/index.ts';
import { goodsMigrations } from './modules/goods/index.ts';
import { inventoryMigrations } from './modules/inventory/index.ts';
import { paymentMigrations } from './modules/payment/index.ts';
import { deliveryMigrations } from './modules/delivery/index.ts';
import { cartMigrations } from './modules/cart/index.ts';
import { promotionMigrations } from './modules/promotion/index.ts';
import { checkoutMigrations } from './modules/checkout/index.ts';
import { reviewsMigrations } from './modules/reviews/index.ts';
import { flashSaleMigrations } from './modules/flashsale/index.ts';

export const MODULE_MIGRATIONS: readonly ModuleMigrations[] = [
  smsMigrations,
  eventsMigrations,
  workflowMigrations,
  catalogueMigrations,
  hubMigrations,
  subscriberMigrations,
  interactionsMigrations,
  orderingMigrations,
  identityMigrations,
  staffMigrations,
  marketingMigrations,
  goodsMigrations,
  inventoryMigrations,
  paymentMigrations,
  deliveryMigrations,
  cartMigrations,
  checkoutMigrations,
  flashSaleMigrations,
  reviewsMigrations,
  promotionMigrations,
];

/** Applies every module's migrations not yet applied; safe on each start and from several nodes at once. */
export function migrate(db: Kysely<any>): Promise<void> {
  return migrateModules(db as Kysely<unknown>, MODULE_MIGRATIONS);
}
