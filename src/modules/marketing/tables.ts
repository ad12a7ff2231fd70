// The marketing module's tables: the customer features mart, segments and their members.
import type { Generated, Selectable } from 'kysely';
import type { Json, Timestamp } from '../../platform/db/database.ts';
import type { SegmentRule } from './segment-rule.ts';

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
  /** The rule over features; null for an imported list. */
  rule: Json<SegmentRule> | null;
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

declare module '../../platform/db/database.ts' {
  interface Database {
    marketingFeature: MarketingFeatureTable;
    marketingFeatureWatermark: MarketingFeatureWatermarkTable;
    segment: SegmentTable;
    segmentMember: SegmentMemberTable;
  }
}

export type SegmentRow = Selectable<SegmentTable>;
