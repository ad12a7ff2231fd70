// The console's pages and which roles see each in the side menu (admin sees everything).
import type { MessageKey } from './messages.ts';
import type { StaffRole } from './types.ts';

export type PageKey = 'home' | 'offerings' | 'reviews' | 'businesses' | 'staff' | 'audit'
  | 'mktFeatures' | 'mktSegments' | 'mktOffers' | 'mktDecisions' | 'mktContacts' | 'mktTriggers' | 'mktBroadcasts' | 'mktCallLists' | 'mktResults';

export interface NavItem {
  key: PageKey;
  path: string;
  label: MessageKey;
  roles: readonly StaffRole[];
  /** The side menu's group it sits in (营销), if any. */
  group?: 'marketing';
}

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
  { key: 'mktResults', path: '/marketing/results', label: 'nav.mktResults', roles: ['admin', 'marketing'], group: 'marketing' },
];

/** The menu of a user with these roles, in menu order. */
export function navFor(roles: readonly string[]): NavItem[] {
  return NAV.filter((n) => n.roles.some((r) => roles.includes(r)));
}

/** Which page a path below /console shows, and the offering id of `/offerings/:id`. */
export function route(sub: string): { key: PageKey | 'notFound'; offeringId?: string } {
  if (sub === '/' || sub === '') return { key: 'home' };
  const m = /^\/offerings\/([^/]+)$/.exec(sub);
  if (m) return { key: 'offerings', offeringId: decodeURIComponent(m[1]!) };
  const item = NAV.find((n) => n.path === sub);
  return item ? { key: item.key } : { key: 'notFound' };
}
