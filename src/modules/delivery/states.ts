// The shipment's state machine: it only moves forward. Carriers' events come late, twice and out
// of order (a scan at the depot arriving after the signature); each is kept in the timeline, but
// only news of a later state moves the shipment, so it never goes back. A cancelled parcel never
// left (its order was refunded in full first): nothing moves it, and no carrier's news is of it.
import { l10n, type L10n } from '../../platform/i18n.ts';
import type { ShipmentState } from './tables.ts';

const RANK: Record<ShipmentState, number> = { to_ship: 0, shipped: 1, in_transit: 2, delivered: 3, returned: 4, cancelled: 5 };

/** Whether news of `to` moves a shipment that is `from`. A parcel signed for comes back only as a return request. */
export function movesForward(from: ShipmentState, to: ShipmentState): boolean {
  if (from === 'cancelled' || to === 'cancelled') return false;
  if (to === 'returned' && from === 'delivered') return false;
  return RANK[to] > RANK[from];
}

export const STATE_NAMES: Record<ShipmentState, L10n> = {
  to_ship: l10n('待发货', 'To ship'),
  shipped: l10n('已发货', 'Shipped'),
  in_transit: l10n('运输中', 'In transit'),
  delivered: l10n('已签收', 'Delivered'),
  returned: l10n('已退回', 'Returned'),
  cancelled: l10n('已取消发货', 'Cancelled'),
};
