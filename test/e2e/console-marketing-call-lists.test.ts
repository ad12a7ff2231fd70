// The console's call lists in a real browser, at 1440×900, on the demo operator at noon Beijing
// time (outside quiet hours): marketer A opens 新建外呼名单, saves it empty and with a holdout of
// 80% and is told what is missing or wrong, and nothing is saved; the offer A then picks is ended
// by marketer B meanwhile, and the server's refusal shows at the offer field; with another offer
// the list is made pending (the segment frozen, the holdout marked in its rows) and cannot be
// handed out yet. B approves it. A hands rows to an agent chosen by name (the form first says no
// agent is chosen, and an agent disabled meanwhile is refused at the field); the rows show their
// agent, and the outcome the agent records (their own page, 我的外呼, is walked in
// console-agent-calls.test.ts), each number masked; the agent signing in is not shown the call
// lists. Each step is checked with axe-core and for sideways overflow, and photographed, the
// drawer in English too.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { createStaffUser } from '../../src/modules/staff/index.ts';
import type { Actor } from '../../src/platform/audit.ts';
import { skipReason, type Hall } from './browser.ts';
import { addStaff, checkConsole, choose, consolePage, consoleSignIn, consoleSignOut, STAFF_PASSWORD, startMarketingHall, toast } from './staff.ts';

const skip = skipReason();

const check = (page: Page, name: string) => checkConsole(page, `console-marketing-call-lists-${name}`);

describe('staff console call lists in a browser', { skip }, () => {
  let hall: Hall;
  let b: Actor;
  let wang: Actor;
  let li: Actor;

  before(async () => {
    // Today at noon in Beijing: no row is held by the quiet hours (21:00–08:00).
    const noon = new Date();
    noon.setUTCHours(4, 0, 0, 0);
    hall = await startMarketingHall({ subscribers: 200, now: noon });
    await addStaff(hall.env, 'mka', ['marketing'], '营销专员甲');
    b = { id: await createStaffUser(hall.env.db, { username: 'mkb', displayName: '营销专员乙', password: STAFF_PASSWORD, roles: ['marketing'] }), name: '营销专员乙', roles: ['marketing'] };
    wang = { id: await createStaffUser(hall.env.db, { username: 'agwang', displayName: '坐席小王', password: STAFF_PASSWORD, roles: ['agent'] }), name: '坐席小王', roles: ['agent'] };
    li = { id: await createStaffUser(hall.env.db, { username: 'agli', displayName: '坐席小李', password: STAFF_PASSWORD, roles: ['agent'] }), name: '坐席小李', roles: ['agent'] };
  });

  after(async () => {
    await hall?.close();
  });

  test('A makes a call list in the form (refused until it is right); B approves it; A hands rows to an agent and sees the outcomes', async (t) => {
    const env = hall.env;
    const lists = env.s.marketing.callLists;
    const page = await consolePage(hall, t);
    const name = '广州预付费外呼通话包';
    const segments = await env.s.marketing.segments.list();
    const segment = segments.find((s) => s.names['zh-CN'] === '广州预付费用户')!;
    assert.ok(segment.size > 10, `the demo segment has members (${segment.size})`);
    const offers = await env.s.marketing.offers.list({ status: 'active' });
    const offerId = (zh: string) => offers.find((o) => o.names['zh-CN'] === zh)!.id;
    const go = async () => {
      await page.getByRole('menuitem', { name: /(^|\s)外呼名单$/ }).click();
      await page.getByRole('heading', { level: 1, name: '外呼名单' }).waitFor();
    };
    const table = page.getByTestId('call-lists-table');
    const row = (text: string) => table.locator('tr').filter({ hasText: text });
    const drawer = page.getByRole('dialog', { name });
    // Ant Design's radio buttons hide the input under their label, which is what a person clicks.
    const filter = async (scope: Locator, label: string | RegExp) => {
      await scope.locator('label.ant-radio-button-wrapper').filter({ hasText: label }).click();
      assert.ok(await scope.getByRole('radio', { name: label }).isChecked(), `${label} is chosen`);
    };

    await page.goto(`${hall.base}/favicon.svg`);
    await page.evaluate('localStorage.clear(); sessionStorage.clear()');
    await consoleSignIn(page, hall.base, 'mka');
    await go();
    await table.locator('tbody tr.ant-table-row').first().waitFor();
    const before = (await lists.list()).length;

    // ---- the form, refused in the browser: nothing filled in, then a holdout over 50% ----
    await page.getByRole('button', { name: '新建外呼名单' }).click();
    const form = page.getByRole('dialog', { name: '新建外呼名单' });
    await form.getByText('须由另一位营销同事审核通过').waitFor();
    assert.equal(await form.getByLabel('对照组比例').inputValue(), '10', 'the holdout starts at 10%');
    await form.getByRole('button', { name: '保存' }).click();
    await form.getByText('请填写此项').first().waitFor();
    assert.equal(await form.getByText('请填写此项').count(), 2, 'both names are asked for');
    await form.getByText('请选择外呼的客群').waitFor();
    await form.getByText('请选择外呼推荐的优惠').waitFor();
    await form.getByLabel('名单名称（中文）').fill(name);
    await form.getByLabel('名单名称（英文）').fill('Guangzhou prepaid: voice pack calls');
    await form.getByLabel('对照组比例').fill('80');
    await form.getByRole('button', { name: '保存' }).click();
    await form.getByText('请填写 0 到 50 之间的整数').waitFor();
    assert.equal((await lists.list()).length, before, 'a refused form saves nothing');
    await check(page, 'form-invalid');

    // ---- the offer ended by B while A fills the form: the server's refusal at the offer ----
    await form.getByLabel('对照组比例').fill('20');
    await form.getByText('请填写 0 到 50 之间的整数').waitFor({ state: 'detached' });
    await choose(page, form, '外呼的客群', `广州预付费用户（${segment.size}）`, '广州预付费');
    await choose(page, form, '推荐的优惠', '1GB流量包半价', '1GB');
    await env.s.marketing.offers.end(b, offerId('1GB流量包半价'));
    await form.getByRole('button', { name: '保存' }).click();
    const offerItem = form.locator('.ant-form-item').filter({ has: page.getByRole('combobox', { name: '推荐的优惠' }) });
    await offerItem.locator('.ant-form-item-explain-error').filter({ hasText: '只能为已审核通过的优惠建外呼名单' }).waitFor();
    assert.equal((await lists.list()).length, before, 'the refused save saved nothing');
    await check(page, 'form-refused');

    // ---- another offer: made pending, the segment frozen ----
    await choose(page, form, '推荐的优惠', '100分钟通话包8折', '100分钟');
    await offerItem.locator('.ant-form-item-explain-error').waitFor({ state: 'detached' });
    await check(page, 'form');
    await form.getByRole('button', { name: '保存' }).click();
    await toast(page, `已新建外呼名单“${name}”（${segment.size} 人），待另一位同事审核`);
    await form.waitFor({ state: 'hidden' });
    const made = (await lists.list()).find((l) => l.names['zh-CN'] === name)!;
    assert.deepEqual(
      { offerId: made.offerId, sourceSegmentId: made.sourceSegmentId, holdoutPct: made.holdoutPct, size: made.size, status: made.status, names: made.names },
      { offerId: offerId('100分钟通话包8折'), sourceSegmentId: segment.id, holdoutPct: 20, size: segment.size, status: 'pending', names: { 'zh-CN': name, en: 'Guangzhou prepaid: voice pack calls' } },
    );
    assert.notEqual(made.segmentId, segment.id, 'the segment is frozen into a snapshot');
    await row(name).getByText('待审核', { exact: true }).waitFor();
    await row(name).getByText('由您创建或提交，需另一位同事审核').waitFor();

    // ---- its rows, not yet to be handed out ----
    await row(name).getByRole('button', { name }).click();
    await drawer.getByText('名单审核通过后才能分配给坐席。').waitFor();
    const rowsTable = drawer.getByTestId('call-list-rows');
    await rowsTable.locator('tbody tr.ant-table-row').first().waitFor();
    assert.equal(await rowsTable.locator('tbody tr.ant-table-row').count(), Math.min(made.size, 50));
    await filter(drawer, `对照组（不外呼） ${made.holdoutSize}`);
    await rowsTable.locator('tbody tr.ant-table-row').filter({ hasText: '对照组（不外呼）' }).first().waitFor();
    assert.equal(await rowsTable.locator('tbody tr.ant-table-row').count(), made.holdoutSize, 'the holdout rows, and only those');
    await check(page, 'pending');
    await drawer.locator('.ant-drawer-close').click();
    await drawer.waitFor({ state: 'hidden' });
    await consoleSignOut(page);

    // ---- B approves it ----
    await consoleSignIn(page, hall.base, 'mkb');
    await go();
    await page.getByRole('button', { name: `通过：${name}` }).click();
    await toast(page, '已通过，可以开始外呼');
    await row(name).getByText('外呼中', { exact: true }).waitFor();
    assert.equal((await lists.detail(made.id)).status, 'active');
    await consoleSignOut(page);

    // ---- A hands rows to 坐席小王 ----
    await consoleSignIn(page, hall.base, 'mka');
    await go();
    await row(name).getByRole('button', { name }).click();
    const assign = drawer.getByTestId('call-list-assign');
    const open = made.size - made.holdoutSize;
    await assign.getByText(`待分配 ${open} 行`).waitFor();
    await assign.getByRole('button', { name: '分配' }).click();
    await assign.getByText('请选择至少一位坐席').waitFor();
    await assign.getByLabel('本次分配行数').fill('99999');
    await assign.getByText(`请填写 1 到 ${open} 之间的整数`).waitFor();
    assert.equal((await lists.rows(made.id, { status: 'assigned' })).length, 0, 'a refused form hands out nothing');
    await check(page, 'assign-invalid');

    // 坐席小李 is disabled after the form listed him: the server refuses him at the field.
    const agentsItem = assign.locator('.ant-form-item').filter({ has: page.getByRole('combobox', { name: '外呼坐席' }) });
    // A multiple select stays open after a choice; leaving it for the next field closes it (an
    // Escape would close the drawer too).
    const pickAgent = async (label: string, search: string) => {
      const box = assign.getByRole('combobox', { name: '外呼坐席' });
      await box.click();
      await box.fill(search);
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: label }).first().click();
      await agentsItem.locator(`.ant-select-selection-item[title="${label}"]`).waitFor();
      await assign.getByLabel('本次分配行数').click();
      await page.locator('.ant-select-dropdown:visible').waitFor({ state: 'detached' });
    };
    await env.db.updateTable('staffUser').set({ active: false }).where('id', '=', li.id).execute();
    await pickAgent(`坐席小李（工号 ${li.id}）`, '小李');
    await assign.getByLabel('本次分配行数').fill('6');
    await assign.getByRole('button', { name: '分配' }).click();
    await agentsItem.locator('.ant-form-item-explain-error').filter({ hasText: `工号${li.id}不是在岗的外呼坐席` }).waitFor();
    assert.equal((await lists.rows(made.id, { status: 'assigned' })).length, 0, 'the refused assignment handed out nothing');
    await check(page, 'assign-refused');

    await agentsItem.locator('.ant-select-selection-item-remove').click();
    await pickAgent(`坐席小王（工号 ${wang.id}）`, '小王');
    await agentsItem.locator('.ant-form-item-explain-error').waitFor({ state: 'detached' });
    await assign.getByRole('button', { name: '分配' }).click();
    await toast(page, /^已分配 \d+ 行，\d+ 行按接触策略稍后再拨，\d+ 行被拦截$/);
    const handed = (await lists.rows(made.id)).filter((r) => r.status === 'assigned' || r.status === 'suppressed');
    assert.equal(handed.length, 6, 'six open rows were handed out or suppressed');
    const mine = handed.filter((r) => r.status === 'assigned');
    assert.ok(mine.length > 0 && mine.every((r) => r.agentId === wang.id), 'the rows went to 坐席小王');
    await assign.getByText(`待分配 ${open - 6} 行`).waitFor();

    // ---- 坐席小王 records a call (in 我的外呼: console-agent-calls.test.ts walks that page) ----
    const callable = mine.find((r) => r.notBefore === null)!;
    assert.ok(callable, 'a row not held by the contact policy');
    await env.s.marketing.callLists.work(wang, callable.id, { outcome: 'declined', note: '已有通话包' });
    // Read again: the counts, the agent's rates and the rows.
    await drawer.getByRole('button', { name: '刷新' }).click();
    await filter(drawer, '已完成 1');
    const byAgent = drawer.getByTestId('call-list-by-agent').locator('tbody tr').filter({ hasText: `坐席小王（工号 ${wang.id}）` });
    for (const cell of ['1', '100.0%', '0.0%']) await byAgent.getByText(cell, { exact: true }).first().waitFor();
    // Marketing reads the numbers masked: none of the list's rows shows one in full.
    assert.match(callable.msisdn, /^1\d{2}\*{4}\d{4}$/);
    assert.ok(!/1\d{10}/.test(await rowsTable.innerText()), 'no full number in the rows');
    const doneRow = rowsTable.locator('tbody tr.ant-table-row').filter({ hasText: callable.msisdn });
    for (const cell of ['已完成', `坐席小王（工号 ${wang.id}）`, '接通，拒绝', '已有通话包']) await doneRow.getByText(cell, { exact: true }).waitFor();
    await filter(drawer, /^已分配/);
    await rowsTable.locator('tbody tr.ant-table-row').filter({ hasText: `坐席小王（工号 ${wang.id}）` }).first().waitFor();
    assert.equal(await rowsTable.locator('tbody tr.ant-table-row').count(), mine.length - 1);
    await check(page, 'assigned');

    // ---- the drawer in English ----
    await drawer.locator('.ant-drawer-close').click();
    await drawer.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Call lists' }).waitFor();
    const drawerEn = page.getByRole('dialog', { name: 'Guangzhou prepaid: voice pack calls' });
    await row('Guangzhou prepaid: voice pack calls').getByRole('button', { name: 'Guangzhou prepaid: voice pack calls' }).click();
    await drawerEn.getByText('Hand rows to agents').waitFor();
    await filter(drawerEn, /^Done/);
    await drawerEn.locator('tbody tr.ant-table-row').filter({ hasText: callable.msisdn }).getByText('Reached, declined', { exact: true }).waitFor();
    await check(page, 'assigned-en');
    await drawerEn.locator('.ant-drawer-close').click();
    await drawerEn.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: '切换到中文' }).click();
    await page.getByRole('heading', { level: 1, name: '外呼名单' }).waitFor();
    await consoleSignOut(page);

    // ---- 坐席小王 signs in: the rows are his, in 我的外呼; the lists are not his to see ----
    await consoleSignIn(page, hall.base, 'agwang');
    const menu = await page.getByRole('menuitem').allInnerTexts().then((xs) => xs.map((x) => x.trim()).filter(Boolean));
    assert.ok(!menu.includes('外呼名单'), 'an agent is not shown the call lists');
    const queue = await env.s.marketing.callLists.queue(wang);
    assert.deepEqual(queue.map((r) => r.id).sort((x, y) => x - y), mine.filter((r) => r.id !== callable.id).map((r) => r.id).sort((x, y) => x - y), 'his queue holds the rows handed to him, not yet done');

    assert.deepEqual(hall.pageErrors, [], 'no uncaught errors in the pages');
  });
});
