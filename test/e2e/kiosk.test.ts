// The self-service kiosk in a real browser: sign in on the number pads alone, recharge through
// the confirmation and the sandbox gateway's pay page, print a receipt, and the idle reset: a countdown in the last ten seconds,
// a touch keeps the session, a minute without one forgets the subscriber. The browser's clock
// is Playwright's, moved forward by the test; nothing waits in real time.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { addSubscriber } from '../helpers.ts';
import { axeProblems, codeFromOutbox, overflowProblems, screenshot, SIZES, skipReason, startHall, type Hall } from './browser.ts';

const skip = skipReason();

/** What breaks a 1280×1024 kiosk screen: scrolling, content off centre, and touch targets under 48 px or text links. */
async function kioskProblems(page: Page): Promise<string[]> {
  return (await page.evaluate(`(() => {
    const out = [];
    const de = document.documentElement;
    if (de.scrollHeight > window.innerHeight + 1) out.push('the screen scrolls: ' + de.scrollHeight + 'px > ' + window.innerHeight + 'px');
    const main = document.querySelector('.kiosk-main').getBoundingClientRect();
    if (Math.abs(main.left - (de.clientWidth - main.right)) > 2) out.push('not centred: ' + Math.round(main.left) + ' | ' + Math.round(de.clientWidth - main.right));
    for (const el of document.querySelectorAll('a, button, input[type=radio], [role=tab]')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || el.closest('.sr-only, .skip-link')) continue;
      const name = el.tagName.toLowerCase() + ' "' + (el.textContent || '').trim().slice(0, 20) + '"';
      if (r.height < 48 && el.type !== 'radio') out.push(name + ' is ' + Math.round(r.height) + ' px high');
      if (el.tagName === 'A' && !el.classList.contains('btn') && !el.classList.contains('shortcut') && !el.classList.contains('brand')) out.push(name + ' is a text link');
    }
    if (document.querySelector('.demo-note')) out.push('the demo panel is shown');
    return out.slice(0, 10);
  })()`)) as string[];
}

/** Types digits by touching the keys of a number pad. */
async function tap(pad: Locator, digits: string): Promise<void> {
  for (const d of digits) await pad.getByRole('button', { name: d, exact: true }).click();
}

describe('self-service kiosk in a browser', { skip }, () => {
  let hall: Hall;
  let page: Page;
  let msisdn: string;
  let masked: string;

  before(async () => {
    hall = await startHall();
    msisdn = (await addSubscriber(hall.env.db, { balanceFen: 2_000 })).msisdn;
    masked = `${msisdn.slice(0, 3)}****${msisdn.slice(7)}`;
    page = await hall.context.newPage();
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.clock.install();
  });

  after(async () => {
    await hall?.close();
  });

  test('the start screen fits every size and passes axe', async () => {
    await page.goto(`${hall.base}/kiosk`);
    await page.getByRole('heading', { level: 1, name: '欢迎使用自助服务终端' }).waitFor();
    for (const size of SIZES) {
      await page.setViewportSize({ width: size.width, height: size.height });
      assert.deepEqual(await overflowProblems(page), [], `start at ${size.width}×${size.height}`);
      await screenshot(page, `kiosk-${size.name}-start`);
    }
    await page.setViewportSize({ width: 1280, height: 1024 });
    assert.deepEqual(await kioskProblems(page), [], 'start at 1280×1024');
    await screenshot(page, 'kiosk-1280-start');
    await page.setViewportSize({ width: 768, height: 1024 });
    assert.deepEqual(await axeProblems(page), [], 'kiosk start');
  });

  test('a subscriber signs in with the on-screen number pads only', async () => {
    await page.getByRole('link', { name: '点击开始' }).click();
    await page.getByRole('heading', { level: 1, name: '登录' }).waitFor();
    const number = page.getByLabel('手机号码', { exact: true });
    assert.equal(await number.getAttribute('readonly'), '', 'no on-screen keyboard pops up');
    await tap(page.getByRole('group', { name: '手机号码数字键盘' }), msisdn);
    assert.equal(await number.inputValue(), msisdn);
    assert.deepEqual(await axeProblems(page), [], 'kiosk number pad');
    for (const size of SIZES) {
      await page.setViewportSize({ width: size.width, height: size.height });
      assert.deepEqual(await overflowProblems(page), [], `number pad at ${size.width}×${size.height}`);
      await screenshot(page, `kiosk-${size.name}-login`);
    }
    await page.setViewportSize({ width: 1280, height: 1024 });
    assert.deepEqual(await kioskProblems(page), [], 'number pad at 1280×1024');
    await screenshot(page, 'kiosk-1280-login');
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.getByRole('button', { name: '获取验证码' }).click();
    // The number is masked on screen, as in the header.
    await page.getByText(`验证码已发送至 ${masked}`).waitFor();
    assert.equal(await page.getByText(msisdn).count(), 0, 'the whole number is not on screen');
    await tap(page.getByRole('group', { name: '短信验证码数字键盘' }), await codeFromOutbox(hall.base, msisdn));
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByTestId('balance').filter({ hasText: '¥20.00' }).waitFor();
    assert.deepEqual(await axeProblems(page), [], 'kiosk menu');
    await screenshot(page, 'kiosk-tablet-menu');
    await page.setViewportSize({ width: 1280, height: 1024 });
    await page.getByTestId('usage-rings').or(page.locator('.card-usage .error-box')).waitFor();
    assert.deepEqual(await kioskProblems(page), [], 'menu at 1280×1024');
    assert.equal(await page.getByText(msisdn).count(), 0, 'the whole number is not on screen');
    await screenshot(page, 'kiosk-1280-menu');
    await page.getByRole('link', { name: '订购业务' }).first().click();
    await page.getByRole('tab').first().waitFor();
    assert.deepEqual(await kioskProblems(page), [], 'packs at 1280×1024');
    await screenshot(page, 'kiosk-1280-packs');
    await page.getByRole('link', { name: '主菜单' }).click();
    await page.getByTestId('balance').waitFor();
    await page.setViewportSize({ width: 768, height: 1024 });
  });

  test('a recharge is paid on the pay page shown on the kiosk screen, credited, and prints a receipt', async () => {
    await page.getByRole('link', { name: '充值缴费' }).first().click();
    await page.getByRole('button', { name: '¥50' }).click();
    assert.equal(await page.getByRole('group', { name: '支付方式' }).getByRole('button', { name: '沙箱支付' }).getAttribute('aria-pressed'), 'true');
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('heading', { name: '请确认支付' }).waitFor();
    assert.equal((await page.locator('.quote-price').textContent())?.trim(), '¥50.00');
    await page.getByRole('button', { name: '去支付' }).click();
    // The kiosk stays on its screen (leaving it would forget the subscriber): the pay page is in a frame.
    await page.getByRole('heading', { name: '支付处理中' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/kiosk/recharge');
    await page.frameLocator('iframe[title="支付页面"]').getByRole('button', { name: '支付 Pay' }).click();
    await page.getByRole('heading', { name: /充值成功/ }).waitFor();
    await page.getByRole('button', { name: '打印凭条' }).click();
    const receipt = page.getByRole('article', { name: '业务凭条' });
    await receipt.waitFor();
    await receipt.getByText(`${msisdn.slice(0, 3)}****${msisdn.slice(7)}`).waitFor();
    await receipt.getByText('¥50.00', { exact: true }).waitFor();
    await receipt.getByText('¥50.00 已到账。').waitFor();
    await page.evaluate('window.print = () => { window.__printed = true; }');
    await page.getByRole('button', { name: '打印', exact: true }).click();
    assert.equal(await page.evaluate('window.__printed === true'), true);
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.kiosk-bar').isVisible(), false, 'the terminal frame is not printed');
    assert.equal(await receipt.isVisible(), true);
    await screenshot(page, 'kiosk-receipt-print');
    await page.emulateMedia({ media: 'screen' });
    await page.getByRole('link', { name: '完成' }).click();
    await page.getByTestId('balance').filter({ hasText: '¥70.00' }).waitFor();
  });

  test('after 50 s without a touch a countdown shows, and a touch keeps the session', async () => {
    await page.clock.fastForward(50_500);
    const dialog = page.getByRole('alertdialog', { name: '您还在吗？' });
    await dialog.waitFor();
    const left = Number(await page.getByTestId('idle-count').textContent());
    assert.ok(left > 0 && left <= 10, `the countdown shows the last ten seconds (${left})`);
    assert.deepEqual(await axeProblems(page), [], 'idle countdown');
    await screenshot(page, 'kiosk-tablet-countdown');
    await dialog.getByRole('button', { name: '继续使用' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.clock.fastForward(30_000);
    await page.getByTestId('balance').waitFor();
    assert.equal(await dialog.count(), 0, 'half a minute after a touch there is no countdown');
  });

  test('a minute without a touch returns to the start screen, in Chinese, and forgets the subscriber', async () => {
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await page.clock.fastForward(61_000);
    await page.getByRole('heading', { level: 1, name: '欢迎使用自助服务终端' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/kiosk');
    await page.getByRole('link', { name: '点击开始' }).click();
    await page.getByRole('heading', { level: 1, name: '登录' }).waitFor();
    await page.getByLabel('手机号码', { exact: true }).waitFor();
    assert.equal(await page.getByLabel('手机号码', { exact: true }).inputValue(), '', 'nothing of the last subscriber is left');
    // Half-typed numbers are forgotten too.
    await tap(page.getByRole('group', { name: '手机号码数字键盘' }), '139');
    await page.clock.fastForward(61_000);
    await page.getByRole('heading', { level: 1, name: '欢迎使用自助服务终端' }).waitFor();
    assert.deepEqual(hall.pageErrors, [], 'no uncaught errors in the pages');
  });
});
