// The catalogue's tables: offerings, their prices, their lifecycle and reviews, which registry
// businesses are withdrawn on which channel, and the events TMF620 listeners are sent.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { DateOnly, Json, TextArray, Timestamp } from '../../platform/db/database.ts';

export type OfferingKind = 'plan' | 'data_pack' | 'voice_pack' | 'sms_pack' | 'vas' | 'broadband';
export const OFFERING_KINDS: readonly OfferingKind[] = ['plan', 'data_pack', 'voice_pack', 'sms_pack', 'vas', 'broadband'];

/** TM Forum's lifecycle of an offering (and of a price). */
export type LifecycleStatus = 'In study' | 'In design' | 'In test' | 'Launched' | 'Retired' | 'Obsolete' | 'Rejected';
export const LIFECYCLE_STATUSES: readonly LifecycleStatus[] = ['In study', 'In design', 'In test', 'Launched', 'Retired', 'Obsolete', 'Rejected'];

export interface Eligibility {
  /** Plans whose subscribers may order it; absent = any plan. */
  plans?: string[];
  accountTypes?: ('prepaid' | 'postpaid')[];
  /** Subscriber statuses allowed; absent = active only. */
  statuses?: ('active' | 'suspended' | 'closed')[];
}

export interface OfferingPriceTable {
  id: string;
  nameZh: string;
  nameEn: string;
  priceType: 'recurring' | 'oneTime';
  recurringPeriod: 'month' | null;
  /** Null until a product manager sets it: an offering with such a price is not sellable. */
  amountFen: number | null;
  lifecycleStatus: LifecycleStatus;
  lastUpdate: Timestamp;
}

export interface OfferingTable {
  id: string;
  /** Null while In study/In design: an offering needs a kind, a code and a price to go to test. */
  kind: OfferingKind | null;
  /** Short code subscribers type on SMS and USSD, e.g. `LL10`. */
  code: string | null;
  nameZh: string;
  nameEn: string;
  descriptionZh: string;
  descriptionEn: string;
  priceId: string | null;
  dataMb: number;
  voiceMin: number;
  sms: number;
  /** Days a pack lasts; null = recurs monthly until cancelled. */
  validityDays: number | null;
  eligibility: Json<Eligibility>;
  /** The channels it is launched on (sellable there once Launched, or to test numbers In test). */
  channels: TextArray;
  lifecycleStatus: LifecycleStatus;
  /** Numbers that may order it while it is In test. */
  testMsisdns: ColumnType<string[], string[] | undefined, string[]>;
  /** An approved launch that waits for its date (00:00 Beijing time): sellable from then. */
  launchAt: Timestamp | null;
  /** No new sales from then; existing subscriptions run on. */
  retireAt: Timestamp | null;
  /** Bumped by every change: the ETag that makes a second concurrent edit fail instead of overwrite. */
  revision: Generated<number>;
  version: string;
  createdAt: Timestamp;
  lastUpdate: Timestamp;
}

/** Every lifecycle step and channel change of an offering: who, when, why. */
export interface OfferingEventTable {
  id: Generated<number>;
  offeringId: string;
  at: Timestamp;
  actorId: number | null;
  actorName: string;
  kind: 'status' | 'channel' | 'schedule' | 'test_numbers';
  fromStatus: string | null;
  toStatus: string | null;
  detail: Json<Record<string, unknown>>;
  reason: string;
}

/** A change that a second product staff member must approve: a step to In test or Launched, or a launch on more channels. */
export interface OfferingReviewTable {
  id: Generated<number>;
  offeringId: string;
  kind: 'transition' | 'channel';
  toStatus: LifecycleStatus | null;
  channels: TextArray;
  launchOn: DateOnly | null;
  reason: string;
  status: 'pending' | 'approved' | 'rejected' | 'withdrawn';
  requestedById: number;
  requestedByName: string;
  requestedAt: Timestamp;
  decidedById: number | null;
  decidedByName: string | null;
  decidedAt: Timestamp | null;
  decisionReason: string | null;
}

/** A registry business withdrawn (or restored) on one channel by staff. */
export interface BusinessChannelTable {
  businessId: string;
  channel: string;
  enabled: boolean;
  changedById: number;
  changedByName: string;
  changedAt: Timestamp;
  reason: string;
}

/** What happened to catalogue resources, in order: TMF620 listeners are sent these (TMF630 hub). */
export interface CatalogueEventTable {
  id: Generated<number>;
  at: Timestamp;
  /** e.g. `ProductOfferingCreateEvent`, `ProductOfferingStateChangeEvent`. */
  eventType: string;
  resourceType: string;
  resourceId: string;
  payload: Json<Record<string, unknown>>;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    offeringPrice: OfferingPriceTable;
    offering: OfferingTable;
    offeringEvent: OfferingEventTable;
    offeringReview: OfferingReviewTable;
    businessChannel: BusinessChannelTable;
    catalogueEvent: CatalogueEventTable;
  }
}

export type Offering = Selectable<OfferingTable>;
export type OfferingPrice = Selectable<OfferingPriceTable>;
export type NewOffering = Insertable<OfferingTable>;
