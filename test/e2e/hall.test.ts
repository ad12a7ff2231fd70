// The web hall and mobile hall in a real browser: sign in with an SMS code, read the balance,
// order a pack through its confirmation, see it and the lowered balance, cancel it, recharge paid
// on the sandbox gateway's pay page, a price that changes under a confirmation, bills, a lost connection, an expired session, English, and every page at three sizes
// with no sideways overflow and no serious accessibility violations.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page, Request } from 'playwright-core';
import { addSubscriber } from '../helpers.ts';
import { createStaffUser } from '../../src/modules/staff/index.ts';
import { axeProblems, codeFromOutbox, overflowProblems, screenshot, SCREENSHOTS, SIZES, skipReason, startHall, type Hall } from './browser.ts';

const skip = skipReason();

/** `12345` → `¥123.45`, as the pages show money. */
function yuan(fen: number): string {
  return `¥${Math.trunc(fen / 100).toLocaleString('en')}.${String(fen % 100).padStart(2, '0')}`;
}

const TAB: Record<string, string> = { data: '流量', voice: '语音', sms: '短信', vas: '增值', broadband: '宽带' };
const GROUP_OF_KIND: Record<string, string> = { data_pack: 'data', voice_pack: 'voice', sms_pack: 'sms', vas: 'vas', broadband: 'broadband' };

interface ListedPack { id: string; code: string; kind: string; group?: string; nameZh: string; nameEn: string; priceFen: number; priceType: string }

/** Opens the pack list on the pack's own tab and returns the pack's entry. */
async function packEntry(page: Page, p: ListedPack) {
  await page.getByRole('heading', { level: 1, name: '订购业务' }).waitFor();
  const tab = page.getByRole('tab', { name: new RegExp(TAB[p.group ?? GROUP_OF_KIND[p.kind] ?? 'vas']!) });
  await tab.click();
  await page.getByRole('tab', { selected: true }).filter({ hasText: TAB[p.group ?? GROUP_OF_KIND[p.kind] ?? 'vas']! }).waitFor();
  const entry = page.locator(`li.pack[data-pack="${p.id}"]`);
  await entry.waitFor();
  return entry;
}

describe('web hall in a browser', { skip }, () => {
  let hall: Hall;
  let page: Page;
  let msisdn: string;
  let subscriberId: number;
  let pack: ListedPack;

  before(async () => {
    hall = await startHall();
    const sub = await addSubscriber(hall.env.db, { balanceFen: 10_000, points: 2_000 });
    msisdn = sub.msisdn;
    subscriberId = sub.id;
    const db = hall.env.db;
    // Six months of bills and this cycle's usage, as the BSS would have them.
    const months = ['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10'];
    for (const [i, month] of months.entries()) {
      const items = [
        { kind: 'plan' as const, nameZh: '4G畅享套餐38元', nameEn: '4G Enjoy 38', amountFen: 3800 },
        { kind: 'usage' as const, nameZh: '套外流量', nameEn: 'Extra data', amountFen: 500 + i * 730 },
      ];
      const bill = await db.insertInto('bill').values({
        subscriberId, month, totalFen: items.reduce((n, x) => n + x.amountFen, 0), status: i === 5 ? 'unpaid' : 'paid',
        issuedOn: `${month}-28`, dueOn: `${month}-28`,
      }).returning('id').executeTakeFirstOrThrow();
      await db.insertInto('billItem').values(items.map((x) => ({ ...x, billId: bill.id }))).execute();
    }
    await db.insertInto('usageCounter').values({ subscriberId, cycle: '2026-11', dataMbUsed: 2_300, voiceMinUsed: 64, smsUsed: 12, updatedAt: new Date() }).execute();
    const packs = await hall.env.s.invoker.invoke({ channel: 'api', principal: { kind: 'subscriber', subscriberId }, subscriberId, businessId: 'packs.list', input: {} });
    assert.equal(packs.status, 'ok');
    const list = (packs.result as { packs: ListedPack[] }).packs;
    const found = list.filter((p) => p.kind === 'data_pack' && p.priceFen > 0 && p.priceFen < 10_000).sort((a, b) => a.priceFen - b.priceFen)[0];
    assert.ok(found, 'the catalogue has a data pack this subscriber can order');
    pack = found;
    page = await hall.context.newPage();
  });

  after(async () => {
    await hall?.close();
  });

  test('a subscriber signs in with the code from the demo SMS outbox and sees the balance', async () => {
    await page.goto(hall.base);
    await page.getByRole('heading', { level: 1, name: '登录' }).waitFor();
    assert.deepEqual(await axeProblems(page), [], 'sign-in page');
    // Letters are refused with a message, not dropped.
    await page.getByLabel('手机号码').fill(`${msisdn.slice(0, 9)}ab`);
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByText('手机号码只能包含数字，请去掉字母后重新输入。').waitFor();
    // `+86 138 0000 0001` is the number it means.
    await page.getByLabel('手机号码').fill(`+86 ${msisdn.slice(0, 3)} ${msisdn.slice(3, 7)} ${msisdn.slice(7)}`);
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByText(`验证码已发送至 ${msisdn}`).waitFor();
    // A second code at once is refused by the server's limit, and the page says how long to wait.
    await page.getByRole('button', { name: '更换号码' }).click();
    await page.getByLabel('手机号码').fill(msisdn.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))));
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByTestId('rate-limited').filter({ hasText: /请 \d+ 秒后再试/ }).waitFor();
    hall.env.clock.advance(61_000);
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByText(`验证码已发送至 ${msisdn}`).waitFor();
    // Demo mode says where the code is.
    const outboxLink = page.getByRole('link', { name: `查看 ${msisdn} 的短信发件箱` });
    assert.equal(await outboxLink.getAttribute('href'), `/api/v1/demo/sms-outbox?msisdn=${msisdn}`);
    await page.getByLabel('短信验证码').fill(await codeFromOutbox(hall.base, msisdn));
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: '首页' }).waitFor();
    await page.getByTestId('balance').filter({ hasText: '¥100.00' }).waitFor();
    await page.getByTestId('points').filter({ hasText: '2,000' }).waitFor();
    await page.getByRole('img', { name: /流量：已用2.2GB，共/ }).waitFor();
    await page.getByText('2026年10月 账单').waitFor();
  });

  test('a reload keeps the subscriber signed in', async () => {
    await page.reload();
    await page.getByTestId('balance').filter({ hasText: '¥100.00' }).waitFor();
    assert.deepEqual(await axeProblems(page), [], 'home page');
  });

  test('ordering a pack shows its quote and price first, then charges once with one idempotency key', async () => {
    const calls: Request[] = [];
    const onRequest = (r: Request) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/v1/businesses/pack.subscribe')) calls.push(r);
    };
    page.on('request', onRequest);
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '订购业务' }).click();
    const entry = await packEntry(page, pack);
    assert.equal((await entry.textContent())?.includes(pack.code), false, 'the internal code is not shown');
    await entry.getByRole('button', { name: `订购 ${pack.nameZh}` }).click();
    await page.getByRole('heading', { name: '请确认办理' }).waitFor();
    await page.getByText(new RegExp(`订购${pack.nameZh}`)).waitFor();
    assert.equal((await page.locator('.quote-price').textContent())?.trim(), yuan(pack.priceFen));
    assert.deepEqual(await axeProblems(page), [], 'confirmation step');
    await screenshot(page, 'hall-zh-desktop-pack-confirm');
    // Nothing is charged before the subscriber confirms.
    const before = await hall.env.db.selectFrom('account').select('balanceFen').where('subscriberId', '=', subscriberId).executeTakeFirstOrThrow();
    assert.equal(before.balanceFen, 10_000);
    await page.getByRole('button', { name: '确认办理' }).click();
    await page.getByRole('heading', { name: /办理成功/ }).waitFor();
    // Where to cancel on the web: in 我的业务, with the link; no SMS command.
    await page.locator('.run-panel.done .result-text').filter({ hasText: '我的业务' }).waitFor();
    await page.getByRole('link', { name: '前往我的业务' }).waitFor();
    assert.equal(await page.locator('.run-panel.done').filter({ hasText: /发送\s*QX/ }).count(), 0, 'no SMS command on the web');
    // What is held stays in the list, marked 已订购.
    await entry.getByText('已订购').waitFor();
    assert.equal(await entry.getByRole('button', { name: `订购 ${pack.nameZh}` }).count(), 0);
    await screenshot(page, 'hall-zh-desktop-packs-held');
    page.off('request', onRequest);
    assert.equal(calls.length, 2, 'a quote request, then the confirmed one');
    const [first, second] = calls as [Request, Request];
    const key = first.headers()['idempotency-key'];
    assert.ok(key && key.length >= 8, 'the attempt carries an idempotency key');
    assert.equal(second.headers()['idempotency-key'], key, 'the confirmation reuses the attempt’s key');
    assert.deepEqual(first.postDataJSON(), { input: { packId: pack.id } });
    assert.deepEqual(second.postDataJSON(), { input: { packId: pack.id }, confirm: true, quoteTerms: `fen=${pack.priceFen};monthly=0;points=0` });
  });

  test('the pack is in my subscriptions and the balance is lowered by its price', async () => {
    await page.getByRole('link', { name: '前往我的业务' }).click();
    await page.getByRole('heading', { level: 1, name: '我的业务' }).waitFor();
    await page.locator(`.sub-item[data-offering="${pack.id}"] .sub-name`).filter({ hasText: pack.nameZh }).waitFor();
    const line = (await page.locator(`.sub-item[data-offering="${pack.id}"]`).textContent()) ?? '';
    assert.equal(line.includes(pack.code), false, 'the internal code is not shown in 我的业务');
    assert.match(line, /\d{4}年\d{1,2}月\d{1,2}日开通/u, 'the start date in one format, in Beijing time');
    await screenshot(page, 'hall-zh-desktop-subscriptions-held');
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '首页' }).click();
    await page.getByTestId('balance').filter({ hasText: yuan(10_000 - pack.priceFen) }).waitFor();
  });

  test('cancelling the pack asks first and then removes it', async () => {
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '我的业务' }).click();
    await page.getByRole('button', { name: `退订 ${pack.nameZh}` }).click();
    await page.getByText(`确定退订 ${pack.nameZh} 吗？`).waitFor();
    await page.getByRole('button', { name: '确定退订' }).click();
    await page.getByRole('heading', { name: /办理成功/ }).waitFor();
    await page.getByRole('button', { name: '关闭' }).click();
    await page.locator(`.sub-item[data-offering="${pack.id}"]`).waitFor({ state: 'detached' });
    const active = await hall.env.db.selectFrom('subscription').select('id')
      .where('subscriberId', '=', subscriberId).where('offeringId', '=', pack.id).where('status', '=', 'active').execute();
    assert.equal(active.length, 0, 'no active subscription to the pack is left');
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '订购业务' }).click();
    const entry = await packEntry(page, pack);
    await entry.getByRole('button', { name: `订购 ${pack.nameZh}` }).waitFor();
  });

  test('a recharge is paid online: whole yuan, a method, its confirmation, the sandbox pay page, and the balance credited once the notification arrived', async () => {
    const bodies: unknown[] = [];
    const onRequest = (r: Request) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/v1/recharges')) bodies.push(r.postDataJSON());
    };
    const balanceFen = async () => (await hall.env.db.selectFrom('account').select('balanceFen').where('subscriberId', '=', subscriberId).executeTakeFirstOrThrow()).balanceFen;
    const before = await balanceFen();
    page.on('request', onRequest);
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '充值' }).click();
    await page.getByRole('heading', { level: 1, name: '充值缴费' }).waitFor();
    // Bad amounts are refused on the page, and nothing is sent.
    for (const [typed, said] of [['0.3', '不能小于 1。'], ['12.5', '请输入整数元金额，如 50。'], ['6000', '不能大于 5000。'], ['五十', '请输入整数元金额，如 50。']] as const) {
      await page.getByLabel('充值金额（元）').fill(typed);
      await page.getByRole('button', { name: '下一步' }).click();
      await page.getByText(said).waitFor();
    }
    assert.deepEqual(bodies, [], 'nothing was sent for a bad amount');
    await page.getByLabel('充值金额（元）').fill('50');
    // The methods are the server's: the sandbox and the bank's test gateway (Alipay is not configured here).
    const methods = page.getByRole('group', { name: '支付方式' });
    assert.deepEqual(await methods.getByRole('button').allTextContents(), ['沙箱支付', '网银支付（测试网关）']);
    await methods.getByRole('button', { name: '网银支付（测试网关）' }).click();
    await methods.getByRole('button', { name: '沙箱支付' }).click();
    assert.equal(await methods.getByRole('button', { name: '沙箱支付' }).getAttribute('aria-pressed'), 'true');
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('heading', { name: '请确认支付' }).waitFor();
    assert.equal((await page.locator('.quote-price').textContent())?.trim(), '¥50.00');
    await page.locator('.quote-facts').getByText('沙箱支付').waitFor();
    assert.equal((await hall.env.db.selectFrom('payment').select('id').where('subscriberId', '=', subscriberId).execute()).length, 0, 'the quote writes no payment');
    await page.getByRole('button', { name: '去支付' }).click();
    await page.waitForURL(/\/api\/v1\/payments\/sandbox\/SB/);
    // Back at the hall before paying: 支付处理中, and nothing is credited.
    const back = new URL(page.url()).searchParams.get('return');
    assert.match(back ?? '', /^\/recharge\?payment=/);
    const waiting = await hall.context.newPage();
    await waiting.goto(`${hall.base}${back}`);
    await waiting.getByRole('heading', { name: '支付处理中' }).waitFor();
    assert.equal(await balanceFen(), before);
    await page.getByRole('button', { name: '支付 Pay' }).click();
    await page.getByRole('link', { name: '返回商户 · Back to the merchant' }).click();
    await page.getByRole('heading', { name: /充值成功/ }).waitFor();
    await page.getByText('¥50.00 已到账。').waitFor();
    await page.getByTestId('recharge-balance').filter({ hasText: yuan(before + 5_000) }).waitFor();
    // The page that waited sees it settle too.
    await waiting.getByRole('heading', { name: /充值成功/ }).waitFor();
    await waiting.close();
    assert.equal(await balanceFen(), before + 5_000, 'credited once');
    assert.deepEqual(bodies, [{ amountFen: 5_000, method: 'sandbox' }, { amountFen: 5_000, method: 'sandbox', confirm: true }]);

    // Cancelled on the bank's page: not paid, nothing taken or credited.
    await page.getByRole('button', { name: '再次充值' }).click();
    await page.getByRole('button', { name: '¥30', exact: true }).click();
    await methods.getByRole('button', { name: '网银支付（测试网关）' }).click();
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('button', { name: '去支付' }).click();
    await page.waitForURL(/\/api\/v1\/payments\/sandbox\/BK/);
    await page.getByRole('button', { name: '取消 Cancel' }).click();
    await page.getByRole('link', { name: '返回商户 · Back to the merchant' }).click();
    await page.getByRole('heading', { name: '支付未完成' }).waitFor();
    await page.getByText('支付已取消，未扣款，余额未变。').waitFor();
    assert.equal(await balanceFen(), before + 5_000);
    page.off('request', onRequest);
    assert.deepEqual(hall.pageErrors, [], 'no uncaught errors in the pages');
  });

  test('points are redeemed through a confirmation that names the reward and its cost', async () => {
    const reward = await hall.env.db.selectFrom('reward').select(['id', 'nameZh', 'costPoints'])
      .where('active', '=', true).orderBy('costPoints').limit(1).executeTakeFirstOrThrow();
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '积分' }).click();
    const shown = page.getByTestId('points-balance');
    await shown.waitFor();
    const before = Number((await shown.textContent())?.replace(/,/g, ''));
    await page.getByRole('button', { name: `兑换 ${reward.nameZh}` }).click();
    await page.getByRole('heading', { name: '请确认办理' }).waitFor();
    await page.getByText(`用${reward.costPoints}积分兑换${reward.nameZh}`).waitFor();
    await page.getByRole('button', { name: '确认办理' }).click();
    await page.getByRole('heading', { name: /办理成功/ }).waitFor();
    await shown.filter({ hasText: (before - reward.costPoints).toLocaleString('en') }).waitFor();
  });

  test('bills show six months as a chart and the items of the month picked', async () => {
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '账单' }).click();
    await page.getByRole('img', { name: /近6个月账单/ }).waitFor();
    assert.equal(await page.locator('.bill-chart .bar').count(), 6);
    // Beside it, data and voice per month for six months, up to this cycle.
    await page.getByRole('img', { name: /近6个月用量/ }).waitFor();
    assert.equal(await page.locator('.usage-chart .usage-month').count(), 6);
    assert.match((await page.locator('#usage-chart-desc').textContent()) ?? '', /2026-11 流量2.2GB、通话64分钟/u);
    await page.getByRole('button', { name: /2026-07/ }).click();
    const items = page.getByRole('table', { name: '2026-07 账单明细' });
    await items.getByRole('cell', { name: '套外流量' }).waitFor();
    await items.getByRole('cell', { name: '¥19.60' }).waitFor();
    assert.deepEqual(await axeProblems(page), [], 'bills page');
  });

  test('every registry business has a generated page, including one with no page written for it', async () => {
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '全部业务' }).click();
    await page.getByRole('heading', { level: 1, name: '全部业务' }).waitFor();
    const businesses = hall.env.s.registry.list();
    for (const b of businesses) await page.getByRole('link', { name: new RegExp(b.names['zh-CN']) }).first().waitFor();
    await page.getByRole('link', { name: /套餐变更/ }).click();
    await page.getByRole('heading', { level: 1, name: '套餐变更' }).waitFor();
    await page.getByRole('radio').filter({ hasNot: page.locator(':disabled') }).first().check();
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('heading', { name: '请确认办理' }).waitFor();
    assert.equal((await page.locator('.quote-price').textContent())?.trim(), '本次不扣费');
    assert.match((await page.locator('.quote-facts dt:text-is("月费") + dd').textContent())?.trim() ?? '', /^¥[\d,]+\.\d\d$/u, 'the monthly fee it commits to');
    assert.equal((await page.locator('.quote-facts dt:text-is("生效日期") + dd').textContent())?.trim(), '2026年12月1日');
    await page.getByRole('button', { name: '取消' }).click();
    await page.getByRole('button', { name: '下一步' }).waitFor();
  });

  test('a price changed while the confirmation is on screen is shown again and charged only once confirmed', async () => {
    const db = hall.env.db;
    const listed = await hall.env.s.invoker.invoke({ channel: 'api', principal: { kind: 'subscriber', subscriberId }, subscriberId, businessId: 'packs.list', input: {} });
    const other = (listed.status === 'ok' ? (listed.result as { packs: (ListedPack & { held?: boolean; orderable?: boolean })[] }).packs : [])
      .find((p) => p.id !== pack.id && p.priceFen > 0 && p.priceFen < 5_000 && p.held !== true && p.orderable !== false);
    assert.ok(other, 'a second pack to order');
    const price = await db.selectFrom('offering').select('priceId').where('id', '=', other.id).executeTakeFirstOrThrow();
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '首页' }).click();
    await page.getByRole('link', { name: '订购业务' }).first().click();
    const entry = await packEntry(page, other);
    await entry.getByRole('button', { name: `订购 ${other.nameZh}` }).click();
    await page.getByRole('heading', { name: '请确认办理' }).waitFor();
    assert.equal((await page.locator('.quote-price').textContent())?.trim(), yuan(other.priceFen));
    const before = await db.selectFrom('account').select('balanceFen').where('subscriberId', '=', subscriberId).executeTakeFirstOrThrow();
    await db.updateTable('offeringPrice').set({ amountFen: other.priceFen + 100 }).where('id', '=', price.priceId).execute();
    try {
      await page.getByRole('button', { name: '确认办理' }).click();
      await page.getByRole('alert').filter({ hasText: '价格已变化，未扣费。请确认新的价格。' }).waitFor();
      assert.equal((await page.locator('.quote-price').textContent())?.trim(), yuan(other.priceFen + 100));
      const unchanged = await db.selectFrom('account').select('balanceFen').where('subscriberId', '=', subscriberId).executeTakeFirstOrThrow();
      assert.equal(unchanged.balanceFen, before.balanceFen, 'nothing charged');
      await page.getByRole('button', { name: '确认办理' }).click();
      await page.getByRole('heading', { name: /办理成功/ }).waitFor();
      const afterwards = await db.selectFrom('account').select('balanceFen').where('subscriberId', '=', subscriberId).executeTakeFirstOrThrow();
      assert.equal(afterwards.balanceFen, before.balanceFen - other.priceFen - 100, 'charged the price confirmed');
    } finally {
      await db.updateTable('offeringPrice').set({ amountFen: other.priceFen }).where('id', '=', price.priceId).execute();
      hall.env.s.catalogue.invalidate();
    }
  });

  test('a lost connection is said plainly, and a retry works once it is back', async () => {
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '首页' }).click();
    await page.getByTestId('balance').waitFor();
    await hall.context.setOffline(true);
    await page.getByText('网络连接已断开。').waitFor();
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '积分' }).click();
    await page.getByRole('alert').filter({ hasText: '网络已断开，请在网络恢复后重试。' }).waitFor();
    await hall.context.setOffline(false);
    await page.getByText('网络连接已断开。').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: '重试' }).click();
    await page.getByTestId('points-balance').waitFor();
  });

  test('English is one click away and stays after a reload; server texts follow it', async () => {
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Points' }).waitFor();
    assert.equal(await page.evaluate('document.documentElement.lang'), 'en');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Points' }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Home' }).click();
    await page.getByRole('heading', { name: 'Latest bill' }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'All services' }).click();
    await page.getByRole('link', { name: /Order a pack/ }).first().waitFor();
    assert.deepEqual(await axeProblems(page), [], 'services page in English');
  });

  test('every page fits at 360×640, 768×1024 and 1440×900 with no serious accessibility problem', async () => {
    const pages: [string, string][] = [
      ['home', '/'], ['packs', '/packs'], ['services', '/services'], ['pack-form', '/b/pack.subscribe'], ['subscriptions', '/subscriptions'],
      ['bills', '/bills'], ['recharge', '/recharge'], ['points', '/points'], ['me', '/me'],
    ];
    for (const lang of ['en', 'zh'] as const) {
      if (lang === 'zh') {
        await page.getByRole('button', { name: '切换到中文' }).click();
        await page.getByRole('button', { name: 'Switch to English' }).waitFor();
      }
      for (const size of SIZES) {
        await page.setViewportSize({ width: size.width, height: size.height });
        for (const [name, path] of pages) {
          // Desktop and tablet use the top navigation; phones the tab bar, so links are followed by URL here.
          await page.goto(`${hall.base}${path}`);
          await page.locator('h1').waitFor();
          await page.locator('.loading').first().waitFor({ state: 'detached' });
          if (name === 'pack-form') await page.getByRole('radio').first().waitFor();
          if (name === 'packs') await page.getByRole('tab').first().waitFor();
          const where = `${name} at ${size.width}×${size.height} (${lang})`;
          assert.deepEqual(await overflowProblems(page), [], where);
          if (lang === 'zh' || size.name === 'phone') assert.deepEqual(await axeProblems(page), [], where);
          await screenshot(page, `hall-${lang}-${size.name}-${name}`);
        }
      }
    }
    // The mobile hall has a tab bar, which stays at the bottom of the screen and hides nothing at the end.
    await page.setViewportSize({ width: 360, height: 640 });
    await page.goto(`${hall.base}/`);
    await page.getByRole('heading', { name: '常用业务' }).waitFor();
    await page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)');
    await page.screenshot({ path: `${SCREENSHOTS}/hall-zh-phone-home-scrolled.png` });
    await page.getByRole('navigation', { name: '快捷导航' }).getByRole('link', { name: '账单' }).click();
    await page.getByRole('heading', { level: 1, name: '账单查询' }).waitFor();
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  test('an expired or revoked session returns to sign-in and says so', async () => {
    await page.goto(`${hall.base}/`);
    await page.evaluate(`(() => {
      const s = JSON.parse(localStorage.getItem('omnihall.session'));
      s.token = 'revoked.' + s.token.slice(8);
      localStorage.setItem('omnihall.session', JSON.stringify(s));
    })()`);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: '登录' }).waitFor();
    await page.getByText('登录已过期，请重新登录。').waitFor();
    for (const size of SIZES) {
      await page.setViewportSize({ width: size.width, height: size.height });
      assert.deepEqual(await overflowProblems(page), [], `sign-in at ${size.width}×${size.height}`);
      await screenshot(page, `hall-zh-${size.name}-login`);
    }
  });

  test('signing out forgets the subscriber', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    hall.env.clock.advance(61_000); // one code a minute per number
    await page.getByLabel('手机号码').fill(msisdn);
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByText(`验证码已发送至 ${msisdn}`).waitFor();
    await page.getByLabel('短信验证码').fill(await codeFromOutbox(hall.base, msisdn));
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByTestId('balance').waitFor();
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByRole('heading', { level: 1, name: '登录' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: '登录' }).waitFor();
    assert.equal(await page.evaluate(`localStorage.getItem('omnihall.session')`), null);
    assert.deepEqual(hall.pageErrors, [], 'no uncaught errors in the pages');
  });

  /** Signs in at the current size by typing the number and the code from the demo outbox. */
  async function signInAs(number: string, typed: string): Promise<void> {
    await page.goto(`${hall.base}/no-such-page`);
    await page.evaluate(`localStorage.removeItem('omnihall.session')`);
    await page.goto(hall.base);
    await page.getByRole('heading', { level: 1, name: '登录' }).waitFor();
    await page.getByLabel('手机号码').fill(typed);
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByText(`验证码已发送至 ${number}`).waitFor();
    await page.getByLabel('短信验证码').fill(await codeFromOutbox(hall.base, number));
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: '首页' }).waitFor();
  }

  test('at 360×640: sign in, see what is left on the first screen, order a pack from its tab, see it 已订购, cancel it', async () => {
    await page.setViewportSize({ width: 360, height: 640 });
    // A postpaid subscriber who owes ¥123.00 against a ¥200.00 credit limit.
    const sub = await addSubscriber(hall.env.db, { type: 'postpaid', balanceFen: -12_300, creditLimitFen: 20_000 });
    await hall.env.db.insertInto('usageCounter').values({ subscriberId: sub.id, cycle: '2026-11', dataMbUsed: 1_024, voiceMinUsed: 30, smsUsed: 5, updatedAt: new Date() }).execute();
    const bill = await hall.env.db.insertInto('bill').values({ subscriberId: sub.id, month: '2026-10', totalFen: 12_300, status: 'unpaid', issuedOn: '2026-10-28', dueOn: '2026-11-20' }).returning('id').executeTakeFirstOrThrow();
    await hall.env.db.insertInto('billItem').values({ billId: bill.id, kind: 'plan', nameZh: '套餐月费', nameEn: 'Plan', amountFen: 12_300 }).execute();
    // Full-width digits are the number they mean.
    await signInAs(sub.msisdn, sub.msisdn.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))));
    await page.getByTestId('owed').filter({ hasText: '¥123.00' }).waitFor();
    await page.getByTestId('credit-left').filter({ hasText: '¥77.00' }).waitFor();
    await page.getByTestId('usage-rings').waitFor();
    await page.getByTestId('latest-bill').waitFor();
    await page.getByTestId('plan-name').waitFor();
    assert.equal(await page.getByText(/-¥/).count(), 0, 'no negative amount on the page');
    // The first screen, above the tab bar, holds the account, the rings, the plan and the latest bill.
    const tabbarTop = (await page.getByRole('navigation', { name: '快捷导航' }).boundingBox())!.y;
    for (const id of ['owed', 'credit-left', 'plan-name', 'usage-rings', 'latest-bill']) {
      const box = (await page.getByTestId(id).boundingBox())!;
      assert.ok(box.y >= 0 && box.y + box.height <= tabbarTop + 1, `${id} is on the first screen (${Math.round(box.y + box.height)} ≤ ${Math.round(tabbarTop)})`);
    }
    for (const ring of [/流量：已用1GB/, /通话：/, /短信：/]) await page.getByRole('img', { name: ring }).waitFor();
    assert.deepEqual(await overflowProblems(page), [], 'phone home');
    await page.screenshot({ path: `${SCREENSHOTS}/hall-zh-phone-home-first-screen.png` });

    const listed = await hall.env.s.invoker.invoke({ channel: 'api', principal: { kind: 'subscriber', subscriberId: sub.id }, subscriberId: sub.id, businessId: 'packs.list', input: {} });
    assert.equal(listed.status, 'ok');
    const mine = (listed.result as { packs: (ListedPack & { orderable?: boolean })[] }).packs
      .filter((p) => p.kind === 'data_pack' && p.priceFen > 0 && p.orderable !== false).sort((a, b) => a.priceFen - b.priceFen)[0];
    assert.ok(mine, 'a data pack to order');
    await page.getByRole('navigation', { name: '快捷导航' }).getByRole('link', { name: '订购' }).click();
    const entry = await packEntry(page, mine);
    assert.deepEqual(await overflowProblems(page), [], 'phone packs');
    await page.screenshot({ path: `${SCREENSHOTS}/hall-zh-phone-packs-first-screen.png` });
    await entry.getByRole('button', { name: `订购 ${mine.nameZh}` }).click();
    await page.getByRole('heading', { name: '请确认办理' }).waitFor();
    await page.getByRole('button', { name: '确认办理' }).click();
    await page.getByRole('heading', { name: /办理成功/ }).waitFor();
    await entry.getByText('已订购').waitFor();
    await screenshot(page, 'hall-zh-phone-packs-held');
    await page.getByRole('link', { name: '前往我的业务' }).click();
    await page.getByRole('heading', { level: 1, name: '我的业务' }).waitFor();
    await page.locator(`.sub-item[data-offering="${mine.id}"]`).waitFor();
    assert.deepEqual(await overflowProblems(page), [], 'phone subscriptions');
    await screenshot(page, 'hall-zh-phone-subscriptions-held');
    await page.getByRole('button', { name: `退订 ${mine.nameZh}` }).click();
    await page.getByRole('button', { name: '确定退订' }).click();
    await page.getByRole('heading', { name: /办理成功/ }).waitFor();
    await page.getByRole('button', { name: '关闭' }).click();
    await page.locator(`.sub-item[data-offering="${mine.id}"]`).waitFor({ state: 'detached' });
    const active = await hall.env.db.selectFrom('subscription').select('id')
      .where('subscriberId', '=', sub.id).where('offeringId', '=', mine.id).where('status', '=', 'active').execute();
    assert.equal(active.length, 0, 'cancelled');

    // 我的: the account, the plan, the language and signing out.
    await page.getByRole('navigation', { name: '快捷导航' }).getByRole('link', { name: '我的' }).click();
    await page.getByRole('heading', { level: 1, name: '我的' }).waitFor();
    await page.getByTestId('me-number').filter({ hasText: `${sub.msisdn.slice(0, 3)}****${sub.msisdn.slice(7)}` }).waitFor();
    assert.deepEqual(await overflowProblems(page), [], 'phone 我的');
    assert.deepEqual(await axeProblems(page), [], 'phone 我的');
    await screenshot(page, 'hall-zh-phone-me');
    await page.locator('.me-page').getByRole('button', { name: '退出登录' }).click();
    await page.getByRole('heading', { level: 1, name: '登录' }).waitFor();
    assert.equal(await page.evaluate(`localStorage.getItem('omnihall.session')`), null);
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  test('one search box finds a business by name, pinyin initials or a common phrasing', async () => {
    const sub = await addSubscriber(hall.env.db, {});
    await signInAs(sub.msisdn, sub.msisdn);
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '全部业务' }).click();
    const box = page.getByRole('searchbox', { name: '搜索业务' });
    for (const [q, name] of [['cz', '充值缴费'], ['查话费', '话费余额查询'], ['办流量', '订购业务'], ['top up', '充值缴费'], ['账单', '账单查询']] as const) {
      await box.fill(q);
      await page.getByRole('region', { name: /搜索结果/ }).getByRole('link', { name: new RegExp(name) }).first().waitFor();
    }
    await box.fill('没有这种业务');
    await page.getByText('没有找到与“没有这种业务”相关的业务。').waitFor();
  });

  test('a line suspended for non-payment is told on the home page, with what to recharge', async () => {
    // Like 13800000003: prepaid, suspended, ¥5.00 left where the plan's monthly fee could not be taken.
    const sub = await addSubscriber(hall.env.db, { balanceFen: 500, status: 'suspended' });
    await signInAs(sub.msisdn, sub.msisdn);
    const status = page.getByTestId('line-status');
    await status.filter({ hasText: '欠费停机' }).waitFor();
    await page.getByTestId('balance').filter({ hasText: '¥5.00' }).waitFor();
    await screenshot(page, 'hall-zh-desktop-suspended-home');
    await status.getByRole('link', { name: /充值/ }).click();
    await page.getByRole('heading', { level: 1, name: '充值缴费' }).waitFor();
    await page.getByTestId('line-status').waitFor();
    // The amount that restores the line is filled in, as the notice said.
    const restore = ((await status.textContent()) ?? '').match(/充值 ¥([\d,.]+)/)?.[1];
    assert.ok(restore, 'the notice names the amount');
    assert.equal(await page.getByLabel('充值金额（元）').inputValue(), restore.replace(/\.00$/, '').replace(/,/g, ''));
    await screenshot(page, 'hall-zh-desktop-suspended-recharge');
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '订购业务' }).click();
    await page.getByRole('heading', { level: 1, name: '订购业务' }).waitFor();
    await page.getByText('您的号码已停机，恢复前无法订购。').waitFor();
    await page.locator('.pack-note.why').first().waitFor();
    assert.deepEqual(hall.pageErrors, [], 'no uncaught errors in the pages');
  });

  test('a recharge to another number of the operator names the masked number and credits it, not the payer', async () => {
    const payer = await addSubscriber(hall.env.db, { balanceFen: 5_000 });
    const friend = await addSubscriber(hall.env.db, { balanceFen: 1_000 });
    await signInAs(payer.msisdn, payer.msisdn);
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '充值' }).click();
    await page.getByRole('heading', { level: 1, name: '充值缴费' }).waitFor();
    for (const amount of ['¥30', '¥50', '¥100', '¥200']) await page.getByRole('button', { name: amount, exact: true }).waitFor();
    await page.getByRole('button', { name: '给其他号码充值' }).click();
    await page.getByLabel('对方手机号码').fill('139abc');
    await page.getByRole('button', { name: '¥30', exact: true }).click();
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByText('手机号码只能包含数字，请去掉字母后重新输入。').waitFor();
    await page.getByLabel('对方手机号码').fill(`+86 ${friend.msisdn}`);
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('heading', { name: '请确认办理' }).waitFor();
    const masked = `${friend.msisdn.slice(0, 3)}****${friend.msisdn.slice(7)}`;
    await page.locator('.quote-summary').filter({ hasText: masked }).waitFor();
    await page.getByRole('button', { name: '确认办理' }).click();
    await page.getByRole('heading', { name: /办理成功/ }).waitFor();
    const balances = await hall.env.db.selectFrom('account').select(['subscriberId', 'balanceFen']).where('subscriberId', 'in', [payer.id, friend.id]).execute();
    assert.equal(balances.find((b) => b.subscriberId === friend.id)?.balanceFen, 4_000, 'the other number is credited');
    assert.equal(balances.find((b) => b.subscriberId === payer.id)?.balanceFen, 5_000, 'the payer’s own balance is untouched');
    assert.deepEqual(hall.pageErrors, [], 'no uncaught errors in the pages');
  });
  test('我的专属优惠 on the home page: an offer taken with one button and its confirmation, charged once, then gone', async () => {
    const m = hall.env.s.marketing;
    const staff = await Promise.all(['hall-mkt-a', 'hall-mkt-b'].map(async (u) => ({ id: await createStaffUser(hall.env.db, { username: u, displayName: u, password: 'correct horse battery', roles: ['marketing'] }), name: u, roles: ['marketing' as const] })));
    const sub = await addSubscriber(hall.env.db, { balanceFen: 3_000 });
    await m.mart.refresh([sub.id]);
    const seg = await m.segments.create(staff[0]!, { nameZh: '广州用户', nameEn: 'Guangzhou', rule: { feature: 'city', op: 'eq', value: '广州' } });
    const offer = await m.offers.create(staff[0]!, {
      offeringId: 'VAS-139MAIL', nameZh: '139邮箱首月1元', nameEn: '139 Mail: first month ¥1', pitchZh: '大附件、免打扰，首月仅1元', pitchEn: 'Big attachments: ¥1 the first month',
      priceFen: 100, budget: 100, segmentIds: [seg.id], marginFen: 300, startsAt: new Date(hall.env.clock.now().getTime() - 86_400_000).toISOString(), endsAt: new Date(hall.env.clock.now().getTime() + 30 * 86_400_000).toISOString(),
    });
    await m.offers.submit(staff[0]!, offer.id);
    await m.offers.review(staff[1]!, offer.id, { approve: true });
    m.decisions.invalidate();
    await signInAs(sub.msisdn, sub.msisdn);
    const card = page.locator(`li.offer[data-offer="${offer.id}"]`);
    await card.getByText('139邮箱首月1元').waitFor();
    await screenshot(page, 'hall-zh-desktop-my-offers');
    await card.getByRole('button', { name: '立即办理' }).click();
    await page.getByRole('heading', { name: '请确认办理' }).waitFor();
    await page.getByText(/优惠价1\.00元（原价5\.00元），次月起每月5\.00元/).waitFor();
    await page.getByRole('button', { name: '确认办理' }).click();
    await page.getByTestId('my-offers').waitFor({ state: 'detached' });
    const account = await hall.env.db.selectFrom('account').select('balanceFen').where('subscriberId', '=', sub.id).executeTakeFirstOrThrow();
    assert.equal(account.balanceFen, 2_900);
    assert.deepEqual(hall.pageErrors, [], 'no uncaught errors in the pages');
  });
});
