// A one-click link in a real browser on a phone-sized screen: the text's /o/<code> opens the offer
// with no sign-in, the subscriber takes it through its quote and confirmation and is charged once;
// the same link in a new tab says it has been used, a forged one that it is not valid.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, balanceAndLedger } from '../helpers.ts';
import { createStaffUser } from '../../src/modules/staff/index.ts';
import type { Actor } from '../../src/platform/audit.ts';
import { axeProblems, skipReason, startHall, type Hall } from './browser.ts';

const skip = skipReason();

describe('a one-click offer link in the mobile hall', { skip }, () => {
  let hall: Hall;
  let sub: { id: number; msisdn: string };
  let code: string;

  before(async () => {
    hall = await startHall();
    const { env } = hall;
    const m = env.s.marketing;
    const a: Actor = { id: await createStaffUser(env.db, { username: 'lk1', displayName: 'lk1', password: 'correct horse battery', roles: ['marketing'] }), name: 'lk1', roles: ['marketing'] };
    const b: Actor = { id: await createStaffUser(env.db, { username: 'lk2', displayName: 'lk2', password: 'correct horse battery', roles: ['marketing'] }), name: 'lk2', roles: ['marketing'] };
    sub = await addSubscriber(env.db, { planId: 'PLAN-4G-58' });
    await m.mart.refreshAll();
    const o = await m.offers.create(a, {
      offeringId: 'VAS-139MAIL', nameZh: '139邮箱首月1元', nameEn: '139 Mail for ¥1', pitchZh: '大附件、免打扰，首月仅1元', pitchEn: '¥1 the first month',
      priceFen: 100, budget: 10, marginFen: 200, startsAt: '2026-11-01T00:00:00Z', endsAt: '2026-12-31T00:00:00Z',
    });
    await m.offers.submit(a, o.id);
    await m.offers.review(b, o.id, { approve: true });
    m.decisions.invalidate();
    code = (await m.links.mint(o.id, sub.id, 'sms')).code;
  });
  after(async () => { await hall?.close(); });

  test('opened from the text, taken through its confirmation, charged once; used and forged links told apart', async () => {
    const page = await hall.context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${hall.base}/o/${code}`);
    const offer = page.getByTestId('link-offer');
    await offer.waitFor();
    assert.match(await offer.innerText(), /139邮箱首月1元/);
    assert.match(await offer.innerText(), /¥1\.00/);
    assert.deepEqual(await axeProblems(page), []);
    const before = await balanceAndLedger(hall.env.db, sub.id);
    await page.getByRole('button', { name: '立即办理' }).click();
    const quote = page.getByTestId('link-quote');
    await quote.waitFor();
    assert.match(await quote.innerText(), /139邮箱首月1元/);
    await page.getByRole('button', { name: '确认办理' }).click();
    await page.getByTestId('link-done').waitFor();
    assert.match(await page.getByTestId('link-done').innerText(), /已办理/);
    const afterIt = await balanceAndLedger(hall.env.db, sub.id);
    assert.equal(afterIt.balanceFen, before.balanceFen - 100);
    assert.equal(afterIt.balanceFen, afterIt.ledgerFen);

    const again = await hall.context.newPage();
    await again.goto(`${hall.base}/o/${code}`);
    await again.getByRole('alert').filter({ hasText: '链接已使用过' }).waitFor();
    await again.getByRole('link', { name: '登录营业厅' }).waitFor();
    const forged = await hall.context.newPage();
    await forged.goto(`${hall.base}/o/AAAAAAAAAAAAAAAA`);
    await forged.getByRole('alert').filter({ hasText: '链接无效' }).waitFor();
    assert.deepEqual(hall.pageErrors, []);
  });
});
