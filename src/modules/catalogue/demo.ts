// The catalogue's part of the demo operator: a fixed, believable Guangdong mobile operator's plans
// (套餐), packs (流量包、语音包、短信包), value-added services (增值业务) and converged broadband
// (融合宽带). Data first, then `seedDemoOfferings`, which inserts it idempotently.
// Prices are integer fen. Every offering has exactly one price row, `PR-<offering id>`.
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import { SALES_CHANNELS, type OfferingView } from './offering.ts';
import type { LifecycleStatus } from './tables.ts';

export const ALL_CHANNELS = SALES_CHANNELS;
const ALL = [...ALL_CHANNELS];

/** A demo offering: what businesses see of it (offering.ts), with its status and launch day. */
export type CatalogueOffering = Omit<OfferingView, 'channels' | 'lifecycleStatus' | 'testMsisdns' | 'launchAt' | 'retireAt'> & {
  channels: string[];
  lifecycleStatus: LifecycleStatus;
  /** When it was first launched (`created_at`), Beijing date. */
  since: string;
};

const GB = 1024;

/** Plans whose subscribers may add converged broadband (融合宽带 needs a plan of at least 58元). */
const FUSION_PLANS = ['PLAN-4G-58', 'PLAN-4G-88', 'PLAN-4G-128', 'PLAN-4G-188', 'PLAN-5G-128'];

export const OFFERINGS: readonly CatalogueOffering[] = [
  // ---- plans (套餐): monthly fee with bundled allowances --------------------------------------
  {
    id: 'PLAN-4G-38', kind: 'plan', code: 'TC38', nameZh: '4G畅享套餐38元', nameEn: '4G Enjoy 38',
    descriptionZh: '月费38元，含国内通用流量3GB、国内主叫100分钟、短信50条，接听免费。',
    descriptionEn: '¥38 a month: 3 GB national data, 100 minutes of national calls and 50 SMS; incoming calls free.',
    priceFen: 3800, priceType: 'recurring', dataMb: 3 * GB, voiceMin: 100, sms: 50, validityDays: null,
    eligibility: {}, channels: ALL, lifecycleStatus: 'Launched', since: '2019-06-01',
  },
  {
    id: 'PLAN-4G-58', kind: 'plan', code: 'TC58', nameZh: '4G畅享套餐58元', nameEn: '4G Enjoy 58',
    descriptionZh: '月费58元，含国内通用流量10GB、国内主叫200分钟、短信100条，可加办融合宽带。',
    descriptionEn: '¥58 a month: 10 GB national data, 200 minutes of national calls and 100 SMS; converged broadband available.',
    priceFen: 5800, priceType: 'recurring', dataMb: 10 * GB, voiceMin: 200, sms: 100, validityDays: null,
    eligibility: {}, channels: ALL, lifecycleStatus: 'Launched', since: '2019-06-01',
  },
  {
    id: 'PLAN-4G-88', kind: 'plan', code: 'TC88', nameZh: '4G畅享套餐88元', nameEn: '4G Enjoy 88',
    descriptionZh: '月费88元，含国内通用流量20GB、国内主叫500分钟、短信100条，可加办300M融合宽带。',
    descriptionEn: '¥88 a month: 20 GB national data, 500 minutes of national calls and 100 SMS; 300M converged broadband available.',
    priceFen: 8800, priceType: 'recurring', dataMb: 20 * GB, voiceMin: 500, sms: 100, validityDays: null,
    eligibility: {}, channels: ALL, lifecycleStatus: 'Launched', since: '2019-06-01',
  },
  {
    id: 'PLAN-4G-128', kind: 'plan', code: 'TC128', nameZh: '4G畅享套餐128元', nameEn: '4G Enjoy 128',
    descriptionZh: '月费128元，含国内通用流量40GB、国内主叫800分钟、短信200条，融合宽带月费全免。',
    descriptionEn: '¥128 a month: 40 GB national data, 800 minutes of national calls and 200 SMS; converged broadband at no monthly fee.',
    priceFen: 12800, priceType: 'recurring', dataMb: 40 * GB, voiceMin: 800, sms: 200, validityDays: null,
    eligibility: {}, channels: ALL, lifecycleStatus: 'Launched', since: '2019-06-01',
  },
  {
    id: 'PLAN-4G-188', kind: 'plan', code: 'TC188', nameZh: '4G畅享套餐188元', nameEn: '4G Enjoy 188',
    descriptionZh: '月费188元，含国内通用流量60GB、国内主叫1500分钟、短信300条，融合宽带月费全免。',
    descriptionEn: '¥188 a month: 60 GB national data, 1,500 minutes of national calls and 300 SMS; converged broadband at no monthly fee.',
    priceFen: 18800, priceType: 'recurring', dataMb: 60 * GB, voiceMin: 1500, sms: 300, validityDays: null,
    eligibility: {}, channels: ALL, lifecycleStatus: 'Launched', since: '2019-06-01',
  },
  {
    id: 'PLAN-5G-128', kind: 'plan', code: 'TC5G128', nameZh: '5G智享套餐128元', nameEn: '5G Smart 128',
    descriptionZh: '月费128元，5G网络优先接入，含国内通用流量30GB、国内主叫500分钟、短信200条，融合宽带月费全免。',
    descriptionEn: '¥128 a month on the 5G network: 30 GB national data, 500 minutes of national calls and 200 SMS; converged broadband at no monthly fee.',
    priceFen: 12800, priceType: 'recurring', dataMb: 30 * GB, voiceMin: 500, sms: 200, validityDays: null,
    eligibility: {}, channels: ALL, lifecycleStatus: 'Launched', since: '2020-11-01',
  },
  {
    id: 'PLAN-BH-8', kind: 'plan', code: 'TC8', nameZh: '8元保号套餐', nameEn: 'Keep-my-number 8',
    descriptionZh: '月费8元，含国内通用流量300MB、国内主叫30分钟，适合副卡保号，仅限预付费用户。',
    descriptionEn: '¥8 a month: 300 MB national data and 30 minutes of national calls, for keeping a second number; prepaid only.',
    priceFen: 800, priceType: 'recurring', dataMb: 300, voiceMin: 30, sms: 0, validityDays: null,
    eligibility: { accountTypes: ['prepaid'] }, channels: ALL, lifecycleStatus: 'Launched', since: '2021-03-01',
  },
  {
    id: 'PLAN-4G-18', kind: 'plan', code: 'TC18', nameZh: '4G飞享套餐18元', nameEn: '4G Fly 18',
    descriptionZh: '月费18元，含国内流量500MB、国内主叫50分钟。已停止新办理，老用户可继续使用。',
    descriptionEn: '¥18 a month: 500 MB national data and 50 minutes of national calls. Closed to new orders; existing users keep it.',
    priceFen: 1800, priceType: 'recurring', dataMb: 500, voiceMin: 50, sms: 0, validityDays: null,
    eligibility: {}, channels: ALL, lifecycleStatus: 'Retired', since: '2015-04-01',
  },

  // ---- data packs (流量包) ---------------------------------------------------------------------
  {
    id: 'PK-DATA-500M', kind: 'data_pack', code: 'LL500M', nameZh: '500MB流量周包', nameEn: '500 MB weekly data',
    descriptionZh: '5元得500MB国内通用流量，7天有效，到期自动失效，不续订。',
    descriptionEn: '500 MB national data for ¥5, valid 7 days; it lapses by itself and does not renew.',
    priceFen: 500, priceType: 'oneTime', dataMb: 500, voiceMin: 0, sms: 0, validityDays: 7,
    eligibility: {}, channels: ALL, lifecycleStatus: 'Launched', since: '2020-05-01',
  },
  {
    id: 'PK-DATA-1G', kind: 'data_pack', code: 'LL1G', nameZh: '1GB流量包', nameEn: '1 GB data pack',
    descriptionZh: '10元得1GB国内通用流量，自订购起30天有效，不续订。',
    descriptionEn: '1 GB national data for ¥10, valid 30 days from ordering; does not renew.',
    priceFen: 1000, priceType: 'oneTime', dataMb: 1 * GB, voiceMin: 0, sms: 0, validityDays: 30,
    eligibility: {}, channels: ALL, lifecycleStatus: 'Launched', since: '2019-06-01',
  },
  {
    id: 'PK-DATA-3G', kind: 'data_pack', code: 'LL3G', nameZh: '3GB流量包', nameEn: '3 GB data pack',
    descriptionZh: '20元得3GB国内通用流量，自订购起30天有效，不续订。',
    descriptionEn: '3 GB national data for ¥20, valid 30 days from ordering; does not renew.',
    priceFen: 2000, priceType: 'oneTime', dataMb: 3 * GB, voiceMin: 0, sms: 0, validityDays: 30,
    eligibility: {}, channels: ALL, lifecycleStatus: 'Launched', since: '2019-06-01',
  },
  {
    id: 'PK-DATA-10G', kind: 'data_pack', code: 'LL10G', nameZh: '10GB流量月包', nameEn: '10 GB monthly data',
    descriptionZh: '每月30元得10GB国内通用流量，按月自动续订，退订次月生效。',
    descriptionEn: '10 GB national data every month for ¥30; renews monthly until you cancel.',
    priceFen: 3000, priceType: 'recurring', dataMb: 10 * GB, voiceMin: 0, sms: 0, validityDays: null,
    eligibility: {}, channels: ALL, lifecycleStatus: 'Launched', since: '2019-06-01',
  },
  {
    id: 'PK-DATA-NIGHT', kind: 'data_pack', code: 'LLXS', nameZh: '闲时流量包', nameEn: 'Night-time data',
    descriptionZh: '每月10元得10GB闲时流量，每日23:00至次日7:00可用，按月续订。',
    descriptionEn: '10 GB of data for use between 23:00 and 07:00 every month for ¥10; renews monthly.',
    priceFen: 1000, priceType: 'recurring', dataMb: 10 * GB, voiceMin: 0, sms: 0, validityDays: null,
    eligibility: {}, channels: ALL, lifecycleStatus: 'Launched', since: '2020-09-01',
  },
  {
    id: 'PK-DATA-DAY-1G', kind: 'data_pack', code: 'LLRB', nameZh: '1GB流量日包', nameEn: '1 GB day pass',
    descriptionZh: '3元得1GB国内通用流量，自订购起24小时有效，适合临时急用。',
    descriptionEn: '1 GB national data for ¥3, valid 24 hours from ordering: for when you run short.',
    priceFen: 300, priceType: 'oneTime', dataMb: 1 * GB, voiceMin: 0, sms: 0, validityDays: 1,
    eligibility: {}, channels: ALL, lifecycleStatus: 'Launched', since: '2020-05-01',
  },
  {
    id: 'PK-DATA-APP-5G', kind: 'data_pack', code: 'ZT5G', nameZh: '掌厅专享5GB流量包', nameEn: 'App-only 5 GB data',
    descriptionZh: '网上营业厅和掌上营业厅专享：15元得5GB国内通用流量，30天有效。',
    descriptionEn: 'Web and mobile hall exclusive: 5 GB national data for ¥15, valid 30 days.',
    priceFen: 1500, priceType: 'oneTime', dataMb: 5 * GB, voiceMin: 0, sms: 0, validityDays: 30,
    eligibility: {}, channels: ['web', 'mobile'], lifecycleStatus: 'Launched', since: '2022-01-10',
  },
  {
    id: 'PK-DATA-VIDEO', kind: 'data_pack', code: 'LLSP', nameZh: '视频定向流量包', nameEn: 'Video data pack',
    descriptionZh: '每月9元得20GB定向流量，用于主流视频应用，按月续订。（设计中，尚未上线）',
    descriptionEn: '20 GB a month for the main video apps for ¥9; renews monthly. (In design, not launched.)',
    priceFen: 900, priceType: 'recurring', dataMb: 20 * GB, voiceMin: 0, sms: 0, validityDays: null,
    eligibility: {}, channels: ALL, lifecycleStatus: 'In design', since: '2025-10-01',
  },
  {
    id: 'PK-DATA-LOYAL-20G', kind: 'data_pack', code: 'BY20G', nameZh: '老用户回馈流量包', nameEn: 'Loyalty 20 GB data',
    descriptionZh: '存量客户保有专享：每月10元得20GB国内通用流量，按月续订，需由客户经理办理。',
    descriptionEn: 'Retention offer for existing customers: 20 GB national data a month for ¥10, renews monthly; ordered through an agent.',
    priceFen: 1000, priceType: 'recurring', dataMb: 20 * GB, voiceMin: 0, sms: 0, validityDays: null,
    eligibility: { plans: ['PLAN-4G-38', 'PLAN-4G-58', 'PLAN-4G-18'] }, channels: ['agent'], lifecycleStatus: 'Launched', since: '2023-03-01',
  },

  // ---- voice packs (语音包) --------------------------------------------------------------------
  {
    id: 'PK-VOICE-100', kind: 'voice_pack', code: 'YY100', nameZh: '100分钟语音包', nameEn: '100-minute call pack',
    descriptionZh: '每月10元得国内主叫100分钟，按月续订。',
    descriptionEn: '100 minutes of national calls a month for ¥10; renews monthly.',
    priceFen: 1000, priceType: 'recurring', dataMb: 0, voiceMin: 100, sms: 0, validityDays: null,
    eligibility: {}, channels: ALL, lifecycleStatus: 'Launched', since: '2019-06-01',
  },
  {
    id: 'PK-VOICE-300', kind: 'voice_pack', code: 'YY300', nameZh: '300分钟语音包', nameEn: '300-minute call pack',
    descriptionZh: '每月25元得国内主叫300分钟，按月续订。',
    descriptionEn: '300 minutes of national calls a month for ¥25; renews monthly.',
    priceFen: 2500, priceType: 'recurring', dataMb: 0, voiceMin: 300, sms: 0, validityDays: null,
    eligibility: {}, channels: ALL, lifecycleStatus: 'Launched', since: '2019-06-01',
  },
  {
    id: 'PK-VOICE-200-PRE', kind: 'voice_pack', code: 'YY200', nameZh: '预付费200分钟语音包', nameEn: 'Prepaid 200-minute calls',
    descriptionZh: '预付费用户专享：15元得国内主叫200分钟，30天有效，不续订。',
    descriptionEn: 'For prepaid users: 200 minutes of national calls for ¥15, valid 30 days; does not renew.',
    priceFen: 1500, priceType: 'oneTime', dataMb: 0, voiceMin: 200, sms: 0, validityDays: 30,
    eligibility: { accountTypes: ['prepaid'] }, channels: ALL, lifecycleStatus: 'Launched', since: '2021-03-01',
  },

  // ---- SMS pack (短信包) -----------------------------------------------------------------------
  {
    id: 'PK-SMS-100', kind: 'sms_pack', code: 'DX100', nameZh: '100条短信包', nameEn: '100 SMS pack',
    descriptionZh: '每月5元得国内点对点短信100条，按月续订。',
    descriptionEn: '100 national person-to-person SMS a month for ¥5; renews monthly.',
    priceFen: 500, priceType: 'recurring', dataMb: 0, voiceMin: 0, sms: 100, validityDays: null,
    eligibility: {}, channels: ALL, lifecycleStatus: 'Launched', since: '2019-06-01',
  },

  // ---- value-added services (增值业务) ---------------------------------------------------------
  {
    id: 'VAS-CRBT', kind: 'vas', code: 'CL', nameZh: '彩铃', nameEn: 'Colour ring-back tone',
    descriptionZh: '每月5元，主叫听到的不再是“嘟嘟”声，而是您选择的音乐或祝福。',
    descriptionEn: '¥5 a month: callers hear music or a greeting of your choice instead of the ring tone.',
    priceFen: 500, priceType: 'recurring', dataMb: 0, voiceMin: 0, sms: 0, validityDays: null,
    eligibility: {}, channels: ALL, lifecycleStatus: 'Launched', since: '2012-01-01',
  },
  {
    id: 'VAS-139MAIL', kind: 'vas', code: 'YX139', nameZh: '139邮箱5元版', nameEn: '139 Mail Plus',
    descriptionZh: '每月5元，139邮箱大容量版，新邮件短信即时提醒。',
    descriptionEn: '¥5 a month: the large 139 Mail mailbox with an SMS alert for every new email.',
    priceFen: 500, priceType: 'recurring', dataMb: 0, voiceMin: 0, sms: 0, validityDays: null,
    eligibility: {}, channels: ALL, lifecycleStatus: 'Launched', since: '2012-01-01',
  },
  {
    id: 'VAS-CALLREM', kind: 'vas', code: 'LDTX', nameZh: '来电提醒', nameEn: 'Missed-call alerts',
    descriptionZh: '每月2元，关机、无信号或通话中时的来电，开机后以短信提醒。',
    descriptionEn: '¥2 a month: calls you miss while switched off, out of coverage or busy are sent to you by SMS.',
    priceFen: 200, priceType: 'recurring', dataMb: 0, voiceMin: 0, sms: 0, validityDays: null,
    eligibility: {}, channels: ALL, lifecycleStatus: 'Launched', since: '2012-01-01',
  },

  // ---- converged broadband (融合宽带) ----------------------------------------------------------
  {
    id: 'BB-FUSION-100M', kind: 'broadband', code: 'KD100', nameZh: '融合宽带100M', nameEn: 'Converged broadband 100M',
    descriptionZh: '手机套餐58元及以上可办：100M光纤宽带每月30元，套餐128元及以上月费全免，含光猫安装。',
    descriptionEn: 'With a plan of ¥58 or more: 100M fibre broadband for ¥30 a month, free with plans of ¥128 or more; modem and installation included.',
    priceFen: 3000, priceType: 'recurring', dataMb: 0, voiceMin: 0, sms: 0, validityDays: null,
    eligibility: { plans: FUSION_PLANS }, channels: ALL, lifecycleStatus: 'Launched', since: '2018-03-01',
  },
  {
    id: 'BB-FUSION-300M', kind: 'broadband', code: 'KD300', nameZh: '融合宽带300M', nameEn: 'Converged broadband 300M',
    descriptionZh: '手机套餐88元及以上可办：300M光纤宽带每月50元，套餐128元及以上月费全免，含千兆光猫。',
    descriptionEn: 'With a plan of ¥88 or more: 300M fibre broadband for ¥50 a month, free with plans of ¥128 or more; gigabit modem included.',
    priceFen: 5000, priceType: 'recurring', dataMb: 0, voiceMin: 0, sms: 0, validityDays: null,
    eligibility: { plans: FUSION_PLANS.filter((p) => p !== 'PLAN-4G-58') }, channels: ALL, lifecycleStatus: 'Launched', since: '2020-06-01',
  },
];

export const OFFERING_BY_ID: ReadonlyMap<string, CatalogueOffering> = new Map(OFFERINGS.map((o) => [o.id, o]));

export function offering(id: string): CatalogueOffering {
  const o = OFFERING_BY_ID.get(id);
  if (!o) throw new Error(`demo catalogue has no offering ${id}`);
  return o;
}

export function priceId(offeringId: string): string {
  return `PR-${offeringId}`;
}

function priceNames(o: CatalogueOffering): { zh: string; en: string } {
  const yuan = o.priceFen % 100 === 0 ? String(o.priceFen / 100) : (o.priceFen / 100).toFixed(2);
  return o.priceType === 'recurring'
    ? { zh: `${o.nameZh}月费${yuan}元`, en: `${o.nameEn}: ¥${yuan} a month` }
    : { zh: `${o.nameZh}一次性${yuan}元`, en: `${o.nameEn}: ¥${yuan} once` };
}

/** The instant a Beijing date starts, for `created_at` of catalogue rows. */
function beijingMidnight(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00+08:00`));
}

/** Inserts the demo offerings and their prices; rows that already exist (same id or code) are left alone. */
export async function seedDemoOfferings(trx: Kysely<Database>): Promise<void> {
  await trx.insertInto('offeringPrice')
    .values(OFFERINGS.map((o) => {
      const n = priceNames(o);
      return {
        id: priceId(o.id), nameZh: n.zh, nameEn: n.en, priceType: o.priceType,
        recurringPeriod: o.priceType === 'recurring' ? 'month' as const : null,
        amountFen: o.priceFen, lifecycleStatus: o.lifecycleStatus, lastUpdate: beijingMidnight(o.since),
      };
    }))
    .onConflict((oc) => oc.doNothing())
    .execute();
  await trx.insertInto('offering')
    .values(OFFERINGS.map((o) => ({
      id: o.id, kind: o.kind, code: o.code, nameZh: o.nameZh, nameEn: o.nameEn,
      descriptionZh: o.descriptionZh, descriptionEn: o.descriptionEn, priceId: priceId(o.id),
      dataMb: o.dataMb, voiceMin: o.voiceMin, sms: o.sms, validityDays: o.validityDays,
      eligibility: JSON.stringify(o.eligibility), channels: o.channels, lifecycleStatus: o.lifecycleStatus,
      version: '1.0', createdAt: beijingMidnight(o.since), lastUpdate: beijingMidnight(o.since),
    })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}
