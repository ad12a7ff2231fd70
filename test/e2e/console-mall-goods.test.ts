// The console's 商城 · 商品 and 库存 pages in a real browser, at 1440×900, on the demo shop:
// product manager A finds 华为 Mate 60 Pro, is told a sale price above the list price will not
// do, submits 256GB / 雅川青 at ¥6,199 (pending), and A's own approval is refused (SELF_REVIEW);
// product manager B approves it from the review queue and the product shows the new price. An ops
// person sees the product read-only, follows its SKU to the stock page, receives 20 units into
// 深圳仓 (on hand up by 20, the movement listed with its reason), and a count in 广州仓 below what
// an open order holds is refused with the server's reason (in English too, once the console is
// switched). Every page is checked with axe-core and for sideways overflow, and photographed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { seedDemoGoods } from '../../src/modules/goods/index.ts';
import { seedDemoInventory } from '../../src/modules/inventory/index.ts';
import { axeProblems, overflowProblems, screenshot, skipReason, startHall, type Hall } from './browser.ts';
import { addStaff, consoleSignIn, consoleSignOut, toast } from './staff.ts';

const skip = skipReason();
const PRODUCT = '华为 Mate 60 Pro';
// Its attributes as the server keeps them (存储, then 颜色).
const SKU = '256GB / 雅川青';

/** Accessibility and layout of the page as it stands (toasts left out: they fade on their own clock), and a photograph of it. */
async function check(page: Page, name: string): Promise<void> {
  assert.deepEqual(await axeProblems(page, ['.ant-message']), [], `${name}: accessibility`);
  assert.deepEqual(await overflowProblems(page), [], `${name}: sideways overflow`);
  await screenshot(page, `console-mall-goods-${name}`);
}

describe('the console’s goods and stock pages in a browser', { skip }, () => {
  let hall: Hall;
  let skuId = 0;
  let held = 0;

  before(async () => {
    hall = await startHall();
    const now = hall.env.clock.now();
    const shop = await seedDemoGoods(hall.env.db, hall.env.s.audit, now);
    await seedDemoInventory(hall.env.db, hall.env.s.audit, now, shop.stockPlan);
    const { items } = await hall.env.s.goods.products.list({ q: PRODUCT }, { offset: 0, limit: 5 });
    const sku = items.find((p) => p.names['zh-CN'] === PRODUCT)?.skus.find((s) => s.attrs['颜色'] === '雅川青' && s.attrs['存储'] === '256GB');
    assert.ok(sku, `${PRODUCT} ${SKU} is in the demo shop`);
    skuId = sku.id;
    // An open order's hold on three of them, as checkout makes it (the first warehouse with stock: 广州仓).
    held = 3;
    await hall.env.s.inventory.reserve('CONSOLE-GOODS-TEST', [{ skuId, quantity: held }], new Date(now.getTime() + 3_600_000));
    await addStaff(hall.env, 'pma', ['product'], '产品经理甲');
    await addStaff(hall.env, 'pmb', ['product'], '产品经理乙');
    await addStaff(hall.env, 'opsa', ['ops'], '运营甲');
  });

  after(async () => {
    await hall?.close();
  });

  test('a price change approved by a second person, stock received and a count below the reserved refused', async (t) => {
    const page = await hall.context.newPage();
    // The console's chunks are large: on a machine busy with other tests a page can take longer
    // than the harness's 15 s to appear. A bound, not a timing.
    page.setDefaultTimeout(45_000);
    t.after(() => page.close().catch(() => undefined));
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${hall.base}/favicon.svg`);
    await page.evaluate('localStorage.clear(); sessionStorage.clear()');

    const go = async (menu: string) => {
      await page.getByRole('menuitem', { name: new RegExp(`(^|\\s)${menu}$`) }).click();
      await page.getByRole('heading', { level: 1, name: menu }).waitFor();
    };
    const openProduct = async () => {
      await go('商品');
      await page.getByRole('searchbox', { name: '搜索商品名称或品牌' }).fill('Mate 60');
      await page.getByRole('button', { name: '搜索' }).click();
      await page.getByTestId('goods-table').getByRole('link', { name: PRODUCT, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: PRODUCT }).waitFor();
    };
    const skuRow = () => page.getByTestId('sku-table').getByRole('row').filter({ has: page.getByRole('button', { name: `改价：${SKU}` }) });

    // ---- A: the goods list, the product, a price change ----
    await consoleSignIn(page, hall.base, 'pma');
    await go('商品');
    const table = page.getByTestId('goods-table');
    await table.getByRole('link').first().waitFor();
    await page.getByRole('searchbox', { name: '搜索商品名称或品牌' }).fill('华为');
    await page.getByRole('button', { name: '搜索' }).click();
    await table.getByRole('link', { name: PRODUCT, exact: true }).waitFor();
    const row = table.getByRole('row').filter({ has: page.getByRole('link', { name: PRODUCT, exact: true }) });
    assert.match(await row.innerText(), /华为[\s\S]*实物商品[\s\S]*6[\s\S]*¥6,499\.00 – ¥7,499\.00[\s\S]*网上营业厅/, 'the row: brand, kind, SKUs, price range, channels');
    await check(page, 'list');
    await openProduct();
    await skuRow().getByText('¥6,499.00').waitFor();
    await check(page, 'product');

    await skuRow().getByRole('button', { name: `改价：${SKU}` }).click();
    const dialog = page.getByRole('dialog', { name: `修改价格：${PRODUCT} ${SKU}` });
    await dialog.getByLabel('售价（元）').fill('7999');
    await dialog.getByRole('button', { name: '提交审核' }).click();
    await dialog.getByText('售价不能高于划线价').waitFor();
    await dialog.getByLabel('售价（元）').fill('6199');
    await check(page, 'price-dialog');
    await dialog.getByRole('button', { name: '提交审核' }).click();
    await toast(page, '已提交，等待另一位产品经理审核');
    await dialog.waitFor({ state: 'hidden' });
    const history = page.getByTestId('change-history');
    const pendingRow = history.getByRole('row').filter({ hasText: `${SKU}：划线价 ¥6,999.00，售价 ¥6,199.00` });
    await pendingRow.getByText('待审核').waitFor();
    assert.match(await pendingRow.innerText(), /我/, 'A is its submitter');
    assert.equal(await skuRow().getByText('¥6,499.00').count(), 1, 'the price is unchanged until it is approved');

    // A's own approval: the server refuses it, and the console says why.
    await pendingRow.getByRole('button', { name: /^审核通过：/ }).click();
    await page.getByRole('dialog', { name: '审核通过这项变更？' }).getByRole('button', { name: '审核通过' }).click();
    const refused = page.getByRole('dialog', { name: '不能审核自己提交的变更，请由另一位产品经理审核' });
    await refused.waitFor();
    await check(page, 'self-review');
    await refused.getByRole('button', { name: '确定' }).click();
    await refused.waitFor({ state: 'hidden' });
    await pendingRow.getByText('待审核').waitFor();
    await consoleSignOut(page);

    // ---- B approves it from the review queue ----
    await consoleSignIn(page, hall.base, 'pmb');
    await go('商品');
    await page.getByRole('tab', { name: /待审核变更/ }).click();
    const queue = page.getByTestId('review-queue');
    const queued = queue.getByRole('row').filter({ hasText: `${SKU}：划线价 ¥6,999.00，售价 ¥6,199.00` });
    await queued.getByText(PRODUCT).waitFor();
    await check(page, 'review-queue');
    await queued.getByRole('button', { name: /^审核通过：/ }).click();
    await page.getByRole('dialog', { name: '审核通过这项变更？' }).getByRole('button', { name: '审核通过' }).click();
    await toast(page, '已审核通过，变更已生效');
    await queue.getByText('没有待审核的变更').waitFor();
    await page.getByRole('tab', { name: '全部商品' }).click();
    await openProduct();
    await skuRow().getByText('¥6,199.00').waitFor();
    await history.getByRole('row').filter({ hasText: `售价 ¥6,199.00` }).getByText('已通过').waitFor();
    await check(page, 'product-approved');
    await consoleSignOut(page);

    // ---- ops: the product read-only, then its stock ----
    await consoleSignIn(page, hall.base, 'opsa');
    await openProduct();
    await page.getByText('您可以查看商品；修改商品需要产品经理角色。').waitFor();
    assert.equal(await page.getByRole('button', { name: /^改价：/ }).count(), 0, 'ops cannot change a price');
    assert.equal(await page.getByRole('button', { name: '编辑信息' }).count(), 0, 'ops cannot edit details');
    await check(page, 'product-ops');
    await page.getByRole('link', { name: `查看库存：${SKU}` }).click();
    await page.getByRole('heading', { level: 1, name: '库存' }).waitFor();
    const stock = page.getByTestId('stock-table');
    const level = (warehouse: string) => stock.getByRole('row').filter({ hasText: warehouse });
    await level('深圳仓').waitFor();
    await page.getByRole('heading', { level: 2, name: `各仓库存：${PRODUCT} · ${SKU}` }).waitFor();
    const cells = async (warehouse: string) => (await level(warehouse).getByRole('cell').allInnerTexts()).map((x) => x.trim());
    const szBefore = await cells('深圳仓');
    const gzBefore = await cells('广州仓');
    assert.equal(gzBefore[3], String(held), '广州仓 holds what the open order reserved');
    await check(page, 'stock');

    const form = page.getByRole('main');
    await form.getByRole('combobox', { name: '仓库' }).click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '深圳仓' }).click();
    await form.getByLabel('数量').fill('20');
    await form.getByLabel('原因').fill('到货入库 20 台');
    await form.getByRole('button', { name: '提交调整' }).click();
    await toast(page, /已调整：深圳仓/);
    const onHand = Number(szBefore[2]) + 20;
    await level('深圳仓').getByRole('cell', { name: String(onHand), exact: true }).first().waitFor();
    const movement = page.getByTestId('movement-table').getByRole('row').filter({ hasText: '到货入库 20 台' });
    await movement.waitFor();
    assert.match(await movement.innerText(), new RegExp(`深圳仓\\s+入库\\s+\\+20\\s+${onHand}\\s+\\d+\\s+到货入库 20 台\\s+我`), 'the movement: warehouse, kind, delta, on hand after, reason, who');

    // A count below what the open order holds: refused, nothing changed.
    await form.getByRole('combobox', { name: '仓库' }).click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '广州仓' }).click();
    // Ant Design's radio buttons hide the input under their label, which is what a person clicks.
    await form.locator('label.ant-radio-button-wrapper').filter({ hasText: '盘点' }).click();
    assert.ok(await form.getByRole('radio', { name: '盘点' }).isChecked(), 'a count is chosen');
    await form.getByLabel('数量').fill(String(held - 2));
    await form.getByLabel('原因').fill('盘点');
    await form.getByRole('button', { name: '提交调整' }).click();
    const refusal = page.getByTestId('adjust-refusal');
    await refusal.getByText('盘点数不能少于订单已预占的数量').waitFor();
    await refusal.getByText(`当前已预占 ${held} 件。`).waitFor();
    assert.deepEqual(await cells('广州仓'), gzBefore, '广州仓 is as it was');
    await check(page, 'stock-refused');
    // The same page in English, the refusal too.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Stock' }).waitFor();
    await refusal.getByText('The count cannot be below what open orders hold').waitFor();
    await check(page, 'stock-en');
    assert.deepEqual(hall.pageErrors, [], 'no uncaught errors in the pages');
  });
});
