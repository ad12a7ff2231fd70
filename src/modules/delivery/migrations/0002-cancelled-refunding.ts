// A parcel of an order refunded in full before it left is `cancelled` (out of the warehouse's
// queue, for good), and a return whose refund was asked for but not yet paid out (awaiting a
// second person's approval, or the provider) is `refunding` until it is.
import type { Kysely } from 'kysely';
import { runStatements } from '../../../platform/db/migrate.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    alter table shipment drop constraint shipment_state_check;
    alter table shipment add constraint shipment_state_check check (state in ('to_ship', 'shipped', 'in_transit', 'delivered', 'returned', 'cancelled'));
    alter table shipment_event drop constraint shipment_event_state_check;
    alter table shipment_event add constraint shipment_event_state_check check (state in ('to_ship', 'shipped', 'in_transit', 'delivered', 'returned', 'cancelled'));
    alter table return_request drop constraint return_request_state_check;
    alter table return_request add constraint return_request_state_check check (state in ('requested', 'approved', 'received', 'refunding', 'refunded', 'rejected'))
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    update return_request set state = 'received' where state = 'refunding';
    alter table return_request drop constraint return_request_state_check;
    alter table return_request add constraint return_request_state_check check (state in ('requested', 'approved', 'received', 'refunded', 'rejected'));
    update shipment_event set state = 'to_ship' where state = 'cancelled';
    alter table shipment_event drop constraint shipment_event_state_check;
    alter table shipment_event add constraint shipment_event_state_check check (state in ('to_ship', 'shipped', 'in_transit', 'delivered', 'returned'));
    update shipment set state = 'to_ship' where state = 'cancelled';
    alter table shipment drop constraint shipment_state_check;
    alter table shipment add constraint shipment_state_check check (state in ('to_ship', 'shipped', 'in_transit', 'delivered', 'returned'))
  `);
}
