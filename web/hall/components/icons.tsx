// The hall's icons: lucide-react, imported one icon at a time so only these are in the bundle.
// Icons are decoration: each sits beside a text that says the same, so they are aria-hidden.
import {
  ArrowLeftRight, ChartColumn, CircleDot, ClipboardList, Coins, CreditCard, FileText, Gauge, Gift, House, LayoutGrid,
  MessageSquare, Package, Phone, Receipt, Router, Search, ShoppingBag, Sparkles, UserRound, Wallet, Wifi, type LucideIcon,
} from 'lucide-react';

const BY_BUSINESS: Record<string, LucideIcon> = {
  recharge: Wallet,
  'balance.query': Coins,
  'bill.query': FileText,
  'usage.query': Gauge,
  'pack.subscribe': Package,
  'packs.list': Package,
  'pack.unsubscribe': ClipboardList,
  'subscriptions.query': ClipboardList,
  'plan.change': ArrowLeftRight,
  'plans.list': ArrowLeftRight,
  'points.query': Gift,
  'points.redeem': Gift,
};

/** The icon of a registry business; a generic one for a business the hall has no icon for. */
export function BusinessIcon({ id, size = 22 }: { id: string; size?: number }) {
  const Icon = BY_BUSINESS[id] ?? LayoutGrid;
  return <Icon size={size} aria-hidden="true" focusable="false" />;
}

const BY_GROUP: Record<string, LucideIcon> = { data: Wifi, voice: Phone, sms: MessageSquare, vas: Sparkles, broadband: Router };

export function GroupIcon({ group, size = 18 }: { group: string; size?: number }) {
  const Icon = BY_GROUP[group] ?? Package;
  return <Icon size={size} aria-hidden="true" focusable="false" />;
}

export { ChartColumn, CircleDot, CreditCard, House, LayoutGrid, Package, Receipt, Search, ShoppingBag, UserRound, Wallet };
