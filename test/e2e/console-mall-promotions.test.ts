// The console's promotions page in a real browser, at 1440×900, on the demo shop and its
// promotions: marketer A creates a 满减 on accessories (满200减20, typed in yuan, sent in fen),
// submits it, and A's own approval is refused by the server (SELF_REVIEW, said on the page, the
// promotion still pending); marketer B approves it and it shows live, and the public activity
// zone has it with its rule. Each step checked with axe-core and for sideways overflow, and
// photographed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { seedDemoGoods } from '../../src/modules/goods/index.ts';
import { seedDemoPromotions } from '../../src/modules/promotion/index.ts';
import { axeProblems, overflowProblems, screenshot, skipReason, startHall, type Hall } from './browser.ts';
import { addStaff, consoleSignIn, consoleSignOut, toast } from './staff.ts';

const skip = skipReason();

/** Accessibility and layout of the page as it stands, and a photograph of it. */
async function check(page: Page, name: string): Promise<void> {
  // A toast fades on its own clock; it is announced to screen readers and left out of the check.
  assert.deepEqual(await axeProblems(page, ['.ant-message']), [], `${name}: accessibility`);
  assert.deepEqual(await overflowProblems(page), [], `${name}: sideways overflow`);
  await screenshot(page, `console-mall-promotions-${name}`);
}

/** Picks `option` in the multiple select labelled `name`, read back from its chosen tags (a click while the list opens is lost). */
async function pick(page: Page, scope: Locator, name: string, option: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await scope.getByRole('combobox', { name }).click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: option }).first().click();
    if (await scope.locator(`.ant-select-selection-item[title="${option}"]`).first().waitFor({ timeout: 5_000 }).then(() => true, () => false)) break;
    assert.ok(attempt < 4, `${option} was chosen in ${name}`);
  }
  if (await page.locator('.ant-select-dropdown:visible').count()) await page.keyboard.press('Escape');
}

describe('staff console promotions in a browser', { skip }, () => {
  let hall: Hall;

  before(async () => {
    hall = await startHall();
    hall.env.clock.set(new Date());
    await seedDemoGoods(hall.env.db, hall.env.s.audit, hall.env.clock.now());
    await seedDemoPromotions(hall.env.db, hall.env.s.goods, hall.env.s.promotions, hall.env.clock.now());
    await addStaff(hall.env, 'mka', ['marketing'], '营销专员甲');
    await addStaff(hall.env, 'mkb', ['marketing'], '营销专员乙');
  });

  after(async () => {
    await hall?.close();
  });

  test('a 满减 made and submitted by A, refused to A (SELF_REVIEW), approved by B and live', async (t) => {
    const env = hall.env;
    const page = await hall.context.newPage();
    // The console's chunks are large: on a machine busy with other tests a page can take longer
    // than the harness's 15 s to appear. A bound, not a timing.
    page.setDefaultTimeout(45_000);
    t.after(() => page.close().catch(() => undefined));
    const name = '配件满200减20';
    const go = async () => {
      await page.getByRole('menuitem', { name: /(^|\s)优惠活动$/ }).click();
      await page.getByRole('heading', { level: 1, name: '优惠活动' }).waitFor();
    };
    const row = page.getByRole('row').filter({ hasText: name });

    await page.goto(`${hall.base}/favicon.svg`);
    await page.evaluate('localStorage.clear(); sessionStorage.clear()');

    // ---- A: the demo's promotions, then a new 满减 ----
    await consoleSignIn(page, hall.base, 'mka');
    await go();
    await page.getByRole('row').filter({ hasText: '手机满300减30' }).getByText('满300元减30元').waitFor();
    await page.getByRole('row').filter({ hasText: '10元优惠券' }).getByText('已领 0 · 已用 0 · 上限 1000 · 每人 1').waitFor();
    await check(page, 'list');

    await page.getByRole('button', { name: '新建优惠' }).click();
    const form = page.getByRole('dialog', { name: '新建优惠' });
    await form.getByLabel('中文名称').fill(name);
    await form.getByLabel('英文名称').fill('Accessories: ¥20 off ¥200');
    await form.getByLabel('满（元）').fill('200');
    await form.getByLabel('减（元）').fill('20');
    await pick(page, form, '适用分类', '配件');
    await check(page, 'form');
    await form.getByRole('button', { name: '保存草稿' }).click();
    await toast(page, `已保存草稿：${name}`);
    await row.getByText('草稿').waitFor();
    const made = (await env.s.promotions.staff.list({ status: 'draft' })).items.find((p) => p.names['zh-CN'] === name)!;
    const accessories = (await env.db.selectFrom('goodsCategory').select('id').where('code', '=', 'accessories').executeTakeFirstOrThrow()).id;
    assert.deepEqual([made.mode, made.benefit, made.minSpendFen, made.offFen, made.categoryIds], ['auto', 'amount', 20_000, 2_000, [accessories]], 'yuan typed, fen sent');
    await row.getByText('满200元减20元').waitFor();

    await row.getByRole('button', { name: `提交审核：${name}` }).click();
    await toast(page, `已提交审核：${name}`);
    await row.getByText('待审核').waitFor();

    // A's own approval: the server refuses it and the page says why; it stays pending.
    await row.getByRole('button', { name: `审核通过：${name}` }).click();
    const refusal = page.getByRole('dialog').filter({ hasText: '不能审核自己创建或提交的优惠，请由另一位同事审核' });
    await refusal.waitFor();
    await check(page, 'self-review');
    await refusal.getByRole('button', { name: '确定' }).click();
    await refusal.waitFor({ state: 'hidden' });
    assert.equal((await env.s.promotions.staff.get(made.id)).status, 'pending', 'A’s approval changed nothing');
    await consoleSignOut(page);

    // ---- B approves it: live ----
    await consoleSignIn(page, hall.base, 'mkb');
    await go();
    await row.getByRole('button', { name: `审核通过：${name}` }).click();
    await toast(page, `已上线：${name}`);
    await row.getByText('已上线').waitFor();
    await row.getByRole('button', { name: `暂停：${name}` }).waitFor();
    await check(page, 'live');
    // The form starts it at the browser's current minute, while the test's clock has stood still
    // since before(): past a minute's turn the promotion would start after the server's now.
    env.clock.set(new Date());
    const live = (await env.app.inject({ method: 'GET', url: '/api/v1/mall/promotions' })).json() as { promotions: { name: string; rule: string }[] };
    assert.ok(live.promotions.some((p) => p.name === name && p.rule === '满200元减20元'), 'the activity zone shows it');
    assert.deepEqual(hall.pageErrors, []);
  });
});
