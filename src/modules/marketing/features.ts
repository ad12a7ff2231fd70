// The customer features (客户特征) of the marketing data mart: one row per subscriber, computed
// from the subscriber module's facts, the catalogue and the interaction log. Segments are rules
// over these names; docs/marketing.md lists them with their sources.
import type { L10n } from '../../platform/i18n.ts';
import { l10n } from '../../platform/i18n.ts';
import type { Selectable } from 'kysely';
import type { MarketingFeatureTable } from './tables.ts';

export type FeatureType = 'number' | 'string' | 'strings' | 'time';

export interface FeatureDef {
  /** The name segment rules use, e.g. `dataUsageRatio`. */
  name: string;
  type: FeatureType;
  label: L10n;
  /** Where it comes from, for an analyst. */
  source: string;
  /** The values a string feature takes, when they are few and fixed. */
  values?: readonly string[];
}

const f = (name: string, type: FeatureType, zh: string, en: string, source: string, values?: readonly string[]): FeatureDef =>
  ({ name, type, label: l10n(zh, en), source, ...(values ? { values } : {}) });

export const FEATURES: readonly FeatureDef[] = [
  f('planId', 'string', '套餐', 'Plan', 'subscriber.plan_id'),
  f('planFeeFen', 'number', '套餐月费（分）', 'Plan monthly fee (fen)', "the plan's price in the catalogue"),
  f('accountType', 'string', '付费类型', 'Account type', 'account.type', ['prepaid', 'postpaid']),
  f('city', 'string', '地市', 'City', 'subscriber.city'),
  f('status', 'string', '号码状态', 'Line status', 'subscriber.status', ['active', 'suspended', 'closed']),
  f('language', 'string', '语言', 'Language', 'subscriber.language', ['zh-CN', 'en']),
  f('tenureDays', 'number', '在网天数', 'Tenure (days)', 'days since subscriber.joined_on'),
  f('arpuFen', 'number', 'ARPU（近3月平均账单，分）', 'ARPU (average bill of the last 3 cycles, fen)', 'bill.total_fen of the three cycles before this one'),
  f('balanceFen', 'number', '账户余额（分）', 'Balance (fen)', 'account.balance_fen'),
  f('dataUsageRatio', 'number', '本月流量使用率', 'Data used this cycle / allowance', "usage_counter this cycle / the plan's and held packs' data"),
  f('dataUsageRatioLast', 'number', '上月流量使用率', 'Data used last cycle / allowance', "usage_counter last cycle / the plan's data"),
  f('voiceUsageRatio', 'number', '本月语音使用率', 'Minutes used this cycle / allowance', "usage_counter this cycle / the plan's and held packs' minutes"),
  f('voiceUsageRatioLast', 'number', '上月语音使用率', 'Minutes used last cycle / allowance', "usage_counter last cycle / the plan's minutes"),
  f('recharges90d', 'number', '近90天充值次数', 'Recharges in 90 days', "ledger_entry of kind 'recharge'"),
  f('channels90d', 'strings', '近90天使用渠道', 'Channels used in 90 days', 'the interaction log'),
  f('lastContactAt', 'time', '最近接触时间', 'Last contact', 'the interaction log: the latest call on any channel'),
  f('lastPurchaseAt', 'time', '最近消费时间', 'Last purchase', "ledger_entry of kind 'charge'"),
  f('packsHeld', 'strings', '已订业务', 'Packs held', 'subscription (active now)'),
  f('offeringsAsked3d', 'strings', '近3天咨询过的业务', 'Offerings asked about in 3 days', 'the interaction log: IVR and agent calls about an offering'),
  f('points', 'number', '积分', 'Points', 'points_entry'),
];

export const FEATURE_BY_NAME: ReadonlyMap<string, FeatureDef> = new Map(FEATURES.map((d) => [d.name, d]));

/** One subscriber's features, as the mart row holds them and decisions read them. */
export type Features = Selectable<MarketingFeatureTable>;
