// The marketing module's tables: the customer features mart, segments and their members.
import type { Generated, Selectable } from 'kysely';
import type { Json, Timestamp } from '../../platform/db/database.ts';
import type { ContactPolicyRules } from './contact-rules.ts';

/** One row per subscriber: the features segments and decisions read (see features.ts). */
export interface MarketingFeatureTable {
  subscriberId: number;
  msisdn: string;
  planId: string;
  planFeeFen: number;
  accountType: 'prepaid' | 'postpaid';
  city: string;
  status: 'active' | 'suspended' | 'closed';
  language: 'zh-CN' | 'en';
  tenureDays: number;
  arpuFen: number;
  balanceFen: number;
  dataUsageRatio: number;
  dataUsageRatioLast: number;
  voiceUsageRatio: number;
  voiceUsageRatioLast: number;
  recharges90d: number;
  channels90d: string[];
  lastContactAt: Timestamp | null;
  lastPurchaseAt: Timestamp | null;
  packsHeld: string[];
  /** Offerings they asked the hotline (IVR, an agent) about in the last 3 days. */
  offeringsAsked3d: string[];
  points: number;
  refreshedAt: Timestamp;
}

/** How far the incremental refresh has read: changes after `upTo` are not in the mart yet. */
export interface MarketingFeatureWatermarkTable {
  id: number;
  upTo: Timestamp;
}

export interface SegmentTable {
  id: Generated<number>;
  nameZh: string;
  nameEn: string;
  /** dynamic: the rule is evaluated when it is used; static: the members were frozen (a snapshot or an imported list). */
  kind: 'dynamic' | 'static';
  /** The rule over features (a SegmentRule, checked before it is saved); null for an imported list. */
  rule: Json<unknown> | null;
  /** How many members at the last count or snapshot. */
  size: number;
  countedAt: Timestamp;
  createdBy: number;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface SegmentMemberTable {
  segmentId: number;
  subscriberId: number;
}

export interface ContactPolicyVersionTable {
  id: Generated<number>;
  policy: Json<ContactPolicyRules>;
  status: 'pending' | 'active' | 'superseded' | 'rejected';
  proposedBy: number;
  proposedAt: Timestamp;
  reviewedBy: number | null;
  reviewedAt: Timestamp | null;
  reason: string | null;
}

/** A subscriber who asked for no marketing on a channel, or on all (`all`). */
export interface ContactOptOutTable {
  subscriberId: number;
  channel: string;
  /** How they asked: `sms` (TD), `hall` (a setting), `agent` (recorded by an agent), `ivr`. */
  source: string;
  at: Timestamp;
}

/** The do-not-disturb list: no marketing at all, whatever they opted into. */
export interface ContactDndTable {
  subscriberId: number;
  reason: string;
  addedBy: number;
  at: Timestamp;
}

/** Every outbound contact asked for, with the policy's answer: sent, held (quiet hours, gap), or suppressed and by which rule. */
export interface ContactTable {
  id: Generated<number>;
  subscriberId: number;
  channel: string;
  kind: 'marketing' | 'service';
  /** What it is for: `offer:12`, `campaign:3`, `bill`, `otp`. */
  purpose: string;
  status: 'sent' | 'held' | 'suppressed' | 'released';
  rule: string | null;
  releaseAt: Timestamp | null;
  at: Timestamp;
}

export type OfferStatus = 'draft' | 'pending' | 'active' | 'paused' | 'ended' | 'rejected';

/** An offer: a catalogue offering on its own terms, for the subscribers it targets, within a budget. */
export interface OfferTable {
  id: Generated<number>;
  offeringId: string;
  nameZh: string;
  nameEn: string;
  /** One line that sells it, fitted to a USSD screen. */
  pitchZh: string;
  pitchEn: string;
  /** What the subscriber pays, in fen (the discounted price). */
  priceFen: number;
  /** How long what they get lasts, in days; null: the offering's own validity. */
  validityDays: number | null;
  /** How many may accept it. */
  budget: number;
  accepted: Generated<number>;
  /** Targeting: members of any of these segments (empty: everyone), in these cities (empty: all), shown on these channels (empty: all). */
  segmentIds: number[];
  cities: string[];
  channels: string[];
  /** What one acceptance earns the operator, in fen: the offer's value in the ranking. */
  marginFen: number;
  /** Staff's lever on the ranking (business priority); 1 is neutral. */
  lever: Generated<number>;
  startsAt: Timestamp;
  endsAt: Timestamp;
  status: OfferStatus;
  createdBy: number;
  submittedBy: number | null;
  reviewedBy: number | null;
  reviewReason: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface OfferImpressionTable {
  id: Generated<number>;
  offerId: number;
  subscriberId: number;
  channel: string;
  /** The segment it was shown through (0: not targeted by segment). */
  segmentId: number;
  at: Timestamp;
}

export interface OfferResponseTable {
  offerId: number;
  subscriberId: number;
  channel: string;
  segmentId: number;
  response: 'accepted' | 'declined';
  at: Timestamp;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    offer: OfferTable;
    offerImpression: OfferImpressionTable;
    offerResponse: OfferResponseTable;
    contactPolicyVersion: ContactPolicyVersionTable;
    contactOptOut: ContactOptOutTable;
    contactDnd: ContactDndTable;
    contact: ContactTable;
    marketingFeature: MarketingFeatureTable;
    marketingFeatureWatermark: MarketingFeatureWatermarkTable;
    segment: SegmentTable;
    segmentMember: SegmentMemberTable;
  }
}

export type SegmentRow = Selectable<SegmentTable>;
export type OfferRow = Selectable<OfferTable>;
