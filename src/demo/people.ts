// Who the demo's subscribers are: Guangdong names, cities and China Mobile number ranges, and the
// three fixed subscribers every demo has (13800000001 prepaid, …02 postpaid, …03 suspended).
import { fmix32, Weighted, type Rng } from './random.ts';

export const DEMO_NUMBERS = {
  prepaid: '13800000001',
  postpaid: '13800000002',
  suspended: '13800000003',
} as const;

const SURNAMES = new Weighted<string>([
  ['陈', 12], ['李', 8], ['黄', 8], ['张', 6], ['梁', 5], ['林', 5], ['刘', 5], ['吴', 4], ['何', 4],
  ['罗', 3], ['郑', 3], ['谢', 3], ['杨', 3], ['王', 3], ['叶', 2.5], ['周', 2.5], ['钟', 2.5], ['邓', 2.5],
  ['冯', 2], ['曾', 2], ['蔡', 2], ['许', 2], ['赖', 1.5], ['卢', 1.5], ['朱', 1.5], ['苏', 1.5], ['潘', 1.5],
  ['彭', 1.5], ['余', 1.5], ['郭', 1.5], ['谭', 1.5], ['徐', 1], ['胡', 1], ['江', 1], ['温', 1], ['关', 1],
  ['麦', 1], ['邱', 1], ['庄', 0.8], ['方', 0.8], ['袁', 0.8], ['马', 0.8], ['孙', 0.8], ['莫', 0.8],
  ['古', 0.5], ['翁', 0.5], ['欧阳', 0.5], ['司徒', 0.3], ['区', 0.3], ['丘', 0.3], ['招', 0.2],
]);
const GIVEN_MALE = [...'伟志强明俊杰文华建国家宇浩子嘉健永振锦荣辉峰斌涛鹏超海东军勇立新锋成光耀晓博泽轩楷铭宏炜晖冠昊德汉坤'];
const GIVEN_FEMALE = [...'芳丽静敏燕玲婷慧霞娟红梅雪琳颖欣怡晶佳洁萍秀英嘉淑美雅诗婉思莹倩露咏凤珊晓彤琪茵碧玉'];

export function personName(r: Rng): string {
  const surname = SURNAMES.pick(r);
  const chars = r.chance(0.5) ? GIVEN_MALE : GIVEN_FEMALE;
  const first = r.pick(chars);
  if (surname.length === 2 || r.chance(0.22)) return surname + first;
  let second = r.pick(chars);
  if (second === first && r.chance(0.7)) second = r.pick(chars);
  return surname + first + second;
}

/** Guangdong's cities, weighted roughly by population. */
export const CITIES = new Weighted<string>([
  ['广州', 15], ['深圳', 15], ['东莞', 9], ['佛山', 8], ['惠州', 5], ['汕头', 5], ['湛江', 5], ['茂名', 5],
  ['江门', 4], ['中山', 4], ['揭阳', 4], ['肇庆', 3], ['梅州', 3], ['清远', 3], ['珠海', 2], ['韶关', 2],
  ['汕尾', 2], ['河源', 2], ['阳江', 2], ['潮州', 2], ['云浮', 2],
]);

/** China Mobile number ranges in 13x, 15x and 18x. */
export const PREFIXES = ['134', '135', '136', '137', '138', '139', '150', '151', '152', '157', '158', '159', '182', '183', '184', '187', '188'];

/** A bijection on [0, 10^8): a four-round Feistel network on two 4-digit halves. */
export function permute8(x: number, key: number): number {
  let l = Math.floor(x / 10_000);
  let r = x % 10_000;
  for (let round = 0; round < 4; round++) {
    const f = fmix32((r ^ Math.imul(round + 1, 0x9e3779b9) ^ key) >>> 0) % 10_000;
    const nl = r;
    r = (l + f) % 10_000;
    l = nl;
  }
  return l * 10_000 + r;
}

/** One of the three subscribers every demo has, whatever the seed. */
export interface Fixed {
  msisdn: string;
  name: string;
  city: string;
  type: 'prepaid' | 'postpaid';
  status: 'active' | 'suspended';
  planId: string;
  joinedOn: string;
  /** Monthly packs held, with how many days ago each was ordered. */
  packs: { id: string; daysAgo: number }[];
  creditLimitFen?: number;
  latestBillUnpaid?: boolean;
  minBalanceFen?: number;
  minOpeningPoints?: number;
}

/** Subscribers 1, 2 and 3. */
export const FIXED: readonly Fixed[] = [
  {
    msisdn: DEMO_NUMBERS.prepaid, name: '李明', city: '广州', type: 'prepaid', status: 'active', planId: 'PLAN-4G-58',
    joinedOn: '2014-05-12', packs: [{ id: 'PK-DATA-10G', daysAgo: 250 }, { id: 'VAS-CRBT', daysAgo: 1500 }],
    minBalanceFen: 8800, minOpeningPoints: 1200,
  },
  {
    msisdn: DEMO_NUMBERS.postpaid, name: '陈静', city: '深圳', type: 'postpaid', status: 'active', planId: 'PLAN-4G-128',
    joinedOn: '2011-09-03', packs: [{ id: 'BB-FUSION-100M', daysAgo: 900 }, { id: 'PK-VOICE-100', daysAgo: 400 }],
    creditLimitFen: 30000, latestBillUnpaid: true, minOpeningPoints: 3000,
  },
  {
    msisdn: DEMO_NUMBERS.suspended, name: '黄志强', city: '东莞', type: 'prepaid', status: 'suspended', planId: 'PLAN-4G-38',
    joinedOn: '2017-02-20', packs: [{ id: 'VAS-CALLREM', daysAgo: 700 }],
  },
];
