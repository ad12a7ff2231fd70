// Where a business is shown: the richer pages for the businesses that have one, else the
// generated page every registry business gets.
const PAGES: Record<string, string> = {
  'bill.query': '/bills',
  'pack.subscribe': '/packs',
  'packs.list': '/packs',
  'subscriptions.query': '/subscriptions',
  'pack.unsubscribe': '/subscriptions',
  recharge: '/recharge',
  'points.query': '/points',
  'points.redeem': '/points',
  // An offer is taken from the card that lists it (我的专属优惠 on the home page), never from a
  // form asking for its number.
  'offers.mine': '/',
  'offer.accept': '/',
};

export function pathFor(businessId: string): string {
  return PAGES[businessId] ?? `/b/${encodeURIComponent(businessId)}`;
}

/** Shortcuts on the home page before this device has used anything. */
export const DEFAULT_SHORTCUTS = ['recharge', 'pack.subscribe', 'bill.query', 'usage.query', 'subscriptions.query', 'plan.change', 'points.redeem', 'balance.query'];
