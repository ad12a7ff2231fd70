// The console's pages and which roles see each in the side menu (admin sees everything).
import type { MessageKey } from './messages.ts';
import type { StaffRole } from './types.ts';

interface NavEntry<K extends string> {
  key: K;
  path: string;
  label: MessageKey;
  roles: readonly StaffRole[];
  /** The side menu's group it sits in (营销, 商城), if any. */
  group?: 'marketing' | 'mall';
}

/**
 * The mall's pages (商城), each also shown at `<path>/<id>` for one item (a product, an order…).
 * A page added here needs its icon and lazy chunk in mall-nav.tsx (its type says so).
 */
export const MALL_NAV = [
  { key: 'mallGoods', path: '/mall/goods', label: 'nav.mallGoods', roles: ['admin', 'product', 'ops'], group: 'mall' },
  { key: 'mallStock', path: '/mall/stock', label: 'nav.mallStock', roles: ['admin', 'product', 'ops'], group: 'mall' },
  { key: 'mallOrders', path: '/mall/orders', label: 'nav.mallOrders', roles: ['admin', 'product', 'ops'], group: 'mall' },
  { key: 'mallPayments', path: '/mall/payments', label: 'nav.mallPayments', roles: ['admin', 'ops', 'agent'], group: 'mall' },
  { key: 'mallShipments', path: '/mall/shipments', label: 'nav.mallShipments', roles: ['admin', 'ops', 'agent'], group: 'mall' },
  { key: 'mallPromotions', path: '/mall/promotions', label: 'nav.mallPromotions', roles: ['admin', 'product', 'marketing'], group: 'mall' },
  { key: 'mallFlashSales', path: '/mall/flash-sales', label: 'nav.mallFlashSales', roles: ['admin', 'product', 'marketing', 'ops'], group: 'mall' },
  { key: 'mallReviews', path: '/mall/reviews', label: 'nav.mallReviews', roles: ['admin', 'product', 'ops'], group: 'mall' },
] as const satisfies readonly NavEntry<string>[];

export type MallPageKey = (typeof MALL_NAV)[number]['key'];

export type PageKey = 'home' | 'offerings' | 'reviews' | 'businesses' | 'staff' | 'audit'
  | 'mktFeatures' | 'mktSegments' | 'mktOffers' | 'mktDecisions' | 'mktContacts' | 'mktTriggers' | 'mktBroadcasts' | 'mktCallLists' | 'mktMyCalls' | 'mktResults'
  | MallPageKey;

export type NavItem = NavEntry<PageKey>;

export const NAV: readonly NavItem[] = [
  { key: 'home', path: '/', label: 'nav.home', roles: ['admin', 'product', 'marketing', 'agent', 'ops'] },
  { key: 'offerings', path: '/offerings', label: 'nav.offerings', roles: ['admin', 'product', 'marketing', 'agent'] },
  { key: 'reviews', path: '/reviews', label: 'nav.reviews', roles: ['admin', 'product'] },
  { key: 'businesses', path: '/businesses', label: 'nav.businesses', roles: ['admin', 'product', 'ops'] },
  { key: 'staff', path: '/staff', label: 'nav.staff', roles: ['admin'] },
  { key: 'audit', path: '/audit', label: 'nav.audit', roles: ['admin'] },
  { key: 'mktFeatures', path: '/marketing/features', label: 'nav.mktFeatures', roles: ['admin', 'marketing', 'agent'], group: 'marketing' },
  { key: 'mktSegments', path: '/marketing/segments', label: 'nav.mktSegments', roles: ['admin', 'marketing'], group: 'marketing' },
  { key: 'mktOffers', path: '/marketing/offers', label: 'nav.mktOffers', roles: ['admin', 'marketing'], group: 'marketing' },
  { key: 'mktDecisions', path: '/marketing/decisions', label: 'nav.mktDecisions', roles: ['admin', 'marketing', 'agent'], group: 'marketing' },
  { key: 'mktContacts', path: '/marketing/contacts', label: 'nav.mktContacts', roles: ['admin', 'marketing'], group: 'marketing' },
  { key: 'mktTriggers', path: '/marketing/triggers', label: 'nav.mktTriggers', roles: ['admin', 'marketing', 'agent'], group: 'marketing' },
  { key: 'mktBroadcasts', path: '/marketing/broadcasts', label: 'nav.mktBroadcasts', roles: ['admin', 'marketing'], group: 'marketing' },
  { key: 'mktCallLists', path: '/marketing/call-lists', label: 'nav.mktCallLists', roles: ['admin', 'marketing'], group: 'marketing' },
  // An agent's own calls from the lists (我的外呼): the rows handed to them, to call and record.
  { key: 'mktMyCalls', path: '/marketing/my-calls', label: 'nav.mktMyCalls', roles: ['admin', 'agent'], group: 'marketing' },
  { key: 'mktResults', path: '/marketing/results', label: 'nav.mktResults', roles: ['admin', 'marketing'], group: 'marketing' },
  ...MALL_NAV,
];

/** The menu of a user with these roles, in menu order. */
export function navFor(roles: readonly string[]): NavItem[] {
  return NAV.filter((n) => n.roles.some((r) => roles.includes(r)));
}

/** Which page a path below /console shows, the offering id of `/offerings/:id` and the item id of a mall page's `<path>/:id`. */
export function route(sub: string): { key: PageKey | 'notFound'; offeringId?: string; id?: string } {
  if (sub === '/' || sub === '') return { key: 'home' };
  const m = /^\/offerings\/([^/]+)$/.exec(sub);
  if (m) return { key: 'offerings', offeringId: decodeURIComponent(m[1]!) };
  const item = NAV.find((n) => n.path === sub);
  if (item) return { key: item.key };
  const one = /^(\/mall\/[^/]+)\/([^/]+)$/.exec(sub);
  const mall = one && MALL_NAV.find((n) => n.path === one[1]);
  return mall ? { key: mall.key, id: decodeURIComponent(one[2]!) } : { key: 'notFound' };
}
