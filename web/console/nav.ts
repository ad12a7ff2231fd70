// The console's pages and which roles see each in the side menu (admin sees everything).
import type { MessageKey } from './messages.ts';
import type { StaffRole } from './types.ts';

export type PageKey = 'home' | 'offerings' | 'reviews' | 'businesses' | 'staff' | 'audit';

export interface NavItem {
  key: PageKey;
  path: string;
  label: MessageKey;
  roles: readonly StaffRole[];
}

export const NAV: readonly NavItem[] = [
  { key: 'home', path: '/', label: 'nav.home', roles: ['admin', 'product', 'marketing', 'agent', 'ops'] },
  { key: 'offerings', path: '/offerings', label: 'nav.offerings', roles: ['admin', 'product', 'marketing', 'agent'] },
  { key: 'reviews', path: '/reviews', label: 'nav.reviews', roles: ['admin', 'product'] },
  { key: 'businesses', path: '/businesses', label: 'nav.businesses', roles: ['admin', 'product', 'ops'] },
  { key: 'staff', path: '/staff', label: 'nav.staff', roles: ['admin'] },
  { key: 'audit', path: '/audit', label: 'nav.audit', roles: ['admin'] },
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
