// The console's marketing pages in a real browser, at 1440×900, on the demo operator's subscribers:
// marketer A builds the segment (prepaid, a 58-yuan plan or above, over 90% of their data
// used this month and last, Guangzhou) condition by condition, sees the server's error at the
// condition typed wrong and the live count once it is right, saves it, makes an offer of the 3 GB
// pack at ¥15 for 30 days on it with a budget, and submits it (the review queue tells A it is
// theirs to wait on, and the server refuses A's own approval); marketer B approves it, and the
// next-best-offer explanation for 13800000001 on USSD shows it with its factors or its gate. B
// looks up 13800000001's features and proposes a new contact policy; A approves that. Every page
// is checked with axe-core and for sideways overflow, and photographed, once in English too.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { axeProblems, overflowProblems, screenshot, skipReason, type Hall } from './browser.ts';
import { addStaff, choose, consoleSignIn, consoleSignOut, startMarketingHall, toast } from './staff.ts';

const skip = skipReason();

async function check(page: Page, name: string): Promise<void> {
  // Let Ant Design's fades finish: half-faded text fails axe's contrast check.
  await page.waitForTimeout(400);
  assert.deepEqual(await axeProblems(page, ['.ant-message']), [], `${name}: accessibility`);
  assert.deepEqual(await overflowProblems(page), [], `${name}: sideways overflow`);
  await screenshot(page, `console-marketing-${name}`);
}

describe('staff console marketing pages in a browser', { skip }, () => {
  let hall: Hall;

  before(async () => {
    // The server's clock at the browser's (the offer's days are typed as the browser's days); the
    // demo's segments and live offers too (its mart first): 13800000001 has one on USSD.
    hall = await startMarketingHall({ subscribers: 200 });
    await addStaff(hall.env, 'mka', ['marketing'], '营销专员甲');
    await addStaff(hall.env, 'mkb', ['marketing'], '营销专员乙');
  });

  after(async () => {
    await hall?.close();
  });

  test('a segment with a live count, an offer on it submitted and approved by a second person, and its explanation for 13800000001', async (t) => {
    const page = await hall.context.newPage();
    // The console's chunks are large: on a machine busy with other tests a page can take longer
    // than the harness's 15 s to appear. A bound, not a timing.
    page.setDefaultTimeout(45_000);
    t.after(() => page.close().catch(() => undefined));
    const segmentName = '广州高流量预付费测试';
    const offerName = '3GB流量包特惠';

    const go = async (menu: string) => {
      // An item's name is its icon's and its text: "gift 优惠", which 最佳优惠解释 must not match.
      await page.getByRole('menuitem', { name: new RegExp(`(^|\\s)${menu}$`) }).click();
      await page.getByRole('heading', { level: 1, name: menu }).waitFor();
    };
    const signIn = (username: string) => consoleSignIn(page, hall.base, username);
    const signOut = () => consoleSignOut(page);

    await page.goto(`${hall.base}/favicon.svg`);
    await page.evaluate('localStorage.clear(); sessionStorage.clear()');

    // ---- A builds the segment ----
    await signIn('mka');
    const menu = await page.getByRole('menuitem').allInnerTexts().then((xs) => xs.map((x) => x.trim()).filter(Boolean));
    // The mall's group comes last; a marketer has its promotions and flash sales (console-mall-*.test.ts walk them).
    assert.deepEqual(menu.slice(menu.indexOf('商城')), ['商城', '优惠活动', '秒杀'], 'a marketer’s menu: the mall group');
    assert.deepEqual(
      menu.slice(0, menu.indexOf('商城')),
      ['首页', '产品目录', '营销', '客户特征', '客群', '优惠', '最佳优惠解释', '接触策略', '触发规则', '群发', '外呼名单', '营销效果'],
      'a marketer’s menu: the marketing group',
    );
    await go('客群');
    await page.getByRole('button', { name: '新建客群' }).click();
    const builder = page.getByTestId('segment-builder');
    await builder.getByLabel('中文名称').fill(segmentName);
    await builder.getByLabel('英文名称').fill('Guangzhou heavy-data prepaid (test)');
    const row = (i: number) => builder.locator('.rule-cond').nth(i);
    // The first condition starts as prepaid accounts: a whole rule, counted at once.
    await builder.getByTestId('live-count').filter({ hasText: /符合规则的用户：[\d,]+ 人/ }).waitFor();
    const addCond = () => builder.getByRole('button', { name: /添加条件$/ }).click();

    // The plan's fee, typed wrong first: the server's error shows at that condition.
    await addCond();
    await choose(page, row(1), '特征', '套餐月费', '套餐月费');
    await choose(page, row(1), '运算', '大于等于');
    await row(1).getByRole('textbox', { name: '取值' }).fill('五十八');
    await row(1).getByTestId('rule-error').filter({ hasText: '需要整数金额' }).waitFor();
    await builder.getByTestId('live-count').filter({ hasText: '规则有误' }).waitFor();
    await check(page, 'segment-error');
    await row(1).getByRole('textbox', { name: '取值' }).fill('58');
    await builder.getByTestId('live-count').filter({ hasText: /符合规则的用户/ }).waitFor();
    assert.equal(await row(1).getByTestId('rule-error').count(), 0, 'the error is gone once the fee is a number');

    for (const [i, feature] of [[2, '本月流量使用率'], [3, '上月流量使用率']] as const) {
      await addCond();
      await choose(page, row(i), '特征', feature, feature);
      await choose(page, row(i), '运算', '大于');
      await row(i).getByRole('textbox', { name: '取值' }).fill('90');
    }
    await addCond();
    await choose(page, row(4), '特征', '地市', '地市');
    await row(4).getByRole('textbox', { name: '取值' }).fill('广州');

    // The count the page shows is the server's count of the same rule.
    const expected = await hall.env.s.marketing.segments.count({ all: [
      { feature: 'accountType', op: 'eq', value: 'prepaid' }, { feature: 'planFeeFen', op: 'ge', value: 5800 },
      { feature: 'dataUsageRatio', op: 'gt', value: 0.9 }, { feature: 'dataUsageRatioLast', op: 'gt', value: 0.9 }, { feature: 'city', op: 'eq', value: '广州' },
    ] });
    await builder.getByTestId('live-count').filter({ hasText: `符合规则的用户：${expected.toLocaleString('en')} 人` }).waitFor();
    await check(page, 'segment-builder');
    await builder.getByRole('button', { name: '保存客群' }).click();
    await toast(page, `已创建客群“${segmentName}”：${expected} 人`);
    await page.getByTestId('segments-table').getByText(segmentName).waitFor();
    await check(page, 'segments');

    // ---- A makes the offer on it and submits it ----
    await go('优惠');
    await page.getByRole('button', { name: '新建优惠' }).click();
    const form = page.getByRole('dialog', { name: '新建优惠' });
    await choose(page, form, '产品（来自产品目录）', '3GB流量包', '3GB');
    await form.getByLabel('优惠名称（中文）').fill(offerName);
    await form.getByLabel('优惠名称（英文）').fill('3 GB data, special');
    await form.getByLabel('推荐语（中文）').fill('流量快用完了？15元得3GB');
    await form.getByLabel('推荐语（英文）').fill('Running out? 3 GB for 15 yuan');
    await form.getByLabel('优惠价（元）').fill('15');
    await form.getByLabel('预算（份数）').fill('500');
    await form.getByLabel('毛利（元）').fill('8');
    await choose(page, form, '目标客群', segmentName);
    await check(page, 'offer-form');
    await form.getByRole('button', { name: '保存' }).click();
    await toast(page, `已保存优惠“${offerName}”（草稿）`);
    const offers = page.getByTestId('offers-table');
    await offers.getByText(offerName).waitFor();
    await offers.getByText('已用 0，剩余 500').waitFor();
    await page.getByRole('button', { name: `提交审核：${offerName}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: '提交审核' }).click();
    await toast(page, `已提交审核：${offerName}`);

    // The queue tells A the offer is theirs; the server refuses A's approval all the same.
    await page.getByRole('tab', { name: '待我审核' }).click();
    await offers.getByTestId('self-review').filter({ hasText: '需另一位同事审核' }).waitFor();
    assert.equal(await page.getByRole('button', { name: `通过：${offerName}` }).count(), 0, 'A has no approve button on their own offer');
    await check(page, 'offers-review-own');
    const offer = (await hall.env.s.marketing.offers.list({ status: 'pending' })).find((o) => o.names['zh-CN'] === offerName)!;
    assert.equal(offer.priceFen, 1500, 'the price typed in yuan is sent in fen');
    assert.equal(offer.validityDays, 30);
    const token = await page.evaluate('JSON.parse(localStorage.getItem("omnihall.console.session")).token') as string;
    const own = await fetch(`${hall.base}/api/v1/console/marketing/offers/${offer.id}/approve`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}',
    });
    assert.equal(own.status, 409);
    assert.equal(((await own.json()) as { code: string }).code, 'SELF_REVIEW');
    await signOut();

    // ---- B approves it ----
    await signIn('mkb');
    await go('优惠');
    await page.getByRole('tab', { name: '待我审核' }).click();
    await page.getByRole('button', { name: `通过：${offerName}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: '通过' }).click();
    await toast(page, `已通过，优惠生效：${offerName}`);
    await page.getByRole('tab', { name: '全部优惠' }).click();
    await offers.locator('tr').filter({ hasText: offerName }).getByText('生效中').waitFor();
    await check(page, 'offers');

    // ---- the explanation for 13800000001 on USSD ----
    await go('最佳优惠解释');
    await page.getByRole('searchbox', { name: '手机号码' }).fill('13800000001');
    await page.getByRole('button', { name: '搜索' }).click();
    const decision = await hall.env.s.marketing.decisions.decide((await hall.env.s.marketing.mart.byMsisdn('13800000001'))!.subscriberId, 'ussd');
    const ranked = decision.ranked.find((r) => r.offer.id === offer.id);
    const removed = decision.removed.find((r) => r.offer.id === offer.id);
    assert.ok(ranked || removed, 'the decision names the new offer');
    // Every offer that passed is on the page with its four factors and its priority.
    assert.ok(decision.ranked.length >= 1, 'the demo has an offer for 13800000001 on USSD');
    for (const r of decision.ranked) {
      const line = page.getByTestId('ranked-table').locator('tr').filter({ hasText: r.offer.names['zh-CN'] });
      await line.getByText(`${Math.round(r.factors.propensity * 100 * 10) / 10}%`).waitFor();
      await line.getByText(`× ${Math.round(r.factors.value * 100) / 100}`).waitFor();
      await line.getByText(String(Math.round(r.priority * 10_000) / 10_000), { exact: true }).waitFor();
    }
    if (ranked) {
      const line = page.getByTestId('ranked-table').locator('tr').filter({ hasText: offerName });
      await line.waitFor();
      await line.getByText(segmentName).waitFor();
      await line.getByText(`× ${Math.round(ranked.factors.value * 100) / 100}`).waitFor();
    } else {
      const line = page.getByTestId('removed-table').locator('tr').filter({ hasText: offerName });
      await line.waitFor();
      console.error(`13800000001 is outside the new offer on USSD: ${removed!.gate} ${removed!.reason}`);
    }
    await check(page, 'decisions');

    // ---- 13800000001's features ----
    await go('客户特征');
    await page.getByRole('searchbox', { name: '手机号码' }).fill('13800000001');
    await page.getByRole('button', { name: '搜索' }).click();
    const features = page.getByTestId('features');
    await features.getByText('预付费').waitFor();
    await features.getByText('广州', { exact: true }).waitFor();
    await features.getByText('¥58.00').waitFor();
    await check(page, 'features');

    // A number that is not a subscriber gets the server's answer, and nothing else changes.
    await page.getByRole('searchbox', { name: '手机号码' }).fill('12345');
    await page.getByRole('button', { name: '搜索' }).click();
    await page.getByRole('alert').filter({ hasText: '号码格式不对' }).waitFor();

    // ---- B proposes a new contact policy ----
    await go('接触策略');
    await page.getByRole('button', { name: '提议新版本' }).click();
    const propose = page.getByRole('dialog', { name: '提议新的接触策略' });
    await propose.getByLabel('短信 · 每天').fill('2');
    await propose.getByLabel('最小间隔（分钟）').fill('300');
    await check(page, 'policy-propose');
    await propose.getByRole('button', { name: '提交审核' }).click();
    await toast(page, '已提交新版本，等待他人审核');
    await page.getByTestId('policy-versions').getByText('由您提议，需另一位同事审核').waitFor();
    await signOut();

    // ---- A approves it; the policy in force is the new one ----
    await signIn('mka');
    await go('接触策略');
    await page.getByTestId('policy-versions').getByRole('button', { name: '通过' }).click();
    await toast(page, '已通过，新策略立即生效');
    await page.getByText('300 分钟', { exact: true }).waitFor();
    assert.equal((await hall.env.s.marketing.contacts.rules()).channels.sms.day, 2);
    await check(page, 'policy');

    // ---- the demo's past campaign: its call list with the three rates, and the results ----
    const rate = (x: number) => `${(Math.round(x * 1000) / 10).toFixed(1)}%`;
    const lists = await hall.env.s.marketing.callLists.list();
    assert.ok(lists.length >= 1, 'the demo has a call list');
    await go('外呼名单');
    const listRow = page.getByTestId('call-lists-table').locator('tr').filter({ hasText: lists[0]!.names['zh-CN'] });
    await listRow.getByText(`接触成功率 ${rate(lists[0]!.rates.contactRate)}`).waitFor();
    await listRow.getByText(`营销成功率 ${rate(lists[0]!.rates.salesRate)}`).waitFor();
    await listRow.getByText(`办理成功率 ${rate(lists[0]!.rates.handlingRate)}`).waitFor();
    await check(page, 'call-lists');
    await go('营销效果');
    await page.getByTestId('results-chart').locator('svg[role="img"] rect').filter({ visible: true }).first().waitFor();
    await page.getByTestId('results-table').locator('tbody tr.ant-table-row').first().waitFor();
    await check(page, 'results');
    await go('触发规则');
    await page.getByTestId('triggers-table').waitFor();
    await check(page, 'triggers');
    await go('群发');
    await page.getByTestId('broadcasts-table').waitFor();
    await check(page, 'broadcasts');

    // ---- English ----
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { level: 1, name: 'SMS broadcasts' }).waitFor();
    await page.getByRole('menuitem', { name: /(^|\s)Contact policy$/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Contact policy' }).waitFor();
    await check(page, 'policy-en');
    await page.getByRole('menuitem', { name: /(^|\s)Offers$/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Offers' }).waitFor();
    await page.getByTestId('offers-table').locator('tr').filter({ hasText: '3 GB data, special' }).getByText('Live').waitFor();
    await check(page, 'offers-en');
    await page.getByRole('menuitem', { name: /(^|\s)Segments$/ }).click();
    await page.getByRole('button', { name: 'New segment' }).click();
    await page.getByTestId('live-count').filter({ hasText: /Subscribers the rule takes: [\d,]+/ }).waitFor();
    await check(page, 'segment-builder-en');
    await page.getByRole('button', { name: '切换到中文' }).click();
    await page.getByRole('heading', { level: 1, name: '客群' }).waitFor();
    assert.deepEqual(hall.pageErrors, []);
  });
});
