// The console's trigger form in a real browser, at 1440×900, on the demo operator's offers:
// marketer A writes a trigger (出账, a bill of 100 yuan or more → an offer by SMS), is told in the
// form that the offer is missing and a 31-day window is too long, and nothing is saved; the offer A
// then picks is ended by marketer B meanwhile, and the server's refusal shows at the offer field;
// with another offer it saves as a draft (yuan sent in fen, days in minutes). A edits it into a
// usage trigger (data at 80%, within 12 hours: the bill's condition is gone) and submits it; B
// approves it and it shows live. The form and the page are checked with axe-core and for sideways
// overflow, and photographed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { createStaffUser } from '../../src/modules/staff/index.ts';
import type { Actor } from '../../src/platform/audit.ts';
import { axeProblems, overflowProblems, screenshot, skipReason, type Hall } from './browser.ts';
import { addStaff, choose, consoleSignIn, consoleSignOut, STAFF_PASSWORD, startMarketingHall, toast } from './staff.ts';

const skip = skipReason();

/** Accessibility and layout of the page as it stands, and a photograph of it. */
async function check(page: Page, name: string): Promise<void> {
  // A toast fades on its own clock; it is announced to screen readers and left out of the check.
  assert.deepEqual(await axeProblems(page, ['.ant-message']), [], `${name}: accessibility`);
  assert.deepEqual(await overflowProblems(page), [], `${name}: sideways overflow`);
  await screenshot(page, `console-marketing-triggers-${name}`);
}

describe('staff console trigger form in a browser', { skip }, () => {
  let hall: Hall;
  let b: Actor;

  before(async () => {
    // The demo's offers (and its two live triggers) to choose from.
    hall = await startMarketingHall({ subscribers: 50 });
    await addStaff(hall.env, 'mka', ['marketing'], '营销专员甲');
    b = { id: await createStaffUser(hall.env.db, { username: 'mkb', displayName: '营销专员乙', password: STAFF_PASSWORD, roles: ['marketing'] }), name: '营销专员乙', roles: ['marketing'] };
  });

  after(async () => {
    await hall?.close();
  });

  test('A writes a trigger in the form (refused until it is right), edits and submits it; B approves it live', async (t) => {
    const env = hall.env;
    const page = await hall.context.newPage();
    // The console's chunks are large: on a machine busy with other tests a page can take longer
    // than the harness's 15 s to appear. A bound, not a timing.
    page.setDefaultTimeout(45_000);
    t.after(() => page.close().catch(() => undefined));
    const name = '月账单满100元推荐流量包';
    const renamed = '流量用到八成推荐1GB半价';
    const offers = await env.s.marketing.offers.list({ status: 'active' });
    const offerId = (zh: string) => offers.find((o) => o.names['zh-CN'] === zh)!.id;
    const go = async () => {
      await page.getByRole('menuitem', { name: /(^|\s)触发规则$/ }).click();
      await page.getByRole('heading', { level: 1, name: '触发规则' }).waitFor();
    };
    const table = page.getByTestId('triggers-table');
    const row = (text: string) => table.locator('tr').filter({ hasText: text });

    await page.goto(`${hall.base}/favicon.svg`);
    await page.evaluate('localStorage.clear(); sessionStorage.clear()');
    await consoleSignIn(page, hall.base, 'mka');
    await go();
    await row('流量用到90%，即时推荐流量包').waitFor();
    const before = (await env.s.triggers.list()).length;

    // ---- the form, refused in the browser: no offer, a window past 30 days ----
    await page.getByRole('button', { name: '新建触发规则' }).click();
    const form = page.getByRole('dialog', { name: '新建触发规则' });
    await form.getByLabel('规则名称（中文）').fill(name);
    await form.getByLabel('规则名称（英文）').fill('Bill of 100 yuan or more: data pack offer');
    // No event yet: the condition waits for one.
    await form.getByTestId('trigger-condition').getByText('请先选择触发事件').waitFor();
    await choose(page, form, '触发事件', '出账');
    await form.getByText('月账单出账时').waitFor();
    await form.getByLabel('账单金额不低于（元）').fill('100');
    await form.getByLabel('发送时限').fill('31');
    await form.getByRole('button', { name: '保存' }).click();
    await form.getByText('请选择要推荐的优惠').waitFor();
    await form.getByText('发送时限须为 1 分钟到 30 天之间的整数').waitFor();
    assert.equal((await env.s.triggers.list()).length, before, 'a refused form saves nothing');
    await check(page, 'form-invalid');

    // ---- the offer ended by B while A fills the form: the server's refusal at the offer ----
    await form.getByLabel('发送时限').fill('3');
    await form.getByText('发送时限须为 1 分钟到 30 天之间的整数').waitFor({ state: 'detached' });
    await choose(page, form, '推荐的优惠', '短信包首月免费', '短信包');
    await env.s.marketing.offers.end(b, offerId('短信包首月免费'));
    await form.getByRole('button', { name: '保存' }).click();
    const offerItem = form.locator('.ant-form-item').filter({ has: page.getByRole('combobox', { name: '推荐的优惠' }) });
    await offerItem.locator('.ant-form-item-explain-error').filter({ hasText: '该优惠已结束' }).waitFor();
    assert.equal((await env.s.triggers.list()).length, before, 'the refused save saved nothing');
    await check(page, 'form-refused');

    // ---- another offer: saved as a draft ----
    await choose(page, form, '推荐的优惠', '1GB流量包半价', '1GB');
    await offerItem.locator('.ant-form-item-explain-error').waitFor({ state: 'detached' });
    await check(page, 'form');
    await form.getByRole('button', { name: '保存' }).click();
    await toast(page, `已保存触发规则“${name}”（草稿）`);
    await form.waitFor({ state: 'hidden' });
    const draft = row(name);
    for (const cell of ['草稿', '出账', '1GB流量包半价', '短信（立即发送）', '3 天', '是']) await draft.getByText(cell, { exact: true }).waitFor();
    const saved = (await env.s.triggers.list()).find((x) => x.names['zh-CN'] === name)!;
    assert.deepEqual(
      { event: saved.event, condition: saved.condition, offerId: saved.offerId, channel: saved.channel, windowMinutes: saved.windowMinutes, once: saved.once, status: saved.status },
      { event: 'bill.issued', condition: { minAmountFen: 10_000 }, offerId: offerId('1GB流量包半价'), channel: 'sms', windowMinutes: 3 * 24 * 60, once: true, status: 'draft' },
      'the yuan typed is sent in fen, the days in minutes',
    );

    // ---- edited into a usage trigger ----
    await page.getByRole('button', { name: `编辑：${name}` }).click();
    const edit = page.getByRole('dialog', { name: '编辑触发规则' });
    // The form is filled in once it opens: the bill's amount back in yuan.
    await page.waitForFunction('document.getElementById("trigger_minAmount")?.value === "100"');
    assert.equal(await edit.getByLabel('规则名称（中文）').inputValue(), name, 'the form opens filled in');
    assert.equal(await edit.getByLabel('发送时限').inputValue(), '3');
    await edit.getByLabel('规则名称（中文）').fill(renamed);
    await edit.getByLabel('规则名称（英文）').fill('Data 80% used: 1 GB at half price');
    await choose(page, edit, '触发事件', '用量达到阈值');
    await choose(page, edit, '用量类型', '流量');
    await edit.getByLabel('用量至少达到').fill('80');
    await edit.getByLabel('发送时限').fill('12');
    await choose(page, edit, '时限单位', '小时');
    // Offered first in *100# 我的优惠 at the subscriber's next visit instead of by text.
    await choose(page, edit, '推荐渠道', 'USSD 我的优惠（下次访问）');
    await check(page, 'form-edit');
    await edit.getByRole('button', { name: '保存' }).click();
    await toast(page, `已保存触发规则“${renamed}”（草稿）`);
    await edit.waitFor({ state: 'hidden' });
    for (const cell of ['草稿', '用量达到阈值', 'USSD 我的优惠（下次访问）', '12 小时']) await row(renamed).getByText(cell, { exact: true }).waitFor();
    const edited = await env.s.triggers.view(saved.id);
    assert.deepEqual(
      { names: edited.names, event: edited.event, condition: edited.condition, channel: edited.channel, windowMinutes: edited.windowMinutes },
      { names: { 'zh-CN': renamed, en: 'Data 80% used: 1 GB at half price' }, event: 'usage.threshold', condition: { allowance: 'data', minRatio: 0.8 }, channel: 'ussd', windowMinutes: 12 * 60 },
      'the edit keeps only the new event’s condition',
    );

    // ---- submitted: A waits for a colleague ----
    await page.getByRole('button', { name: `提交审核：${renamed}` }).click();
    await toast(page, `已更新：${renamed}`);
    await row(renamed).getByText('待审核', { exact: true }).waitFor();
    await row(renamed).getByText('由您创建或提交，需另一位同事审核').waitFor();
    assert.equal(await page.getByRole('button', { name: `编辑：${renamed}` }).count(), 0, 'a trigger in review is not edited');
    await consoleSignOut(page);

    // ---- B approves it live ----
    await consoleSignIn(page, hall.base, 'mkb');
    await go();
    await page.getByRole('button', { name: `通过：${renamed}` }).click();
    await toast(page, `已更新：${renamed}`);
    await row(renamed).getByText('生效中', { exact: true }).waitFor();
    assert.equal((await env.s.triggers.view(saved.id)).status, 'active');
    assert.ok((await env.s.triggers.live()).some((x) => x.id === saved.id), 'the engine reads it among the live triggers');
    await check(page, 'live');

    assert.deepEqual(hall.pageErrors, [], 'no uncaught errors in the pages');
  });
});
