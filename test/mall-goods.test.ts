// The mall's goods: a product is on sale only on the channels it is listed on and within its
// schedule; the public list finds it in Chinese by name and brand (and by pinyin initials); a price
// or a listing only changes when a second person approves it, and both steps are in the audit log;
// bad input gets its stable code and changes nothing; nice numbers get their tier from the rules.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestEnv, staffToken, type TestEnv } from './helpers.ts';
import { niceTier, type ProductInput, type ProductView } from '../src/modules/goods/index.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import type { Actor } from '../src/platform/audit.ts';

let env: TestEnv;
let pm: Actor;
let reviewer: Actor;
const NOW = new Date('2026-11-20T02:00:00Z');
const HOUR = 3_600_000;

const phone = ({ code, ...over }: Partial<ProductInput> & { code: string }): ProductInput => ({
  kind: 'physical', nameZh: '华为 Mate 60 Pro', nameEn: 'HUAWEI Mate 60 Pro', brand: '华为', images: ['/mall/phone-green.svg'],
  specs: [{ groupZh: '屏幕', groupEn: 'Display', items: [{ nameZh: '尺寸', nameEn: 'Size', value: '6.82 英寸' }] }],
  skus: [
    { code: `${code}-BLK-256`, attrs: { 颜色: '雅丹黑', 存储: '256GB' }, listFen: 699_900, saleFen: 649_900 },
    { code: `${code}-GRN-512`, attrs: { 颜色: '雅川青', 存储: '512GB' }, listFen: 799_900, saleFen: 749_900 },
  ],
  ...over,
});

/** Creates a product and lists it (submitted by one product manager, approved by another). */
async function listed(input: ProductInput, channels: string[], from = NOW, until: Date | null = null): Promise<ProductView> {
  const p = await env.s.goods.products.create(pm, input);
  for (const channel of channels) {
    const c = await env.s.goods.products.submit(pm, p.id, 'listing', { channel, listedFrom: from.toISOString(), listedUntil: until?.toISOString() ?? null });
    await env.s.goods.products.review(reviewer, c.id, { approve: true });
  }
  return env.s.goods.products.get(p.id);
}

const get = (url: string) => env.app.inject({ method: 'GET', url });
const ids = (body: { items: { id: number }[] }) => body.items.map((p) => p.id).sort((a, b) => a - b);

before(async () => {
  env = await startTestEnv({ now: NOW });
  pm = { id: await createStaffUser(env.db, { username: 'pm1', displayName: '产品经理甲', password: 'correct horse battery', roles: ['product'] }), name: '产品经理甲', roles: ['product'] };
  reviewer = { id: await createStaffUser(env.db, { username: 'pm2', displayName: '产品经理乙', password: 'correct horse battery', roles: ['product'] }), name: '产品经理乙', roles: ['product'] };
});
after(() => env.close());

describe('listing', () => {
  test('a product is on sale only on its listed channels and within its schedule', async () => {
    const p = await listed(phone({ code: 'SCHED', nameZh: '荣耀 Magic6 定时款', nameEn: 'HONOR Magic6 timed', brand: '荣耀' }), ['web', 'mobile'], new Date(NOW.getTime() + HOUR), new Date(NOW.getTime() + 3 * HOUR));
    const unlisted = await env.s.goods.products.create(pm, phone({ code: 'NEVER', nameZh: '荣耀 未上架', nameEn: 'HONOR never listed', brand: '荣耀' }));
    // Before its time: nowhere.
    assert.ok(!ids((await get('/api/v1/mall/products?brand=荣耀')).json()).includes(p.id));
    assert.equal((await get(`/api/v1/mall/products/${p.id}`)).json().code, 'PRODUCT_NOT_FOUND');
    env.clock.advance(2 * HOUR);
    assert.deepEqual(ids((await get('/api/v1/mall/products?brand=荣耀&channel=web')).json()), [p.id]);
    assert.deepEqual(ids((await get('/api/v1/mall/products?brand=荣耀&channel=mobile')).json()), [p.id]);
    assert.deepEqual(ids((await get('/api/v1/mall/products?brand=荣耀&channel=kiosk')).json()), []);
    const one = await get(`/api/v1/mall/products/${p.id}?channel=web`);
    assert.equal(one.statusCode, 200);
    assert.equal(one.json().skus.length, 2);
    assert.equal((await get(`/api/v1/mall/products/${p.id}?channel=kiosk`)).statusCode, 404);
    assert.equal((await get(`/api/v1/mall/products/${unlisted.id}`)).statusCode, 404);
    // Taken off the mobile hall at once, no review; the web keeps it.
    await env.s.goods.products.unlist(pm, p.id, 'mobile', '缺货下架');
    assert.deepEqual(ids((await get('/api/v1/mall/products?brand=荣耀&channel=mobile')).json()), []);
    assert.deepEqual(ids((await get('/api/v1/mall/products?brand=荣耀&channel=web')).json()), [p.id]);
    // After its time: gone everywhere.
    env.clock.advance(2 * HOUR);
    assert.deepEqual(ids((await get('/api/v1/mall/products?brand=荣耀')).json()), []);
    env.clock.set(NOW);
  });
});

describe('search', () => {
  let huawei: ProductView;
  let xiaomi: ProductView;
  let iphone: ProductView;
  before(async () => {
    huawei = await listed(phone({ code: 'HW-M60' }), ['web']);
    xiaomi = await listed(phone({ code: 'MI-14', nameZh: '小米 14 Ultra', nameEn: 'Xiaomi 14 Ultra', brand: '小米' }), ['web']);
    iphone = await listed(phone({ code: 'IP-15', nameZh: 'Apple iPhone 15 Pro Max', nameEn: 'Apple iPhone 15 Pro Max', brand: 'Apple' }), ['web']);
  });

  for (const [q, want] of [
    ['华为', 'huawei'], ['mate', 'huawei'], ['ＭＡＴＥ', 'huawei'], ['hw', 'huawei'], ['huawei', 'huawei'], ['华为 60', 'huawei'],
    ['小米', 'xiaomi'], ['xiaomi', 'xiaomi'], ['xm', 'xiaomi'], ['iphone 15', 'iphone'], ['苹果手机不存在', 'none'], ['100%', 'none'],
  ] as const) {
    test(`q=${q} finds ${want}`, async () => {
      const r = await get(`/api/v1/mall/products?q=${encodeURIComponent(q)}&channel=web`);
      assert.equal(r.statusCode, 200, r.body);
      const expect = { huawei: [huawei.id], xiaomi: [xiaomi.id], iphone: [iphone.id], none: [] }[want];
      assert.deepEqual(ids(r.json()), expect);
    });
  }

  test('filters: brand, kind, price range; each SKU with its id, prices and stock', async () => {
    assert.deepEqual(ids((await get('/api/v1/mall/products?brand=apple&channel=web')).json()), [iphone.id]);
    // 6499 yuan sale price is in range 6000–6500; nothing from 8000.
    const inRange = ids((await get('/api/v1/mall/products?minFen=600000&maxFen=650000&kind=physical&channel=web')).json());
    assert.ok(inRange.includes(huawei.id) && inRange.includes(iphone.id));
    assert.deepEqual(ids((await get('/api/v1/mall/products?minFen=800000&channel=web')).json()), []);
    const page = (await get('/api/v1/mall/products?channel=web&limit=2&offset=0')).json();
    assert.equal(page.items.length, 2);
    assert.ok(page.total >= 3);
    const sku = page.items[0].skus[0];
    assert.equal(typeof sku.id, 'number');
    assert.deepEqual(Object.keys(sku.stock).sort(), ['inStock', 'saleable']);
    // No stock received yet: none saleable.
    assert.deepEqual(sku.stock, { saleable: 0, inStock: false });
    assert.ok(sku.listFen >= sku.saleFen);
  });
});

describe('reviewed changes', () => {
  test('a price change waits for a second person, never the submitter, and both steps are audited', async () => {
    const p = await listed(phone({ code: 'PRICE', nameZh: 'vivo X100', nameEn: 'vivo X100', brand: 'vivo' }), ['web']);
    const sku = p.skus[0]!;
    const pmToken = await staffToken(env, ['product']);
    const otherToken = await staffToken(env, ['product']);
    const marketingToken = await staffToken(env, ['marketing']);
    const submit = await env.app.inject({ method: 'POST', url: `/api/v1/console/mall/products/${p.id}/changes/price`, headers: { authorization: `Bearer ${pmToken}` }, payload: { skuId: sku.id, listFen: 699_900, saleFen: 599_900 } });
    assert.equal(submit.statusCode, 201, submit.body);
    const change = submit.json();
    assert.equal(change.status, 'pending');
    // Not applied yet: subscribers still see the old price.
    const price = async () => (await get(`/api/v1/mall/products/${p.id}`)).json().skus.find((x: { id: number }) => x.id === sku.id).saleFen;
    assert.equal(await price(), 649_900);
    const self = await env.app.inject({ method: 'POST', url: `/api/v1/console/mall/changes/${change.id}/approve`, headers: { authorization: `Bearer ${pmToken}` } });
    assert.equal(self.statusCode, 409);
    assert.equal(self.json().code, 'SELF_REVIEW');
    const forbidden = await env.app.inject({ method: 'POST', url: `/api/v1/console/mall/changes/${change.id}/approve`, headers: { authorization: `Bearer ${marketingToken}` } });
    assert.equal(forbidden.statusCode, 403);
    assert.equal(await price(), 649_900);
    const ok = await env.app.inject({ method: 'POST', url: `/api/v1/console/mall/changes/${change.id}/approve`, headers: { authorization: `Bearer ${otherToken}` } });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().status, 'approved');
    assert.equal(await price(), 599_900);
    const again = await env.app.inject({ method: 'POST', url: `/api/v1/console/mall/changes/${change.id}/approve`, headers: { authorization: `Bearer ${otherToken}` } });
    assert.equal(again.json().code, 'REVIEW_NOT_PENDING');
    const audit = await env.db.selectFrom('auditEntry').select(['action', 'actorId', 'before', 'after']).where('entityType', '=', 'goods_product').where('entityId', '=', String(p.id)).orderBy('id').execute();
    const actions = audit.map((a) => a.action);
    assert.deepEqual(actions.slice(-2), ['goods.change.submit', 'goods.change.approve']);
    const approved = audit.at(-1)!;
    assert.notEqual(approved.actorId, audit.at(-2)!.actorId);
    const skuOf = (v: unknown) => (v as ProductView).skus.find((x) => x.id === sku.id)!.saleFen;
    assert.equal(skuOf(approved.before), 649_900);
    assert.equal(skuOf(approved.after), 599_900);
  });

  test('a rejected change needs a reason and changes nothing', async () => {
    const p = await listed(phone({ code: 'REJ', nameZh: 'OPPO Find X7', nameEn: 'OPPO Find X7', brand: 'OPPO' }), ['web']);
    const c = await env.s.goods.products.submit(pm, p.id, 'listing', { channel: 'kiosk', listedFrom: NOW.toISOString() });
    await assert.rejects(env.s.goods.products.review(reviewer, c.id, { approve: false, reason: ' ' }), { code: 'INVALID_INPUT' });
    const r = await env.s.goods.products.review(reviewer, c.id, { approve: false, reason: '自助终端暂不售手机' });
    assert.equal(r.status, 'rejected');
    assert.equal((await get(`/api/v1/mall/products/${p.id}?channel=kiosk`)).statusCode, 404);
    assert.deepEqual((await env.s.goods.products.get(p.id)).listings.map((l) => l.channel), ['web']);
  });

  test('a new product appears nowhere, and a details change shows only once approved', async () => {
    const token = await staffToken(env, ['product']);
    const made = await env.app.inject({ method: 'POST', url: '/api/v1/console/mall/products', headers: { authorization: `Bearer ${token}` }, payload: phone({ code: 'REST', nameZh: '荣耀 X50', nameEn: 'HONOR X50', brand: '荣耀' }) });
    assert.equal(made.statusCode, 201, made.body);
    const id = made.json().id as number;
    assert.deepEqual(made.json().listings, []);
    const d = await env.s.goods.products.submit(pm, id, 'details', { nameZh: '荣耀 X50 GT', nameEn: 'HONOR X50 GT', brand: '荣耀' });
    assert.equal((await env.s.goods.products.get(id)).names['zh-CN'], '荣耀 X50');
    await env.s.goods.products.review(reviewer, d.id, { approve: true });
    assert.equal((await env.s.goods.products.get(id)).names['zh-CN'], '荣耀 X50 GT');
    // Searchable under its new name once listed.
    const l = await env.s.goods.products.submit(pm, id, 'listing', { channel: 'web', listedFrom: NOW.toISOString() });
    await env.s.goods.products.review(reviewer, l.id, { approve: true });
    assert.deepEqual(ids((await get(`/api/v1/mall/products?q=${encodeURIComponent('x50 gt')}`)).json()), [id]);
  });

  test('a details change changes only the fields it names: the tags alone keep the names, the description and the pictures; an empty change is refused', async () => {
    const p = await listed(phone({ code: 'PATCH', nameZh: '荣耀 Magic6', nameEn: 'HONOR Magic6', brand: '荣耀' }), ['web']);
    const first = await env.s.goods.products.submit(pm, p.id, 'details', { descriptionZh: '旗舰影像', descriptionEn: 'Flagship camera', images: ['/mall/phone-blue.svg'] });
    await env.s.goods.products.review(reviewer, first.id, { approve: true });
    const tagged = await env.s.goods.products.submit(pm, p.id, 'details', { tags: ['5G', '新品'] });
    await env.s.goods.products.review(reviewer, tagged.id, { approve: true });
    const now = await env.s.goods.products.get(p.id);
    assert.deepEqual([now.names['zh-CN'], now.brand, now.descriptions['zh-CN'], now.images, now.tags], ['荣耀 Magic6', '荣耀', '旗舰影像', ['/mall/phone-blue.svg'], ['5G', '新品']]);
    // Renamed: found by the new name, the brand kept in the search text.
    const renamed = await env.s.goods.products.submit(pm, p.id, 'details', { nameZh: '荣耀 Magic6 Pro', nameEn: 'HONOR Magic6 Pro' });
    await env.s.goods.products.review(reviewer, renamed.id, { approve: true });
    assert.deepEqual(ids((await get(`/api/v1/mall/products?q=${encodeURIComponent('magic6 pro')}`)).json()), [p.id]);
    assert.ok(ids((await get(`/api/v1/mall/products?q=${encodeURIComponent('荣耀')}`)).json()).includes(p.id));
    assert.equal((await env.s.goods.products.get(p.id)).descriptions['zh-CN'], '旗舰影像');
    const empty = await env.s.goods.products.submit(pm, p.id, 'details', {}).catch((e: { code?: string }) => e.code);
    assert.equal(empty, 'INVALID_INPUT');
  });
});

describe('bad input', () => {
  let a: ProductView;
  let b: ProductView;
  before(async () => {
    a = await listed(phone({ code: 'BAD-A', nameZh: '小米 Redmi K70', nameEn: 'Redmi K70', brand: '小米' }), ['web']);
    b = await listed(phone({ code: 'BAD-B', nameZh: '小米 Civi 4', nameEn: 'Xiaomi Civi 4', brand: '小米' }), ['web']);
  });

  test('a SKU checked for a quantity: stable codes for a bad quantity, an unknown SKU, a SKU of another product', async () => {
    const sku = a.skus[0]!.id;
    const ok = await get(`/api/v1/mall/products/${a.id}/skus/${sku}?quantity=2`);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().available, false);
    for (const [url, status, code] of [
      [`/api/v1/mall/products/${a.id}/skus/${sku}?quantity=-1`, 400, 'INVALID_QUANTITY'],
      [`/api/v1/mall/products/${a.id}/skus/${sku}?quantity=0`, 400, 'INVALID_QUANTITY'],
      [`/api/v1/mall/products/${a.id}/skus/${sku}?quantity=1.5`, 400, 'INVALID_QUANTITY'],
      [`/api/v1/mall/products/${a.id}/skus/${sku}?quantity=100`, 400, 'INVALID_QUANTITY'],
      [`/api/v1/mall/products/${a.id}/skus/999999`, 404, 'SKU_NOT_FOUND'],
      [`/api/v1/mall/products/${a.id}/skus/${b.skus[0]!.id}`, 400, 'SKU_NOT_OF_PRODUCT'],
      [`/api/v1/mall/products/999999/skus/${sku}`, 404, 'PRODUCT_NOT_FOUND'],
      ['/api/v1/mall/products/999999', 404, 'PRODUCT_NOT_FOUND'],
      ['/api/v1/mall/products/abc', 400, 'INVALID_INPUT'],
      ['/api/v1/mall/products?minFen=-5', 400, 'INVALID_INPUT'],
      ['/api/v1/mall/products?minFen=500&maxFen=100', 400, 'INVALID_INPUT'],
      ['/api/v1/mall/products?category=999999', 404, 'CATEGORY_NOT_FOUND'],
      ['/api/v1/mall/products?channel=fax', 400, 'INVALID_INPUT'],
    ] as const) {
      const r = await get(url);
      assert.equal(r.statusCode, status, `${url}: ${r.body}`);
      assert.equal(r.json().code, code, url);
    }
  });

  test('staff writes refused with stable codes change nothing', async () => {
    const before = await env.s.goods.products.get(a.id);
    await assert.rejects(env.s.goods.products.submit(pm, a.id, 'price', { skuId: b.skus[0]!.id, listFen: 100, saleFen: 100 }), { code: 'SKU_NOT_OF_PRODUCT' });
    await assert.rejects(env.s.goods.products.submit(pm, a.id, 'price', { skuId: 999999, listFen: 100, saleFen: 100 }), { code: 'SKU_NOT_FOUND' });
    await assert.rejects(env.s.goods.products.submit(pm, a.id, 'price', { skuId: a.skus[0]!.id, listFen: 100, saleFen: 200 }), { code: 'INVALID_INPUT' });
    await assert.rejects(env.s.goods.products.submit(pm, a.id, 'price', { skuId: a.skus[0]!.id, listFen: -1, saleFen: -1 }), { code: 'INVALID_INPUT' });
    await assert.rejects(env.s.goods.products.submit(pm, a.id, 'sku', { code: a.skus[0]!.code, listFen: 1, saleFen: 1 }), { code: 'SKU_CODE_TAKEN' });
    await assert.rejects(env.s.goods.products.create(pm, phone({ code: 'BAD-A' })), { code: 'SKU_CODE_TAKEN' });
    await assert.rejects(env.s.goods.products.create(pm, { ...phone({ code: 'OFF' }), kind: 'offering', offeringId: 'NO-SUCH-OFFERING' }), { code: 'OFFERING_NOT_FOUND' });
    await assert.rejects(env.s.goods.products.create(pm, { ...phone({ code: 'PTS' }), kind: 'points_gift' }), { code: 'INVALID_INPUT' });
    await assert.rejects(env.s.goods.products.create({ ...pm, roles: ['marketing'] }, phone({ code: 'ROLE' })), { code: 'FORBIDDEN' });
    assert.deepEqual(await env.s.goods.products.get(a.id), before);
    assert.equal((await env.s.goods.products.changes({ productId: a.id, status: 'pending' })).length, 0);
    const token = await staffToken(env, ['product']);
    const bad = await env.app.inject({ method: 'POST', url: `/api/v1/console/mall/products/${a.id}/changes/listing`, headers: { authorization: `Bearer ${token}` }, payload: { channel: 'web', listedFrom: 'yesterday' } });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'INVALID_INPUT');
  });
});

describe('categories and number cards', () => {
  test('the category tree, and a category filter that takes in its sub-categories', async () => {
    const phones = await env.s.goods.products.addCategory(pm, { code: 'phones', nameZh: '手机', nameEn: 'Phones' });
    const fiveG = await env.s.goods.products.addCategory(pm, { code: 'phones-5g', nameZh: '5G手机', nameEn: '5G phones', parentId: phones.id });
    const p = await listed(phone({ code: 'CAT', nameZh: '华为 nova 12', nameEn: 'HUAWEI nova 12', categoryId: fiveG.id }), ['web']);
    const tree = (await get('/api/v1/mall/categories')).json().items;
    const root = tree.find((c: { code: string }) => c.code === 'phones');
    assert.deepEqual(root.children.map((c: { code: string }) => c.code), ['phones-5g']);
    assert.deepEqual(ids((await get(`/api/v1/mall/products?category=${phones.id}`)).json()), [p.id]);
  });

  test('nice-number tiers come from the rules', () => {
    assert.deepEqual(niceTier('13800088888'), { tier: 1, pattern: 'AAAAA' });
    assert.deepEqual(niceTier('13800008888'), { tier: 1, pattern: '8888' });
    assert.deepEqual(niceTier('13812348888'), { tier: 1, pattern: '8888' });
    assert.deepEqual(niceTier('13812343333'), { tier: 2, pattern: 'AAAA' });
    assert.deepEqual(niceTier('13812345678'), { tier: 2, pattern: 'ABCDE' });
    assert.deepEqual(niceTier('13812091234'), { tier: 3, pattern: 'ABCD' });
    assert.deepEqual(niceTier('13812007788'), { tier: 3, pattern: 'AABB' });
    assert.deepEqual(niceTier('13812001212'), { tier: 3, pattern: 'ABAB' });
    assert.deepEqual(niceTier('13812004777'), { tier: 4, pattern: 'AAA' });
    assert.deepEqual(niceTier('13812041314'), { tier: 4, pattern: '520/1314/168' });
    assert.deepEqual(niceTier('13812040937'), { tier: 0, pattern: null });
  });

  test("a number card's pool: imported with tiers and deposits, filtered by pattern and tier", async () => {
    const card = await listed({ kind: 'number_card', nameZh: '动感地带 新号卡', nameEn: 'M-Zone new number card', brand: '中国移动', skus: [{ code: 'CARD-MZ', listFen: 0, saleFen: 0 }] }, ['web']);
    const r = await env.s.goods.numbers.import(pm, card.id, '13800088888\n13812345678,0\n13812040937\nnot-a-number\n13812040937\n');
    assert.equal(r.added, 3);
    assert.deepEqual(r.rejected.map((x) => x.reason), ['not a mobile number', 'repeated']);
    const all = (await get(`/api/v1/mall/number-cards/${card.id}/numbers`)).json();
    assert.deepEqual(all.items.map((n: { number: string }) => n.number), ['13800088888', '13812345678', '13812040937']);
    assert.deepEqual(all.items.map((n: { depositFen: number }) => n.depositFen), [200_000, 0, 0]);
    assert.deepEqual((await get(`/api/v1/mall/number-cards/${card.id}/numbers?pattern=8888`)).json().items.map((n: { number: string }) => n.number), ['13800088888']);
    assert.deepEqual((await get(`/api/v1/mall/number-cards/${card.id}/numbers?pattern=5*78`)).json().items.map((n: { number: string }) => n.number), ['13812345678']);
    assert.deepEqual((await get(`/api/v1/mall/number-cards/${card.id}/numbers?tier=0`)).json().items.map((n: { number: string }) => n.number), ['13812040937']);
    assert.equal((await get(`/api/v1/mall/number-cards/${card.id}/numbers?pattern=88%25`)).statusCode, 400);
    const p = (await get(`/api/v1/mall/products/${card.id}`)).json();
    assert.deepEqual(p.skus[0].stock, { saleable: 3, inStock: true });
    const notACard = (await env.s.goods.products.list({ kind: 'physical', listed: true }, { offset: 0, limit: 1 })).items[0]!;
    assert.equal((await get(`/api/v1/mall/number-cards/${notACard.id}/numbers`)).statusCode, 404);
  });
});

describe('console and documents', () => {
  test("the console imports a number pool, loads codes and unlists at once, each audited; product managers only", async () => {
    const token = await staffToken(env, ['product']);
    const ops = await staffToken(env, ['ops']);
    const auth = (t: string) => ({ authorization: `Bearer ${t}` });
    const card = await listed({ kind: 'number_card', nameZh: '畅享新号卡', nameEn: 'Enjoy number card', brand: '中国移动', skus: [{ code: 'CARD-CONSOLE', listFen: 0, saleFen: 0 }] }, ['web', 'mobile']);
    const imported = await env.app.inject({ method: 'POST', url: `/api/v1/console/mall/products/${card.id}/numbers/import`, headers: auth(token), payload: { csv: '13600006666\n13600001357,8800\n1360000\n' } });
    assert.equal(imported.statusCode, 200, imported.body);
    assert.equal(imported.json().added, 2);
    assert.deepEqual(imported.json().rejected, [{ line: 3, text: '1360000', reason: 'not a mobile number' }]);
    assert.equal((await env.s.goods.numbers.get('13600001357')).depositFen, 8800);
    const denied = await env.app.inject({ method: 'POST', url: `/api/v1/console/mall/products/${card.id}/numbers/import`, headers: auth(ops), payload: { csv: '13600007777' } });
    assert.equal(denied.statusCode, 403);
    const rc = await listed({ kind: 'recharge_card', nameZh: '100元充值卡', nameEn: '¥100 recharge card', brand: '中国移动', skus: [{ code: 'RC-CONSOLE-100', listFen: 10_000, saleFen: 9_950 }] }, ['web']);
    const loaded = await env.app.inject({ method: 'POST', url: `/api/v1/console/mall/skus/${rc.skus[0]!.id}/codes`, headers: auth(token), payload: { codes: 'RC100-AAAA-0001\nRC100-AAAA-0002\n' } });
    assert.deepEqual(loaded.json(), { added: 2, skipped: 0 });
    const wrong = await env.app.inject({ method: 'POST', url: `/api/v1/console/mall/skus/${card.skus[0]!.id}/codes`, headers: auth(token), payload: { codes: 'RC100-AAAA-0003' } });
    assert.equal(wrong.json().code, 'INVALID_INPUT');
    const off = await env.app.inject({ method: 'DELETE', url: `/api/v1/console/mall/products/${card.id}/listings/mobile`, headers: auth(token), payload: { reason: '号段调整' } });
    assert.equal(off.statusCode, 200, off.body);
    assert.deepEqual(off.json().listings.map((l: { channel: string }) => l.channel), ['web']);
    assert.equal((await get(`/api/v1/mall/products/${card.id}?channel=mobile`)).statusCode, 404);
    const actions = (await env.db.selectFrom('auditEntry').select('action').where('entityId', 'in', [String(card.id), String(rc.skus[0]!.id)]).where('entityType', 'in', ['goods_product', 'goods_sku']).orderBy('id').execute()).map((a) => a.action);
    for (const a of ['goods.numbers.import', 'goods.codes.load', 'goods.unlist']) assert.ok(actions.includes(a), a);
  });

  test('the mall routes are in the OpenAPI document', async () => {
    const doc = (await get('/openapi.json')).json();
    for (const [path, method] of [
      ['/api/v1/mall/products', 'get'], ['/api/v1/mall/products/{id}', 'get'], ['/api/v1/mall/products/{id}/skus/{skuId}', 'get'], ['/api/v1/mall/categories', 'get'],
      ['/api/v1/mall/number-cards/{productId}/numbers', 'get'], ['/api/v1/console/mall/products', 'post'], ['/api/v1/console/mall/changes/{id}/approve', 'post'], ['/api/v1/console/mall/stock/adjustments', 'post'],
    ] as const) assert.ok(doc.paths[path]?.[method], `${method} ${path}`);
  });
});
