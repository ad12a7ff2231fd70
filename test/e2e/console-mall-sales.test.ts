// The console's 秒杀 and 评价审核 pages in a real browser, at 1440×900, on the demo shop: product
// manager A makes a flash sale of the 66W charger (¥99 in yuan, 20 units, 2 a buyer, tomorrow
// 10:00–12:00 Beijing time), which waits for review; A's own approval is refused (SELF_REVIEW, said
// in a dialog) and the sale stays pending; B approves it and it shows as upcoming with its 20 left.
// B then moderates two reviews of the power bank the sensitive-word check held: one is rejected
// with a reason its writer sees, the other approved and replied to, the reply shown under it in the
// console and in the mall's public list. Every page is checked with axe-core and photographed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { addSubscriber, signIn as subscriberToken } from '../helpers.ts';
import { seedDemoGoods } from '../../src/modules/goods/index.ts';
import { seedDemoInventory } from '../../src/modules/inventory/index.ts';
import { createStaffUser } from '../../src/modules/staff/index.ts';
import type { Actor } from '../../src/platform/audit.ts';
import { formatBeijing } from '../../web/shared/format.ts';
import { axeProblems, overflowProblems, screenshot, skipReason, startHall, type Hall } from './browser.ts';
import { addStaff, consoleSignIn, consoleSignOut, toast, choose } from './staff.ts';

const skip = skipReason();
const HOME = { name: '张三', phone: '13800000001', province: '广东省', city: '广州市', district: '天河区', detail: '天河路 1 号' };
const PHOTO = 'https://img.example.com/reviews/bank-1.png';

/** Accessibility and layout of the page as it stands, and a photograph of it. */
async function check(page: Page, name: string): Promise<void> {
  // A toast fades on its own clock; it is announced to screen readers and left out of the check.
  assert.deepEqual(await axeProblems(page, ['.ant-message']), [], `${name}: accessibility`);
  assert.deepEqual(await overflowProblems(page), [], `${name}: sideways overflow`);
  await screenshot(page, `console-mall-sales-${name}`);
}

describe('the console’s flash sales and review moderation in a browser', { skip }, () => {
  let hall: Hall;
  let ops: Actor;

  /** A subscriber who bought the product from the balance and has it delivered: the purchase a review needs. */
  async function buyer(productId: number, skuId: number, key: string): Promise<number> {
    const env = hall.env;
    const sub = await addSubscriber(env.db, { balanceFen: 1_000_000 });
    const token = await subscriberToken(env, sub.msisdn);
    const auth = { authorization: `Bearer ${token}` };
    const put = await env.app.inject({ method: 'PUT', url: '/api/v1/mall/cart/lines', headers: auth, payload: { productId, skuId, quantity: 1 } });
    assert.ok(put.statusCode < 300, put.body);
    const quote = await env.app.inject({ method: 'POST', url: '/api/v1/mall/checkout/quote', headers: auth, payload: { address: HOME } });
    const order = await env.app.inject({
      method: 'POST', url: '/api/v1/mall/orders', headers: { ...auth, 'idempotency-key': key },
      payload: { address: HOME, method: 'balance', expectedTotalFen: quote.json().totalFen, confirm: true },
    });
    assert.equal(order.statusCode, 201, order.body);
    const shipped = await env.s.delivery.ship(ops, order.json().order.shipmentId, {});
    await env.s.delivery.carrierEvent('demo', { eventId: `ev-${key}`, trackingNo: shipped.trackingNo!, state: 'delivered', at: env.clock.now() });
    return sub.id;
  }

  before(async () => {
    hall = await startHall();
    // The server's clock at the browser's: the sale's window is typed as tomorrow in Beijing time.
    hall.env.clock.set(new Date());
    const now = hall.env.clock.now();
    const shop = await seedDemoGoods(hall.env.db, hall.env.s.audit, now);
    await seedDemoInventory(hall.env.db, hall.env.s.audit, now, shop.stockPlan);
    await addStaff(hall.env, 'pma', ['product'], '产品经理甲');
    await addStaff(hall.env, 'pmb', ['product'], '产品经理乙');
    ops = { id: await createStaffUser(hall.env.db, { username: 'ops1', displayName: '运维', password: 'correct horse battery', roles: ['ops'] }), name: '运维', roles: ['ops'] };
  });

  after(async () => {
    await hall?.close();
  });

  test('a flash sale refused to its creator and approved by a second person; held reviews rejected with a reason, or approved and replied to', async (t) => {
    const env = hall.env;
    const page = await hall.context.newPage();
    // The console's chunks are large: on a machine busy with other tests a page can take longer
    // than the harness's 15 s to appear. A bound, not a timing.
    page.setDefaultTimeout(45_000);
    t.after(() => page.close().catch(() => undefined));
    const go = async (menu: string, heading: string) => {
      await page.getByRole('menuitem', { name: new RegExp(`(^|\\s)${menu}$`) }).click();
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    };

    // The reviews, written through the reviews module by two buyers of the power bank: both held.
    const bank = (await env.app.inject({ method: 'GET', url: `/api/v1/mall/products?q=${encodeURIComponent('移动电源')}` })).json().items[0];
    const bankSku = bank.skus[0].id as number;
    const [a, b] = [await buyer(bank.id, bankSku, 'sales-order-0001'), await buyer(bank.id, bankSku, 'sales-order-0002')];
    const spam = await env.s.reviews.write(a, { subject: 'goods', productId: bank.id }, { rating: 5, text: '充电宝不错，加微信可以刷单返现' }, 'sales-review-0001');
    const fair = await env.s.reviews.write(b, { subject: 'goods', productId: bank.id }, { rating: 4, text: '容量足，就是有点重。朋友说别去赌场，我说我只买充电宝', photos: [PHOTO] }, 'sales-review-0002');
    assert.deepEqual([spam.review.state, fair.review.state], ['pending', 'pending'], 'a sensitive word holds each');

    await page.goto(`${hall.base}/favicon.svg`);
    await page.evaluate('localStorage.clear(); sessionStorage.clear()');

    // ---- A makes the flash sale ----
    await consoleSignIn(page, hall.base, 'pma');
    await go('秒杀', '秒杀活动');
    await page.getByText('还没有秒杀活动').waitFor();
    await check(page, 'flash-empty');
    await page.getByRole('button', { name: '新建秒杀' }).click();
    const form = page.getByRole('dialog', { name: '新建秒杀' });
    await choose(page, form, '规格', '华为 66W 超级快充充电器');
    await form.getByText('售价 ¥129.00，当前可售').waitFor();
    const day = formatBeijing(env.clock.now().getTime() + 86_400_000, { date: true });
    await form.getByLabel('秒杀价（元）').fill('199');
    await form.getByLabel('数量').fill('20');
    await form.getByLabel('每人限购').fill('2');
    await form.getByLabel('开始时间（北京时间）').fill(`${day} 10:00`);
    await form.getByLabel('结束时间（北京时间）').fill(`${day} 09:00`);
    await form.getByRole('button', { name: '提交审核' }).click();
    // Said in the form before anything is sent: above the sale price, ending before it starts.
    await form.getByText('秒杀价不能高于售价 ¥129.00').waitFor();
    await form.getByText('结束时间应晚于开始时间').waitFor();
    await check(page, 'flash-form-errors');
    assert.equal((await env.s.flashSales.list(ops, {})).total, 0, 'nothing was made');
    await form.getByLabel('秒杀价（元）').fill('99');
    await form.getByLabel('结束时间（北京时间）').fill(`${day} 12:00`);
    await form.getByRole('button', { name: '提交审核' }).click();
    await toast(page, '已提交，等待另一位同事审核');
    const row = page.getByRole('row').filter({ hasText: '华为 66W 超级快充充电器' });
    await row.getByText('待审核').waitFor();
    const [sale] = (await env.s.flashSales.list(ops, {})).items;
    assert.deepEqual(
      [sale!.priceFen, sale!.quantity, sale!.perSubscriberLimit, sale!.status, sale!.startsAt, sale!.endsAt],
      [9_900, 20, 2, 'pending', new Date(`${day}T02:00:00Z`).toISOString(), new Date(`${day}T04:00:00Z`).toISOString()],
      'the yuan typed is sent in fen, the window typed in Beijing time is that instant',
    );
    assert.equal(await row.getByText(`${day} 10:00 – 12:00`).count(), 1, 'the window in Beijing time');

    // A's own approval: the server refuses it and the page says why; the sale stays pending.
    await row.getByRole('button', { name: '审核通过：华为 66W 超级快充充电器' }).click();
    await page.getByRole('dialog', { name: '审核通过秒杀：华为 66W 超级快充充电器' }).getByRole('button', { name: '审核通过' }).click();
    const refusal = page.getByRole('dialog').filter({ hasText: '不能审核自己创建的秒杀，请由另一位同事审核' });
    await refusal.waitFor();
    await check(page, 'flash-self-review');
    await refusal.getByRole('button', { name: '确定' }).click();
    await refusal.waitFor({ state: 'hidden' });
    assert.equal((await env.s.flashSales.view(sale!.id)).status, 'pending', 'A’s approval changed nothing');
    await consoleSignOut(page);

    // ---- B approves it: upcoming, its 20 on sale ----
    await consoleSignIn(page, hall.base, 'pmb');
    await go('秒杀', '秒杀活动');
    await row.getByRole('button', { name: '审核通过：华为 66W 超级快充充电器' }).click();
    const confirm = page.getByRole('dialog', { name: '审核通过秒杀：华为 66W 超级快充充电器' });
    await confirm.getByText(`通过后从库存预留 20 件，以 ¥99.00 在 ${day} 10:00 – 12:00（北京时间）开售。`).waitFor();
    await confirm.getByRole('button', { name: '审核通过' }).click();
    await toast(page, '已审核通过：华为 66W 超级快充充电器');
    await row.getByText('未开始').waitFor();
    await row.getByText('已售 0 · 待付款 0 · 剩余 20 / 20').waitFor();
    assert.equal(await row.getByRole('button', { name: /审核通过/ }).count(), 0, 'nothing left to review');
    await check(page, 'flash-upcoming');
    const shown = (await env.app.inject({ method: 'GET', url: '/api/v1/mall/flash-sales' })).json().items;
    assert.deepEqual(shown.map((s: { id: number; phase: string; remaining: number }) => [s.id, s.phase, s.remaining]), [[sale!.id, 'upcoming', 20]], 'the mall shows it coming');

    // ---- B moderates the held reviews ----
    await go('评价审核', '评价审核');
    const held = page.getByRole('list', { name: '评价列表' }).getByRole('article');
    await held.first().waitFor();
    assert.equal(await held.count(), 2, 'both held reviews wait, oldest first');
    const spamCard = page.getByTestId(`review-${spam.review.id}`);
    const fairCard = page.getByTestId(`review-${fair.review.id}`);
    await spamCard.getByTestId('review-hits').filter({ hasText: '刷单 · 诈骗' }).waitFor();
    await fairCard.getByTestId('review-hits').filter({ hasText: '赌场 · 赌博' }).waitFor();
    assert.equal(await spamCard.locator('mark').textContent(), '刷单', 'the word is marked in the text');
    await spamCard.getByText('已购').waitFor();
    assert.equal(await spamCard.getByTestId('review-rating').textContent(), '评分：5 星');
    assert.equal(await spamCard.locator('.ant-rate-star-full').count(), 5, 'five stars drawn');
    await fairCard.getByRole('img', { name: '评价图片 1' }).waitFor();
    assert.equal(await fairCard.getByRole('link', { name: '评价图片 1' }).getAttribute('href'), PHOTO, 'the photo opens at its own address');
    assert.ok(await spamCard.getByText('移动电源 10000mAh').isVisible(), 'the product by name');
    assert.match(await spamCard.textContent() ?? '', /评价人 1\d{2}\*{4}\d{4}/, 'the writer masked');
    await check(page, 'reviews-held');

    await spamCard.getByRole('button', { name: '驳回：移动电源 10000mAh' }).click();
    const rejectForm = page.getByRole('dialog', { name: '驳回评价' });
    await rejectForm.getByRole('button', { name: '驳回' }).click();
    await rejectForm.getByText('请填写此项').waitFor();
    await rejectForm.getByLabel('驳回原因（评价人可见）').fill('含有刷单返现广告');
    await check(page, 'reviews-reject');
    await rejectForm.getByRole('button', { name: '驳回' }).click();
    await toast(page, '已驳回');
    await spamCard.waitFor({ state: 'detached' });
    const mine = (await env.s.reviews.mine(a, { offset: 0, limit: 10 })).items[0]!;
    assert.deepEqual([mine.state, mine.rejectReason], ['rejected', '含有刷单返现广告'], 'its writer sees the reason');

    await fairCard.getByRole('button', { name: '通过：移动电源 10000mAh' }).click();
    await page.getByRole('dialog', { name: '通过这条评价？' }).getByRole('button', { name: '通过' }).click();
    await toast(page, '已通过，评价已公开');
    await page.getByText('没有待审核的评价').waitFor();

    await page.getByRole('tab', { name: '已发布' }).click();
    await fairCard.getByRole('button', { name: '回复：移动电源 10000mAh' }).click();
    const replyForm = page.getByRole('dialog', { name: '以运营方身份回复' });
    await replyForm.getByLabel('回复内容（显示在评价下方）').fill('感谢您的评价，轻薄款即将上架');
    await replyForm.getByRole('button', { name: '回复' }).click();
    await toast(page, '已回复');
    await fairCard.getByTestId('review-reply').filter({ hasText: '感谢您的评价，轻薄款即将上架' }).waitFor();
    await fairCard.getByRole('button', { name: '修改回复：移动电源 10000mAh' }).waitFor();
    await check(page, 'reviews-published');
    const published = (await env.app.inject({ method: 'GET', url: `/api/v1/mall/products/${bank.id}/reviews` })).json();
    assert.deepEqual(published.items.map((r: { id: number; reply: { text: string } | null }) => [r.id, r.reply?.text]), [[fair.review.id, '感谢您的评价，轻薄款即将上架']], 'shown in the mall with the reply under it');

    await page.getByRole('tab', { name: '未通过' }).click();
    await spamCard.getByText('驳回原因：含有刷单返现广告').waitFor();
    await check(page, 'reviews-rejected');

    // One review on its own page.
    await spamCard.getByRole('link', { name: '详情：移动电源 10000mAh' }).click();
    await page.getByRole('heading', { level: 1, name: '评价详情' }).waitFor();
    await page.getByText(/购买凭据：order-line:\d+/).waitFor();
    await check(page, 'review-one');
    assert.deepEqual(hall.pageErrors, [], 'no uncaught errors in the pages');
  });
});
