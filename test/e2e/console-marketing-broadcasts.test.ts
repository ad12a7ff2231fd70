// Writing an SMS broadcast in the console, in a real browser at 1440×900 on the demo operator:
// marketer A opens 新建群发, is told what is missing when saving an empty form (nothing is saved),
// writes the text with a variable inserted by its button and one typed wrong, and sees under it,
// as typed, the server's own check: the text with sample values, UCS-2 and its length against 70
// and its parts (the same numbers the server gives for that text), the unknown variable and a
// sensitive word approval would refuse. A rate above the SMS centre's is refused at its field and
// nothing is saved; the text is seen as 13800000001 would get it; the draft is saved, edited and
// submitted; marketer B approves it. The form is checked with axe and photographed, in English too.
// A segment of nobody is warned of beside it: its draft saves, and submitting it is refused at the segment.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { axeProblems, overflowProblems, screenshot, skipReason, type Hall } from './browser.ts';
import { addStaff, choose, consoleSignIn, consoleSignOut, startMarketingHall, toast } from './staff.ts';

const skip = skipReason();

describe('staff console: writing an SMS broadcast in a browser', { skip }, () => {
  let hall: Hall;

  before(async () => {
    hall = await startMarketingHall({ subscribers: 200 });
    await addStaff(hall.env, 'bca', ['marketing'], '营销专员甲');
    await addStaff(hall.env, 'bcb', ['marketing'], '营销专员乙');
  });

  after(async () => {
    await hall?.close();
  });

  const broadcasts = async () => (await hall.env.s.broadcasts.list({})).filter((b) => b.kind === 'campaign');

  async function check(page: Page, name: string): Promise<void> {
    // The dialog's fade must have finished: half-faded text fails axe's contrast check.
    await page.locator('.ant-modal-wrap .ant-zoom-appear, .ant-modal-wrap .ant-zoom-enter').waitFor({ state: 'detached' });
    assert.deepEqual(await axeProblems(page, ['.ant-message']), [], `${name}: accessibility`);
    assert.deepEqual(await overflowProblems(page), [], `${name}: sideways overflow`);
    await screenshot(page, `console-marketing-${name}`);
  }

  test('a marketer writes a broadcast with its length and parts checked as typed; a colleague approves it', async (t) => {
    const page = await hall.context.newPage();
    page.setDefaultTimeout(45_000);
    t.after(() => page.close().catch(() => undefined));
    await page.goto(`${hall.base}/favicon.svg`);
    await page.evaluate('localStorage.clear(); sessionStorage.clear()');
    const before = (await broadcasts()).length;

    await consoleSignIn(page, hall.base, 'bca');
    await page.getByRole('menuitem', { name: /(^|\s)群发$/ }).click();
    await page.getByRole('heading', { level: 1, name: '群发短信' }).waitFor();
    await page.getByRole('button', { name: '新建群发' }).click();
    const dialog = page.getByRole('dialog', { name: '新建群发' });
    await dialog.getByText(/不超过与短信中心约定的 \d+ 条\/秒/).waitFor();

    // Saving an empty form says what is missing and saves nothing.
    await dialog.getByRole('button', { name: '保存' }).click();
    await dialog.getByText('请选择客群').waitFor();
    await dialog.getByText('请填写短信内容').waitFor();
    assert.equal((await broadcasts()).length, before, 'an empty form saves nothing');

    await dialog.getByLabel('中文名称').fill('广州预付费流量月末提醒');
    await dialog.getByLabel('英文名称').fill('Guangzhou prepaid: month-end data');
    await choose(page, dialog, '客群', '广州预付费用户', '广州预付费');
    assert.equal(await dialog.getByTestId('segment-empty').count(), 0, 'a segment with members is not warned of');
    await choose(page, dialog, '优惠', '1GB流量包半价', '1GB');

    // The name goes in by its button, at the caret; the rest is typed, a variable misspelt.
    const zh = dialog.getByRole('textbox', { name: '短信内容（中文）', exact: true });
    await zh.fill('尊敬的，本月流量即将用尽：{offer}仅需{pirce}，{expires}前有效。回复TD退订');
    await zh.focus();
    await zh.press('Home');
    for (let i = 0; i < 3; i++) await zh.press('ArrowRight');
    await dialog.getByRole('group', { name: '在“短信内容（中文）”中插入变量' }).getByRole('button', { name: '{name} 客户姓名' }).click();
    assert.equal(await zh.inputValue(), '尊敬的{name}，本月流量即将用尽：{offer}仅需{pirce}，{expires}前有效。回复TD退订');
    const checkZh = dialog.getByTestId('check-zh');
    await checkZh.getByText('未知变量 {pirce}').waitFor();

    await zh.fill('尊敬的{name}，本月流量即将用尽：{offer}仅需{price}，{expires}前有效。回复TD退订');
    await checkZh.getByText('未知变量').waitFor({ state: 'detached' });
    // The numbers shown are the server's own for the text with sample values (UCS-2: 70 in one part).
    const offer = (await hall.env.s.marketing.offers.list({})).find((o) => o.names['zh-CN'] === '1GB流量包半价')!;
    const answer = await hall.env.s.broadcasts.preview({ template: await zh.inputValue(), offerId: offer.id, lang: 'zh-CN' });
    const m = answer.measure;
    assert.equal(m.encoding, 'ucs2');
    await dialog.getByTestId('check-zh-measure').filter({ hasText: `UCS-2 · ${m.length}/${m.perPart} 字符 · 共 ${m.parts} 条 · 本条还可写 ${m.remaining} 字符` }).waitFor();
    await checkZh.getByText(answer.sample).waitFor();

    // Longer than one part: 67 a part then.
    await zh.fill(`${await zh.inputValue()}${'详情请登录网上营业厅或拨打10086咨询，感谢您的支持。'.repeat(2)}`);
    const long = await hall.env.s.broadcasts.preview({ template: await zh.inputValue(), offerId: offer.id, lang: 'zh-CN' });
    assert.ok(long.measure.parts >= 2, 'the longer text takes more than one part');
    await dialog.getByTestId('check-zh-measure').filter({ hasText: `${long.measure.length}/67 字符 · 共 ${long.measure.parts} 条` }).waitFor();

    // A sensitive word is named before approval would refuse it.
    await zh.fill('尊敬的{name}，{offer}仅需{price}，史上最低！回复TD退订');
    await checkZh.getByText(/含有敏感词/).waitFor();
    await zh.fill('尊敬的{name}，{offer}仅需{price}，{expires}前有效。回复TD退订');
    await checkZh.getByText(/含有敏感词/).waitFor({ state: 'detached' });

    // English for subscribers who chose it: GSM-7, 160 in one part.
    const en = dialog.getByRole('textbox', { name: /^短信内容（英文）/ });
    await en.fill('Dear {name}, {offer} for just {price} until {expires}. Reply TD to opt out');
    const enAnswer = await hall.env.s.broadcasts.preview({ template: await en.inputValue(), offerId: offer.id, lang: 'en' });
    assert.equal(enAnswer.measure.encoding, 'gsm7');
    await dialog.getByTestId('check-en-measure').filter({ hasText: `GSM-7 · ${enAnswer.measure.length}/160 字符 · 共 1 条` }).waitFor();

    // As 13800000001 gets it: their name in it, their number masked.
    await dialog.getByLabel('客户手机号码').fill('13800000001');
    await dialog.getByRole('button', { name: '试看' }).click();
    const tried = dialog.getByTestId('try-result');
    await tried.getByText(/138\*{4}0001/).waitFor();
    const sub = await hall.env.s.subscribers.byMsisdn('13800000001');
    const { name } = (await hall.env.s.subscribers.contactDetails([sub!.id]))[0]!;
    assert.ok((await tried.innerText()).includes(`尊敬的${name}`), 'the subscriber’s own name is in the text');

    // A rate above the SMS centre's is refused by the server at its field; nothing is saved.
    const maxRate = hall.env.s.broadcasts.maxRate;
    await dialog.getByLabel('发送速率（条/秒）').fill(String(maxRate + 1));
    await dialog.getByRole('button', { name: '保存' }).click();
    await dialog.getByText(`不能超过与短信中心约定的 ${maxRate} 条/秒`).waitFor();
    assert.equal((await broadcasts()).length, before, 'a refused broadcast saves nothing');
    await dialog.getByLabel('发送速率（条/秒）').fill(String(Math.min(50, maxRate)));
    await check(page, 'broadcast-form');

    await dialog.getByRole('button', { name: '保存' }).click();
    await toast(page, '已保存群发“广州预付费流量月末提醒”');
    await dialog.waitFor({ state: 'detached' });
    const saved = (await broadcasts()).find((b) => b.names['zh-CN'] === '广州预付费流量月末提醒')!;
    assert.equal(saved.status, 'draft');
    assert.equal(saved.offerId, offer.id);
    assert.equal(saved.template.en, 'Dear {name}, {offer} for just {price} until {expires}. Reply TD to opt out');
    assert.equal(saved.rate, Math.min(50, maxRate));

    // Edited: the form opens with what was saved.
    const row = page.getByTestId('broadcasts-table').locator('tr').filter({ hasText: '广州预付费流量月末提醒' });
    await row.getByText('草稿').waitFor();
    await row.getByRole('button', { name: '编辑：广州预付费流量月末提醒' }).click();
    const edit = page.getByRole('dialog', { name: '编辑群发' });
    assert.equal(await edit.getByRole('textbox', { name: '短信内容（中文）', exact: true }).inputValue(), saved.template['zh-CN']);
    await edit.getByLabel('发送速率（条/秒）').fill('20');
    await edit.getByRole('button', { name: '保存' }).click();
    await toast(page, '已保存群发“广州预付费流量月末提醒”');
    await edit.waitFor({ state: 'detached' });
    assert.equal((await hall.env.s.broadcasts.view(saved.id)).rate, 20);

    await row.getByRole('button', { name: '提交审核：广州预付费流量月末提醒' }).click();
    await row.getByText('待审核').waitFor();
    await consoleSignOut(page);

    // ---- B approves it ----
    await consoleSignIn(page, hall.base, 'bcb');
    await page.getByRole('menuitem', { name: /(^|\s)群发$/ }).click();
    await row.getByRole('button', { name: '通过：广州预付费流量月末提醒' }).click();
    await row.getByText('已通过').waitFor();
    assert.equal((await hall.env.s.broadcasts.view(saved.id)).status, 'approved');

    // ---- English ----
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { level: 1, name: 'SMS broadcasts' }).waitFor();
    await page.getByRole('button', { name: 'New broadcast' }).click();
    const enDialog = page.getByRole('dialog', { name: 'New broadcast' });
    await enDialog.getByRole('textbox', { name: 'Text (Chinese)', exact: true }).fill('您好{name}，本月流量即将用尽。');
    const enCheck = await hall.env.s.broadcasts.preview({ template: '您好{name}，本月流量即将用尽。', lang: 'zh-CN' });
    await enDialog.getByTestId('check-zh-measure').filter({ hasText: `UCS-2 · ${enCheck.measure.length}/70 characters · 1 part(s)` }).waitFor();
    await check(page, 'broadcast-form-en');
    await enDialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: '切换到中文' }).click();
    await page.getByRole('heading', { level: 1, name: '群发短信' }).waitFor();
    assert.deepEqual(hall.pageErrors, []);
  });

  test('a segment of nobody is warned of beside it; its draft saves; submitting it is refused at the segment', async (t) => {
    const page = await hall.context.newPage();
    page.setDefaultTimeout(45_000);
    t.after(() => page.close().catch(() => undefined));
    await page.goto(`${hall.base}/favicon.svg`);
    await page.evaluate('localStorage.clear(); sessionStorage.clear()');
    const me = await hall.env.db.selectFrom('staffUser').select('id').where('username', '=', 'bca').executeTakeFirstOrThrow();
    await hall.env.s.marketing.segments.create({ id: me.id, name: '营销专员甲', roles: ['marketing'] }, { nameZh: '余额过千万的用户', nameEn: 'Balance above 10 million', rule: { feature: 'balanceFen', op: 'gt', value: 1_000_000_000 } });

    await consoleSignIn(page, hall.base, 'bca');
    await page.getByRole('menuitem', { name: /(^|\s)群发$/ }).click();
    await page.getByRole('button', { name: '新建群发' }).click();
    const dialog = page.getByRole('dialog', { name: '新建群发' });
    await dialog.getByLabel('中文名称').fill('余额过千万关怀');
    await dialog.getByLabel('英文名称').fill('Care for the very rich');
    await choose(page, dialog, '客群', '余额过千万的用户', '余额过千万');
    await dialog.getByTestId('segment-empty').filter({ hasText: '该客群目前没有成员：可以保存草稿，但提交审核会被拒绝' }).waitFor();
    await dialog.getByRole('textbox', { name: '短信内容（中文）', exact: true }).fill('尊敬的{name}，感谢您的支持。回复TD退订');
    await dialog.getByRole('button', { name: '保存' }).click();
    await toast(page, '已保存群发“余额过千万关怀”');
    await dialog.waitFor({ state: 'detached' });

    const row = page.getByTestId('broadcasts-table').locator('tr').filter({ hasText: '余额过千万关怀' });
    await row.getByRole('button', { name: '提交审核：余额过千万关怀' }).click();
    const edit = page.getByRole('dialog', { name: '编辑群发' });
    await edit.getByText(/^该客群目前没有成员，不能提交审核/).waitFor();
    const saved = (await broadcasts()).find((b) => b.names['zh-CN'] === '余额过千万关怀')!;
    assert.equal(saved.status, 'draft', 'not submitted');
    await edit.getByRole('button', { name: '取消' }).click();
    assert.deepEqual(hall.pageErrors, []);
  });
});

