// The demo operator's shop (网上商城): phones of six brands in their colours and storage sizes,
// accessories, two number cards with a pool of a few hundred numbers (nice numbers among them),
// 30/50/100-yuan recharge cards and a video membership with their code pools, points gifts, and
// the catalogue's 3 GB data pack sold through the mall. All listed on the halls for the last month
// (recharge cards and the pack on SMS and USSD too). Written once, under a lock, by whichever node
// gets there first, by the system actor with an audit entry; `stockPlan` tells the inventory demo
// how many of each shipped SKU each warehouse holds (found again by SKU code on every start).
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import { SYSTEM_ACTOR, type AuditLog } from '../../platform/audit.ts';
import { niceTier, TIER_DEPOSIT_FEN } from './nice-numbers.ts';
import { searchText } from './search.ts';
import type { Delivery, ProductKind, SpecGroup } from './tables.ts';

const DAY = 86_400_000;
const HALLS = ['web', 'mobile', 'kiosk'];
const EVERYWHERE = ['web', 'mobile', 'kiosk', 'sms', 'ussd', 'api'];

interface DemoSku { code: string; attrs?: Record<string, string>; listFen: number; saleFen: number; points?: number; gz?: number; sz?: number }
interface DemoProduct {
  kind: ProductKind; delivery: Delivery; category: string; nameZh: string; nameEn: string; brand: string; descriptionZh: string; descriptionEn: string;
  tags: string[]; images: string[]; specs: SpecGroup[]; offeringId?: string; channels: string[]; skus: DemoSku[];
}

const CATEGORIES: { code: string; parent?: string; nameZh: string; nameEn: string }[] = [
  { code: 'phones', nameZh: '手机', nameEn: 'Phones' },
  { code: 'phones-5g', parent: 'phones', nameZh: '5G手机', nameEn: '5G phones' },
  { code: 'cards', nameZh: '号卡', nameEn: 'Number cards' },
  { code: 'recharge', nameZh: '充值卡', nameEn: 'Recharge cards' },
  { code: 'packs', nameZh: '流量与套餐', nameEn: 'Data and plans' },
  { code: 'accessories', nameZh: '配件', nameEn: 'Accessories' },
  { code: 'memberships', nameZh: '会员权益', nameEn: 'Memberships' },
  { code: 'points', nameZh: '积分商城', nameEn: 'Points gifts' },
];

const spec = (groupZh: string, groupEn: string, rows: [string, string, string][]): SpecGroup => ({ groupZh, groupEn, items: rows.map(([nameZh, nameEn, value]) => ({ nameZh, nameEn, value })) });
const phoneSpecs = (screen: string, chip: string, camera: string, battery: string) => [
  spec('屏幕', 'Display', [['尺寸', 'Size', screen]]),
  spec('性能', 'Performance', [['处理器', 'Chip', chip]]),
  spec('拍照', 'Camera', [['后置摄像头', 'Rear camera', camera]]),
  spec('电池', 'Battery', [['容量', 'Capacity', battery]]),
  spec('网络', 'Network', [['制式', 'Networks', '5G / 4G 全网通']]),
];
const IMAGE: Record<string, string> = { 黑: '/mall/phone-black.svg', 青: '/mall/phone-green.svg', 白: '/mall/phone-white.svg' };
const imageOf = (colour: string) => IMAGE[[...colour].find((c) => IMAGE[c]) ?? '黑'] ?? '/mall/phone-black.svg';

/** A phone's SKUs: each colour × storage, priced by storage; stock varies by a fixed pattern (one SKU sold out). */
function phone(code: string, nameZh: string, nameEn: string, brand: string, colours: string[], storage: [string, number, number][], specs: SpecGroup[], soldOut?: string): DemoProduct {
  let k = 0;
  const skus = colours.flatMap((colour, ci) => storage.map(([size, listFen, saleFen]) => {
    const skuCode = `${code}-${ci + 1}-${size}`;
    const out = skuCode === soldOut;
    k++;
    return { code: skuCode, attrs: { 颜色: colour, 存储: size }, listFen, saleFen, gz: out ? 0 : 12 + ((k * 17) % 40), sz: out ? 0 : 3 + ((k * 11) % 25) };
  }));
  return {
    kind: 'physical', delivery: 'ship', category: 'phones-5g', nameZh, nameEn, brand, tags: ['5G', '顺丰包邮'], images: colours.map(imageOf).filter((v, i, a) => a.indexOf(v) === i),
    descriptionZh: `${nameZh}，官方正品，全国联保，7天无理由退货。`, descriptionEn: `${nameEn}: genuine, nationwide warranty, 7-day no-reason returns.`,
    specs, channels: HALLS, skus,
  };
}

const PRODUCTS: DemoProduct[] = [
  phone('HW-MATE60PRO', '华为 Mate 60 Pro', 'HUAWEI Mate 60 Pro', '华为', ['雅丹黑', '雅川青', '白沙银'], [['256GB', 699_900, 649_900], ['512GB', 799_900, 749_900]],
    phoneSpecs('6.82 英寸 OLED', '麒麟 9000S', '5000万像素三摄', '5000mAh'), 'HW-MATE60PRO-3-512GB'),
  phone('HW-NOVA12', '华为 nova 12', 'HUAWEI nova 12', '华为', ['曜金黑', '樱语白'], [['256GB', 299_900, 279_900], ['512GB', 329_900, 309_900]],
    phoneSpecs('6.7 英寸 OLED', '麒麟 8s', '5000万像素双摄', '4600mAh')),
  phone('MI-14', '小米 14', 'Xiaomi 14', '小米', ['黑色', '白色', '岩石青'], [['256GB', 399_900, 379_900], ['512GB', 429_900, 409_900]],
    phoneSpecs('6.36 英寸 OLED', '骁龙 8 Gen 3', '徕卡 5000万像素三摄', '4610mAh')),
  phone('OPPO-FINDX7', 'OPPO Find X7', 'OPPO Find X7', 'OPPO', ['大漠银月', '海阔天空'], [['256GB', 399_900, 369_900], ['512GB', 449_900, 419_900]],
    phoneSpecs('6.78 英寸 OLED', '天玑 9300', '哈苏 5000万像素三摄', '5000mAh')),
  phone('VIVO-X100', 'vivo X100', 'vivo X100', 'vivo', ['辰夜黑', '星迹蓝'], [['256GB', 399_900, 379_900], ['512GB', 449_900, 429_900]],
    phoneSpecs('6.78 英寸 OLED', '天玑 9300', '蔡司 5000万像素三摄', '5000mAh')),
  phone('HONOR-MAGIC6', '荣耀 Magic6', 'HONOR Magic6', '荣耀', ['绒黑色', '祁连雪'], [['256GB', 439_900, 419_900], ['512GB', 479_900, 459_900]],
    phoneSpecs('6.78 英寸 OLED', '骁龙 8 Gen 3', '5000万像素三摄', '5450mAh')),
  phone('APPLE-IP15', 'Apple iPhone 15', 'Apple iPhone 15', 'Apple', ['黑色', '蓝色', '粉色'], [['128GB', 599_900, 539_900], ['256GB', 699_900, 629_900]],
    phoneSpecs('6.1 英寸 OLED', 'A16 仿生', '4800万像素双摄', '3349mAh')),
  phone('APPLE-IP15PM', 'Apple iPhone 15 Pro Max', 'Apple iPhone 15 Pro Max', 'Apple', ['原色钛金属', '黑色钛金属'], [['256GB', 999_900, 929_900], ['512GB', 1_199_900, 1_129_900]],
    phoneSpecs('6.7 英寸 OLED', 'A17 Pro', '4800万像素三摄', '4422mAh'), 'APPLE-IP15PM-2-512GB'),
  {
    kind: 'physical', delivery: 'ship', category: 'accessories', nameZh: '华为 66W 超级快充充电器', nameEn: 'HUAWEI 66 W SuperCharge charger', brand: '华为',
    descriptionZh: '66W 超级快充，兼容多种协议。', descriptionEn: '66 W SuperCharge, works with most phones.', tags: ['配件'], images: ['/mall/accessory.svg'],
    specs: [spec('参数', 'Specs', [['输出', 'Output', '66W (11V 6A)']])], channels: HALLS,
    skus: [{ code: 'ACC-HW-66W', listFen: 14_900, saleFen: 12_900, gz: 120, sz: 60 }],
  },
  {
    kind: 'physical', delivery: 'ship', category: 'accessories', nameZh: '小米 Buds 4 Pro 无线降噪耳机', nameEn: 'Xiaomi Buds 4 Pro', brand: '小米',
    descriptionZh: '主动降噪，续航38小时。', descriptionEn: 'Active noise cancelling, 38 hours with the case.', tags: ['配件', '耳机'], images: ['/mall/accessory.svg'],
    specs: [spec('参数', 'Specs', [['降噪', 'ANC', '48dB'], ['续航', 'Battery life', '38h']])], channels: HALLS,
    skus: [{ code: 'ACC-MI-BUDS4P-W', attrs: { 颜色: '月影白' }, listFen: 99_900, saleFen: 89_900, gz: 40, sz: 25 }, { code: 'ACC-MI-BUDS4P-B', attrs: { 颜色: '星空黑' }, listFen: 99_900, saleFen: 89_900, gz: 2, sz: 0 }],
  },
  {
    kind: 'physical', delivery: 'ship', category: 'accessories', nameZh: 'iPhone 15 透明保护壳', nameEn: 'Clear case for iPhone 15', brand: 'Apple',
    descriptionZh: '防摔透明壳，支持 MagSafe。', descriptionEn: 'Clear drop-proof case with MagSafe.', tags: ['配件'], images: ['/mall/accessory.svg'], specs: [], channels: HALLS,
    skus: [{ code: 'ACC-IP15-CASE', listFen: 9_900, saleFen: 6_900, gz: 300, sz: 150 }],
  },
  {
    kind: 'physical', delivery: 'ship', category: 'accessories', nameZh: '移动电源 10000mAh', nameEn: 'Power bank 10,000 mAh', brand: '小米',
    descriptionZh: '22.5W 快充，双向充电。', descriptionEn: '22.5 W fast charging, both ways.', tags: ['配件'], images: ['/mall/accessory.svg'], specs: [], channels: HALLS,
    skus: [{ code: 'ACC-MI-PB10K', listFen: 12_900, saleFen: 9_900, gz: 200, sz: 80 }],
  },
  {
    kind: 'number_card', delivery: 'number', category: 'cards', nameZh: '动感地带 5G 新号卡', nameEn: 'M-Zone 5G new number card', brand: '中国移动',
    descriptionZh: '自选号码，预存话费即到账，顺丰送卡上门，实名激活。', descriptionEn: 'Choose your number; the deposit is credited on activation; delivered and activated with your ID.',
    tags: ['自选号码', '包邮'], images: ['/mall/sim-card.svg'], specs: [spec('号卡', 'Card', [['归属地', 'Home area', '广东 广州'], ['卡型', 'Card', '三合一 SIM']])], channels: HALLS,
    skus: [{ code: 'CARD-MZONE-5G', listFen: 0, saleFen: 0 }],
  },
  {
    kind: 'number_card', delivery: 'number', category: 'cards', nameZh: '全球通 靓号卡', nameEn: 'GoTone nice-number card', brand: '中国移动',
    descriptionZh: '精选靓号，按等级预存话费。', descriptionEn: 'Hand-picked nice numbers; the deposit is set by the tier.',
    tags: ['靓号'], images: ['/mall/sim-card.svg'], specs: [spec('号卡', 'Card', [['归属地', 'Home area', '广东 深圳']])], channels: HALLS,
    skus: [{ code: 'CARD-GOTONE-NICE', listFen: 0, saleFen: 0 }],
  },
  ...([[30, 2_990], [50, 4_980], [100, 9_950]] as const).map(([yuan, saleFen]): DemoProduct => ({
    kind: 'recharge_card', delivery: 'code', category: 'recharge', nameZh: `${yuan}元话费充值卡`, nameEn: `¥${yuan} recharge card`, brand: '中国移动',
    descriptionZh: `面值${yuan}元，购买后即得卡密，可为任意本网号码充值。`, descriptionEn: `Face value ¥${yuan}; the code comes at once and tops up any of our numbers.`,
    tags: ['充值'], images: ['/mall/recharge-card.svg'], specs: [], channels: EVERYWHERE,
    skus: [{ code: `RC-${yuan}`, listFen: yuan * 100, saleFen }],
  })),
  {
    kind: 'virtual', delivery: 'code', category: 'memberships', nameZh: '视频会员月卡', nameEn: 'Video membership, 1 month', brand: '咪咕',
    descriptionZh: '咪咕视频会员31天，购买后即得兑换码。', descriptionEn: '31 days of Migu Video membership; the code comes at once.', tags: ['会员'], images: ['/mall/membership.svg'], specs: [], channels: HALLS,
    skus: [{ code: 'VIP-MIGU-1M', listFen: 2_500, saleFen: 1_900 }],
  },
  {
    kind: 'virtual', delivery: 'credit', category: 'memberships', nameZh: '和彩云 1TB 年卡', nameEn: 'Cloud storage 1 TB, one year', brand: '中国移动',
    descriptionZh: '购买后空间立即到账。', descriptionEn: 'The storage is yours the moment you pay.', tags: ['会员'], images: ['/mall/membership.svg'], specs: [], channels: HALLS,
    skus: [{ code: 'VIP-CLOUD-1T', listFen: 18_800, saleFen: 9_900 }],
  },
  {
    kind: 'offering', delivery: 'subscribe', category: 'packs', nameZh: '3GB流量包', nameEn: '3 GB data pack', brand: '中国移动', offeringId: 'PK-DATA-3G',
    descriptionZh: '20元得3GB国内通用流量，30天有效。', descriptionEn: '3 GB national data for ¥20, valid 30 days.', tags: ['流量'], images: ['/mall/data-pack.svg'], specs: [], channels: EVERYWHERE,
    skus: [{ code: 'PACK-LL3G', listFen: 2_000, saleFen: 2_000 }],
  },
  ...([['积分兑 定制晴雨伞', 'Branded umbrella', 'GIFT-UMBRELLA', 3_900, 1_200], ['积分兑 不锈钢保温杯', 'Steel vacuum flask', 'GIFT-FLASK', 8_900, 3_000], ['积分兑 蓝牙音箱', 'Bluetooth speaker', 'GIFT-SPEAKER', 19_900, 8_000]] as const)
    .map(([nameZh, nameEn, code, listFen, points]): DemoProduct => ({
      kind: 'points_gift', delivery: 'ship', category: 'points', nameZh, nameEn, brand: '中国移动', descriptionZh: '积分兑换，包邮到家。', descriptionEn: 'Paid in points, delivered free.',
      tags: ['积分'], images: ['/mall/gift.svg'], specs: [], channels: HALLS, skus: [{ code, listFen, saleFen: 0, points, gz: 150, sz: 100 }],
    })),
];

/**
 * Nice tails first, then ordinary numbers from a fixed sequence: the same pool on every fresh
 * database, in 178 and 198 blocks, which the demo's subscribers (src/demo/people.ts PREFIXES) never use.
 */
function numbers(prefix: string, count: number, nice: string[]): string[] {
  const out = new Set(nice.map((t) => prefix + t));
  let x = 7919;
  while (out.size < count) {
    x = (x * 1103 + 12_345) % 10_000;
    out.add(prefix + String(x).padStart(4, '0'));
  }
  return [...out];
}
const NICE_TAILS = ['8888', '6666', '9999', '0000', '1234', '5678', '3456', '1122', '7788', '2323', '5858', '6868', '1314', '0520', '1168', '2777', '8999', '4321'];

/** Codes for a SKU, deterministic for the demo (real codes are loaded by staff through the console). */
function codes(sku: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${sku}-${String((i * 7_919 + 104_729) % 1_000_000).padStart(6, '0')}-${String(i + 1).padStart(4, '0')}`);
}

export interface DemoStock { skuId: number; gz: number; sz: number }

export async function seedDemoGoods(db: Db, audit: AuditLog, now: Date): Promise<{ created: boolean; stockPlan: DemoStock[] }> {
  const created = await db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext('omnihall.demo.goods'))`.execute(tx);
    if (await tx.selectFrom('goodsProduct').select('id').limit(1).executeTakeFirst()) return false;
    const category = new Map<string, number>();
    for (const [i, c] of CATEGORIES.entries()) {
      const r = await tx.insertInto('goodsCategory').values({ code: c.code, nameZh: c.nameZh, nameEn: c.nameEn, parentId: c.parent ? category.get(c.parent)! : null, sort: i })
        .returning('id').executeTakeFirstOrThrow();
      category.set(c.code, r.id);
    }
    const listedFrom = new Date(now.getTime() - 30 * DAY);
    for (const p of PRODUCTS) {
      const { skus, channels, category: c, specs, offeringId, ...rest } = p;
      const row = await tx.insertInto('goodsProduct').values({
        ...rest, categoryId: category.get(c)!, specs: JSON.stringify(specs), offeringId: offeringId ?? null, searchText: searchText(rest),
        createdBy: SYSTEM_ACTOR.id, createdAt: listedFrom, updatedAt: listedFrom,
      }).returning('id').executeTakeFirstOrThrow();
      const made = await tx.insertInto('goodsSku').values(skus.map((s, i) => ({
        productId: row.id, code: s.code, attrs: JSON.stringify(s.attrs ?? {}), listFen: s.listFen, saleFen: s.saleFen, points: s.points ?? null, sort: i,
      }))).returning(['id', 'code']).execute();
      await tx.insertInto('goodsListing').values(channels.map((channel) => ({ productId: row.id, channel, listedFrom, listedUntil: null }))).execute();
      if (p.kind === 'number_card') {
        const pool = p.skus[0]!.code === 'CARD-GOTONE-NICE' ? numbers('1780088', 60, NICE_TAILS) : numbers('1980020', 300, NICE_TAILS.slice(4));
        await tx.insertInto('goodsNumber').values(pool.map((number) => {
          const t = niceTier(number);
          return { number, productId: row.id, tier: t.tier, pattern: t.pattern, depositFen: TIER_DEPOSIT_FEN[t.tier]!, status: 'available' as const, ref: null, reservedUntil: null, subscriberId: null, updatedAt: listedFrom };
        })).onConflict((oc) => oc.column('number').doNothing()).execute();
      }
      if (p.delivery === 'code') {
        for (const s of made) await tx.insertInto('goodsCode').values(codes(s.code, 50).map((code) => ({ skuId: s.id, code, status: 'available' as const, ref: null, issuedAt: null }))).execute();
      }
      await audit.record(tx, SYSTEM_ACTOR, { action: 'goods.product.create', entityType: 'goods_product', entityId: String(row.id), reason: 'demo operator' }, now);
    }
    return true;
  });
  const planned = PRODUCTS.flatMap((p) => p.skus).filter((s) => s.gz !== undefined);
  const ids = await db.selectFrom('goodsSku').select(['id', 'code']).where('code', 'in', planned.map((s) => s.code)).execute();
  const byCode = new Map(ids.map((r) => [r.code, r.id]));
  return { created, stockPlan: planned.flatMap((s) => (byCode.has(s.code) ? [{ skuId: byCode.get(s.code)!, gz: s.gz!, sz: s.sz ?? 0 }] : [])) };
}
