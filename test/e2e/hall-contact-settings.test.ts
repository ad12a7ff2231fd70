// 营销信息设置 on 我的 in a real browser at phone size: a subscriber turns off marketing calls, then
// all marketing; each switch is saved at once, survives a reload, and the contact policy then
// suppresses offers there (bills still arrive).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber } from '../helpers.ts';
import { axeProblems, codeFromOutbox, screenshot, skipReason, startHall, type Hall } from './browser.ts';

const skip = skipReason();

describe('marketing settings in the mobile hall', { skip }, () => {
  let hall: Hall;
  before(async () => { hall = await startHall(); });
  after(async () => { await hall?.close(); });

  test('calls off, then everything off; saved, kept after a reload, and obeyed by the contact policy', async () => {
    const sub = await addSubscriber(hall.env.db);
    const page = await hall.context.newPage();
    await page.setViewportSize({ width: 360, height: 640 });
    await page.goto(hall.base);
    await page.getByLabel('手机号码').fill(sub.msisdn);
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByText(`验证码已发送至 ${sub.msisdn}`).waitFor();
    await page.getByLabel('短信验证码').fill(await codeFromOutbox(hall.base, sub.msisdn));
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: '首页' }).waitFor();
    await page.goto(`${hall.base}/me`);
    const settings = page.getByTestId('contact-settings');
    await settings.waitFor();
    const calls = page.getByRole('checkbox', { name: /营销电话/ });
    assert.equal(await calls.isChecked(), true);
    await calls.uncheck();
    await page.getByRole('status').filter({ hasText: '已保存' }).waitFor();
    const policy = hall.env.s.marketing.contacts;
    const rule = async (channel: 'sms' | 'call', kind: 'marketing' | 'service' = 'marketing') => {
      const d = await policy.request(hall.env.db, { subscriberId: sub.id, channel, kind, purpose: kind === 'service' ? 'bill' : 'offer:1' });
      return d.outcome === 'suppress' ? d.rule : d.outcome;
    };
    assert.equal(await rule('call'), 'OPT_OUT_CHANNEL');

    await page.reload();
    await settings.waitFor();
    assert.equal(await page.getByRole('checkbox', { name: /营销电话/ }).isChecked(), false, 'kept after a reload');
    await page.getByRole('checkbox', { name: /不接收任何营销信息/ }).check();
    await page.getByRole('status').filter({ hasText: '已保存' }).waitFor();
    assert.equal(await page.getByRole('checkbox', { name: /营销短信/ }).isDisabled(), true, 'one switch for all while all is off');
    assert.equal(await rule('sms'), 'OPT_OUT');
    assert.equal(await rule('sms', 'service'), 'send', 'a bill still arrives');
    assert.deepEqual(await axeProblems(page), []);
    await screenshot(page, 'hall-zh-phone-contact-settings');
    assert.deepEqual(hall.pageErrors, []);
  });
});
