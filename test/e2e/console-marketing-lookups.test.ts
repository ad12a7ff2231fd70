// Looking things up on the console's marketing pages, in a real browser at 1440×900 on the demo
// operator: a marketer opens the largest segment's members (masked numbers, 50 a page, the next
// page on request, the same rows the server's member page has), then looks up 13800000001 on the
// contact policy's number tab: not opted out, not on do-not-disturb, this day's, week's and month's
// marketing contacts beside the caps. An opt-out by SMS and a do-not-disturb entry recorded there
// show in that state at once. Checked with axe and photographed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { maskMsisdn } from '../../src/platform/msisdn.ts';
import { axeProblems, overflowProblems, screenshot, skipReason, type Hall } from './browser.ts';
import { addStaff, choose, consoleSignIn, startMarketingHall, toast } from './staff.ts';

const skip = skipReason();

describe('staff console: a segment’s members and a number’s contact state in a browser', { skip }, () => {
  let hall: Hall;

  before(async () => {
    // Enough subscribers for the largest segment to run past one page of 50.
    hall = await startMarketingHall({ subscribers: 600 });
    await addStaff(hall.env, 'lka', ['marketing'], '营销专员甲');
  });

  after(async () => {
    await hall?.close();
  });

  async function check(page: Page, name: string): Promise<void> {
    // Let the drawer's or the tab's motion finish: half-faded text fails axe's contrast check.
    await page.waitForFunction(() => (globalThis as unknown as { document: { getAnimations(): { playState: string }[] } }).document.getAnimations().every((a) => a.playState !== 'running'));
    assert.deepEqual(await axeProblems(page, ['.ant-message']), [], `${name}: accessibility`);
    assert.deepEqual(await overflowProblems(page), [], `${name}: sideways overflow`);
    await screenshot(page, `console-marketing-${name}`);
  }

  test('the largest segment’s members page by page, then 13800000001’s opt-outs, do-not-disturb and contacts against the caps', async (t) => {
    const page = await hall.context.newPage();
    page.setDefaultTimeout(45_000);
    t.after(() => page.close().catch(() => undefined));
    await page.goto(`${hall.base}/favicon.svg`);
    await page.evaluate('localStorage.clear(); sessionStorage.clear()');
    await consoleSignIn(page, hall.base, 'lka');

    // ---- Members ----
    const segments = await hall.env.s.marketing.segments.list();
    const largest = segments.reduce((a, b) => (b.size > a.size ? b : a));
    assert.ok(largest.size > 50, `the demo has a segment of more than a page (${largest.size})`);
    await page.getByRole('menuitem', { name: /(^|\s)客群$/ }).click();
    await page.getByRole('heading', { level: 1, name: '客群' }).waitFor();
    await page.getByRole('button', { name: `成员：${largest.names['zh-CN']}` }).click();
    const drawer = page.getByRole('dialog', { name: `“${largest.names['zh-CN']}”的成员` });
    const rows = drawer.getByTestId('segment-members').locator('tbody tr.ant-table-row');
    await drawer.getByTestId('members-shown').filter({ hasText: `已显示 50 人，客群共 ${largest.size.toLocaleString()} 人` }).waitFor();
    const first = await hall.env.s.marketing.segments.memberPage(largest.id, { limit: 50 });
    assert.equal(await rows.count(), 50);
    assert.equal(await rows.first().locator('td').first().innerText(), maskMsisdn(first[0]!.msisdn), 'numbers are masked, in id order');
    assert.ok(!(await drawer.innerText()).includes(first[0]!.msisdn), 'no full number is shown');
    await check(page, 'segment-members');
    await drawer.getByRole('button', { name: '加载更多' }).click();
    const second = await hall.env.s.marketing.segments.memberPage(largest.id, { afterId: first.at(-1)!.subscriberId, limit: 50 });
    await drawer.getByTestId('members-shown').filter({ hasText: `已显示 ${50 + second.length} 人` }).waitFor();
    assert.equal(await rows.nth(50).locator('td').first().innerText(), maskMsisdn(second[0]!.msisdn), 'the next page follows the last row');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });

    // ---- A number's contact state ----
    await page.getByRole('menuitem', { name: /(^|\s)接触策略$/ }).click();
    await page.getByRole('heading', { level: 1, name: '接触策略' }).waitFor();
    await page.getByRole('tab', { name: '按号码查询' }).click();
    await page.getByRole('searchbox', { name: '手机号码' }).fill('13800000001');
    await page.getByRole('button', { name: '搜索' }).click();
    const card = page.getByTestId('contact-state');
    await card.getByText('138****0001 的接触状态').waitFor();
    await card.getByText('未退订任何渠道').waitFor();
    await card.getByText('不在免打扰名单中').waitFor();
    const sub = await hall.env.s.subscribers.byMsisdn('13800000001');
    const state = await hall.env.s.marketing.contacts.state(sub!.id);
    const totalRow = card.getByTestId('contact-state-used').locator('tbody tr').filter({ hasText: '全部渠道合计' });
    await totalRow.getByText(`${state.used.total.day} / ${state.caps.total.day}`).first().waitFor();
    await totalRow.getByText(`${state.used.total.month} / ${state.caps.total.month}`).first().waitFor();

    // Recorded here, shown in the state at once.
    await choose(page, page, '退订的渠道', '短信');
    await page.getByRole('button', { name: '登记退订营销' }).click();
    await toast(page, '已为 13800000001 登记退订');
    await card.getByText(/短信（坐席登记，于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}）/).waitFor();
    await page.getByRole('button', { name: '加入免打扰名单' }).click();
    const dialog = page.getByRole('dialog', { name: '加入免打扰名单' });
    // OK with no reason: the message at the field, and no uncaught rejection (pageErrors below).
    await dialog.getByRole('button', { name: '确定' }).click();
    await dialog.getByText('请填写原因').waitFor();
    await dialog.getByLabel('原因').fill('客户来电要求不再接收营销信息');
    await dialog.getByRole('button', { name: '确定' }).click();
    await toast(page, '已将 13800000001 加入免打扰名单');
    await card.getByText(/在免打扰名单中：客户来电要求不再接收营销信息/).waitFor();
    const after = await hall.env.s.marketing.contacts.state(sub!.id);
    assert.deepEqual(after.optOuts.map((o) => [o.channel, o.source]), [['sms', 'agent']]);
    assert.equal(after.dnd?.reason, '客户来电要求不再接收营销信息');
    await check(page, 'contact-state');
    assert.deepEqual(hall.pageErrors, []);
  });
});
