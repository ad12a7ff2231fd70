// 我的外呼 in a real browser, at 1440×900, on the demo operator at noon Beijing time (outside quiet
// hours), with the demo's agents and its live call list, its first rows handed to them, made as
// `npm start` makes them. Agent 1 finds 我的外呼 in the menu (and not the call lists): the queue
// holds the rows handed to them and none of agent 2's, each with the customer's name, the number
// in full and the offer at its price in yuan. They record a call in the dialog (told first that
// no outcome is chosen): declined with a note, it leaves the queue for 今日已拨; not reached, it
// stays with its tries; accepted, the terms are read out first and the subscriber is charged once
// on the confirmation. A subscriber without the balance is refused at the outcome, and a row
// worked meanwhile elsewhere is refused clearly, the dialog shut. Each step is checked with
// axe-core and for sideways overflow, and photographed, the page and the dialog in English too.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { seedDemoCalls, type AgentCallView } from '../../src/modules/marketing/index.ts';
import { DEMO_AGENTS } from '../../src/modules/staff/index.ts';
import type { Actor } from '../../src/platform/audit.ts';
import { balanceAndLedger } from '../helpers.ts';
import { skipReason, type Hall } from './browser.ts';
import { checkConsole, consolePage, consoleSignIn, STAFF_PASSWORD, startMarketingHall, toast } from './staff.ts';

const skip = skipReason();

const check = (page: Page, name: string) => checkConsole(page, `console-agent-calls-${name}`);

describe('an agent works their calls in the staff console', { skip }, () => {
  let hall: Hall;
  let chen: Actor;
  let zhou: Actor;
  let listId: number;

  before(async () => {
    const noon = new Date();
    noon.setUTCHours(4, 0, 0, 0);
    hall = await startMarketingHall({ subscribers: 200, now: noon });
    const agents = await hall.env.s.staff.ensureDemoAgents(STAFF_PASSWORD);
    const actor = (i: number): Actor => ({ id: agents.ids[i]!, name: DEMO_AGENTS[i]!.displayName, roles: ['agent'] });
    chen = actor(0);
    zhou = actor(1);
    const seeded = await seedDemoCalls(hall.env.db, hall.env.s.marketing, agents.ids);
    assert.ok(seeded.created && seeded.listId);
    listId = seeded.listId;
  });

  after(async () => {
    await hall?.close();
  });

  test('agent 1 sees their queue, records calls declined, not reached and accepted, and is refused clearly', async (t) => {
    const env = hall.env;
    const lists = env.s.marketing.callLists;
    const page = await consolePage(hall, t);

    const mine = await lists.queue(chen);
    const theirs = await lists.queue(zhou);
    assert.ok(mine.length >= 6, `the demo handed agent 1 rows to call (${mine.length})`);
    assert.ok(mine.every((r) => r.notBefore === null), 'none held at noon');
    const names = new Map((await env.s.subscribers.contactDetails(mine.map((r) => r.subscriberId))).map((c) => [c.subscriberId, c.name]));
    const nameOf = (r: AgentCallView) => names.get(r.subscriberId)!;

    await page.goto(`${hall.base}/favicon.svg`);
    await page.evaluate('localStorage.clear(); sessionStorage.clear()');
    await consoleSignIn(page, hall.base, DEMO_AGENTS[0].username);
    const menu = await page.getByRole('menuitem').allInnerTexts().then((xs) => xs.map((x) => x.trim()).filter(Boolean));
    assert.ok(menu.includes('我的外呼') && !menu.includes('外呼名单'), `an agent's menu has their calls, not the lists: ${menu.join(' ')}`);
    await page.getByRole('menuitem', { name: /(^|\s)我的外呼$/ }).click();
    await page.getByRole('heading', { level: 1, name: '我的外呼' }).waitFor();

    // ---- the queue: their rows, named, in full, with the offer at its price ----
    const queue = page.getByTestId('my-calls-queue');
    const rowsOf = (table: Locator) => table.locator('tbody tr.ant-table-row');
    const rowOf = (table: Locator, msisdn: string) => rowsOf(table).filter({ hasText: msisdn });
    await rowsOf(queue).first().waitFor();
    assert.equal(await rowsOf(queue).count(), mine.length);
    await page.getByRole('tab', { name: `待拨打 ${mine.length}` }).waitFor();
    await page.getByRole('tab', { name: '今日已拨 0' }).waitFor();
    for (const r of mine) {
      const row = rowOf(queue, r.msisdn);
      for (const cell of [nameOf(r), r.msisdn, '100分钟通话包8折 · ¥8.00', '语音重度用户外呼：100分钟通话包', '可拨打']) await row.getByText(cell, { exact: true }).first().waitFor();
      assert.equal(await row.getByRole('link', { name: r.msisdn }).getAttribute('href'), `tel:${r.msisdn}`);
    }
    const text = await queue.innerText();
    assert.ok(theirs.every((r) => !text.includes(r.msisdn)), "none of agent 2's calls");
    await check(page, 'queue');

    const [declined, missed, accepted, poor, stale] = mine;
    const dialog = page.getByRole('dialog');
    const open = async (r: AgentCallView) => {
      await page.getByRole('button', { name: `记录结果：${nameOf(r)} ${r.msisdn}` }).click();
      await page.getByRole('dialog', { name: `记录外呼结果：${nameOf(r)}` }).waitFor();
    };
    const outcomeItem = dialog.locator('.ant-form-item').filter({ has: page.getByRole('radiogroup', { name: '外呼结果' }) });
    const pick = (label: string) => dialog.getByRole('radio', { name: label }).check();

    // ---- declined, with a note: told first that no outcome is chosen ----
    await open(declined!);
    for (const cell of [declined!.msisdn, '100分钟通话包8折 · ¥8.00', '100分钟国内通话，8折', '0/3 次']) await dialog.getByText(cell, { exact: true }).waitFor();
    await dialog.getByRole('button', { name: '提交' }).click();
    await outcomeItem.getByText('请选择外呼结果').waitFor();
    assert.equal((await lists.queue(chen)).length, mine.length, 'nothing recorded');
    await check(page, 'dialog-invalid');
    await pick('接通，客户拒绝');
    await dialog.getByLabel('备注（可选）').fill('已有通话包');
    await dialog.getByRole('button', { name: '提交' }).click();
    await toast(page, '已记录：接通，客户拒绝');
    await dialog.waitFor({ state: 'detached' });
    await rowOf(queue, declined!.msisdn).waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: `待拨打 ${mine.length - 1}` }).waitFor();
    await page.getByRole('tab', { name: '今日已拨 1' }).waitFor();
    const done = await lists.row(chen, declined!.id);
    assert.deepEqual([done.status, done.outcome, done.note, done.attempts], ['done', 'declined', '已有通话包', 1]);
    const audited = await env.db.selectFrom('auditEntry').select(['actorId', 'entityId']).where('action', '=', 'call-list.call').execute();
    assert.deepEqual(audited, [{ actorId: chen.id, entityId: String(declined!.id) }], 'the call is in the audit log as agent 1');

    // ---- not reached: it stays, with its tries ----
    await open(missed!);
    await pick('未接通（无人接听、关机或忙线）');
    await dialog.getByText('稍后再拨；3 次未接通后这条外呼结束。').waitFor();
    await dialog.getByRole('button', { name: '提交' }).click();
    await toast(page, '已记录未接通（第 1 次），稍后再拨');
    await dialog.waitFor({ state: 'detached' });
    await rowOf(queue, missed!.msisdn).getByText(/^已拨 1\/3 次，上次未接通/).waitFor();

    // ---- accepted: the terms read out first, then charged once on the yes ----
    const before = await balanceAndLedger(env.db, accepted!.subscriberId);
    await open(accepted!);
    await pick('接通，客户同意办理');
    await dialog.getByRole('button', { name: '下一步：宣读办理内容' }).click();
    const quote = dialog.getByTestId('call-outcome-quote');
    await quote.getByText('请向客户宣读以下办理内容：').waitFor();
    await quote.getByText(/办理100分钟通话包8折.*¥8\.00/).waitFor();
    assert.equal((await balanceAndLedger(env.db, accepted!.subscriberId)).balanceFen, before.balanceFen, 'the quote charges nothing');
    await check(page, 'dialog-quote');
    await dialog.getByRole('button', { name: '客户已同意，确认办理' }).click();
    await toast(page, '已为客户办理100分钟通话包8折，扣费 ¥8.00');
    await dialog.waitFor({ state: 'detached' });
    await rowOf(queue, accepted!.msisdn).waitFor({ state: 'detached' });
    const taken = await lists.row(chen, accepted!.id);
    assert.deepEqual([taken.status, taken.outcome, taken.priceFen], ['done', 'accepted', 800]);
    const afterIt = await balanceAndLedger(env.db, accepted!.subscriberId);
    assert.equal(afterIt.balanceFen, before.balanceFen - 800, 'charged once, at the offer price');
    assert.equal(afterIt.balanceFen, afterIt.ledgerFen);

    // ---- a subscriber without the balance: the refusal at the outcome, nothing recorded ----
    await env.db.updateTable('account').set({ balanceFen: 0, creditLimitFen: 0 }).where('subscriberId', '=', poor!.subscriberId).execute();
    await open(poor!);
    await pick('接通，客户同意办理');
    await dialog.getByRole('button', { name: '下一步：宣读办理内容' }).click();
    await quote.getByText(/办理100分钟通话包8折/).waitFor();
    await dialog.getByRole('button', { name: '客户已同意，确认办理' }).click();
    await outcomeItem.locator('.ant-form-item-explain-error').filter({ hasText: /余额/ }).waitFor();
    // Refused, the accept starts again from its terms.
    await dialog.getByRole('button', { name: '下一步：宣读办理内容' }).waitFor();
    assert.equal((await lists.row(chen, poor!.id)).status, 'assigned', 'nothing recorded');
    await check(page, 'dialog-refused');
    await dialog.getByRole('button', { name: '取消' }).click();
    await dialog.waitFor({ state: 'detached' });

    // ---- a row worked meanwhile (on another screen): refused clearly, the queue read again ----
    await lists.work(chen, stale!.id, { outcome: 'declined', note: '另一台电脑上已记录' });
    await open(stale!);
    await pick('未接通（无人接听、关机或忙线）');
    await dialog.getByRole('button', { name: '提交' }).click();
    const alert = dialog.getByRole('alert').filter({ hasText: '这条外呼不能再记录结果' });
    await alert.getByText('这条外呼已有结果').waitFor();
    await alert.getByText('列表已刷新，请关闭此对话框，继续下一条外呼。').waitFor();
    assert.ok(await dialog.getByRole('radio', { name: '接通，客户拒绝' }).isDisabled(), 'the form is shut');
    await rowOf(queue, stale!.msisdn).waitFor({ state: 'detached' });
    assert.equal((await lists.row(chen, stale!.id)).note, '另一台电脑上已记录', 'the first outcome stands');
    await check(page, 'dialog-stale');
    await dialog.getByRole('button', { name: '确定' }).click();
    await dialog.waitFor({ state: 'detached' });

    // ---- 今日已拨: what they did today, the latest first ----
    await page.getByRole('tab', { name: '今日已拨 4' }).click();
    const today = page.getByTestId('my-calls-today');
    await rowsOf(today).first().waitFor();
    assert.equal(await rowsOf(today).count(), 4);
    for (const [r, cells] of [
      [declined!, ['接通，拒绝', '已完成', '已有通话包']],
      [missed!, ['未接通', '未接通，稍后再拨']],
      [accepted!, ['已办理 ¥8.00', '已完成']],
      [stale!, ['接通，拒绝', '另一台电脑上已记录']],
    ] as const) {
      for (const cell of [nameOf(r), r.msisdn, ...cells]) await rowOf(today, r.msisdn).getByText(cell, { exact: true }).first().waitFor();
    }
    await check(page, 'today');

    // ---- in English ----
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { level: 1, name: 'My calls' }).waitFor();
    await page.getByRole('tab', { name: 'Called today 4' }).waitFor();
    await rowOf(today, accepted!.msisdn).getByText('Taken at ¥8.00', { exact: true }).waitFor();
    await check(page, 'today-en');
    await page.getByRole('tab', { name: `To call ${mine.length - 3}` }).click();
    await rowOf(queue, missed!.msisdn).getByText(/^Tried 1 of 3, not reached last/).waitFor();
    await check(page, 'queue-en');
    await page.getByRole('button', { name: `Record outcome: ${nameOf(missed!)} ${missed!.msisdn}` }).click();
    await page.getByRole('dialog', { name: `Record the call: ${nameOf(missed!)}` }).waitFor();
    await dialog.getByText('1 of 3', { exact: true }).waitFor();
    await dialog.getByRole('radio', { name: 'Reached, the customer takes the offer' }).check();
    await dialog.getByText('Next you get what they take and its price', { exact: false }).waitFor();
    await check(page, 'dialog-en');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: '切换到中文' }).click();
    await page.getByRole('heading', { level: 1, name: '我的外呼' }).waitFor();

    const list = await lists.detail(listId);
    assert.deepEqual({ called: list.rates.called, reached: list.rates.reached, accepted: list.rates.accepted }, { called: 4, reached: 3, accepted: 1 });
    assert.deepEqual(hall.pageErrors, [], 'no uncaught errors in the pages');
  });
});
