// The shapes of the staff console's REST API (/api/v1/console, docs/console-api.md).
import type { L10n } from '../shared/i18n.ts';

export type StaffRole = 'admin' | 'product' | 'marketing' | 'agent' | 'ops';
export const STAFF_ROLES: readonly StaffRole[] = ['admin', 'product', 'marketing', 'agent', 'ops'];

export const LIFECYCLE = ['In study', 'In design', 'In test', 'Launched', 'Retired', 'Obsolete', 'Rejected'] as const;
export type LifecycleStatus = (typeof LIFECYCLE)[number];

export const CHANNELS = ['web', 'mobile', 'kiosk', 'sms', 'ussd', 'ivr', 'agent', 'api', 'mall'] as const;
export type Channel = (typeof CHANNELS)[number];

export const KINDS = ['plan', 'data_pack', 'voice_pack', 'sms_pack', 'vas', 'broadband'] as const;
export type OfferingKind = (typeof KINDS)[number];

/**
 * The price types as the API spells them (the catalogue's `oneTime` / `recurring`; the contract
 * names no values): one-time and monthly.
 */
export const PRICE_TYPES = { oneTime: 'oneTime', monthly: 'recurring' } as const;
export type PriceType = (typeof PRICE_TYPES)[keyof typeof PRICE_TYPES];

export interface StaffUser {
  id: number;
  username: string;
  displayName: string;
  roles: StaffRole[];
  active: boolean;
  createdAt: string;
}

export interface SignInAnswer {
  token: string;
  expiresInSeconds: number;
  user: StaffUser;
}

export interface AuditEntry {
  id: number;
  at: string;
  actorId: number | null;
  actorName: string | null;
  action: string;
  entityType: string | null;
  entityId: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
  sourceIp: string | null;
}

export interface OfferingSummary {
  id: string;
  code: string | null;
  kind: OfferingKind | null;
  nameZh: string;
  nameEn: string | null;
  priceFen: number | null;
  priceType: string | null;
  lifecycleStatus: LifecycleStatus;
  channels: string[];
  revision: number;
  lastUpdate: string;
  pendingReview: boolean;
}

export interface Eligibility {
  plans?: string[];
  accountTypes?: string[];
  statuses?: string[];
}

/** One change in an offering's life: a status step (`from` → `to`) or another kind of change. */
export interface HistoryEntry {
  at: string;
  actorName: string | null;
  kind?: string;
  from: string | null;
  to: string | null;
  detail?: unknown;
  reason: string | null;
}

export interface Review {
  id: number;
  offeringId: string;
  offeringName: L10n;
  kind: 'transition' | 'channel';
  to: string | null;
  channels: string[] | null;
  launchOn: string | null;
  reason: string | null;
  status: 'pending' | 'approved' | 'rejected';
  requestedBy: { id: number; name: string };
  requestedAt: string;
  decidedBy: { id: number; name: string } | string | null;
  decidedAt: string | null;
  decisionReason: string | null;
}

export interface Offering extends OfferingSummary {
  descriptionZh: string | null;
  descriptionEn: string | null;
  dataMb: number | null;
  voiceMin: number | null;
  sms: number | null;
  validityDays: number | null;
  eligibility: Eligibility | null;
  testNumbers: string[];
  launchAt: string | null;
  retireAt: string | null;
  history: HistoryEntry[];
  reviews: Review[];
}

/** What a create or edit sends; every field but nameZh optional. */
export interface OfferingInput {
  nameZh?: string;
  nameEn?: string;
  kind?: OfferingKind;
  code?: string;
  priceFen?: number;
  priceType?: PriceType;
  descriptionZh?: string;
  descriptionEn?: string;
  dataMb?: number;
  voiceMin?: number;
  sms?: number;
  validityDays?: number;
  eligibility?: Eligibility;
}

export interface Cell {
  enabled: boolean;
  calls: number;
  okRate: number | null;
}

export interface BusinessRow {
  id: string;
  names: L10n;
  kind: string;
  cells: Record<string, Cell>;
}

export interface Businesses {
  channels: string[];
  items: BusinessRow[];
}

export interface Home {
  roles: StaffRole[];
  pendingReviews: number;
  myPendingSubmissions: number;
  offeringsByStatus: Record<string, number>;
  channels: { channel: string; calls: number; okRate: number | null }[];
}

export interface Page<T> {
  items: T[];
  total: number;
}
