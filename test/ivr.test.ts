// The IVR end to end: VoiceXML documents from the same menu, DTMF steps back to omnihall, spoken
// money, confirmation, transfer to an agent, re-prompts, and polite refusals.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spoken, spokenMoney, spokenMoneyEn } from '../src/channels/ivr/speech.ts';
import { addSubscriber, balanceAndLedger, startTestEnv, type TestEnv } from './helpers.ts';
import { checkVxml, docVar, mainPrompt, prompts, type ParsedVxml } from './vxml-check.ts';

let env: TestEnv;
before(async () => {
  env = await startTestEnv();
});
after(async () => {
  await env.close();
});

async function fetchDoc(url: string): Promise<{ doc: ParsedVxml; body: string }> {
  const r = await env.app.inject({ method: 'GET', url });
  assert.equal(r.statusCode, 200, r.body);
  assert.match(String(r.headers['content-type']), /^application\/voicexml\+xml/);
  return { doc: checkVxml(r.body), body: r.body };
}

/** One call: the root document, then each DTMF answer submitted the way the document says. */
class Call {
  doc!: ParsedVxml;
  body = '';
  constructor(readonly caller: string) {}

  async dial(): Promise<string> {
    ({ doc: this.doc, body: this.body } = await fetchDoc(`/channels/ivr/vxml?caller=${encodeURIComponent(this.caller)}`));
    return mainPrompt(this.doc);
  }

  stepUrl(digits: string): string {
    const submit = this.doc.elements.find((e) => e.name === 'submit');
    assert.ok(submit, 'the document submits its answer');
    assert.equal(submit.attrs.namelist, 'call h caller d');
    const q = new URLSearchParams({ call: docVar(this.doc, 'call'), h: docVar(this.doc, 'h'), caller: docVar(this.doc, 'caller'), d: digits });
    return `${submit.attrs.next}?${q.toString()}`;
  }

  /** Presses keys (a platform hands the field's utterance over as `d`). */
  async press(digits: string): Promise<string> {
    ({ doc: this.doc, body: this.body } = await fetchDoc(this.stepUrl(digits)));
    return mainPrompt(this.doc);
  }

  /** The key the current prompt names for an option. */
  keyFor(label: string): string {
    const m = new RegExp(`${label}[^；。]*?请按(\\d)`).exec(mainPrompt(this.doc));
    assert.ok(m, `"${label}" in: ${mainPrompt(this.doc)}`);
    return m[1]!;
  }

  /** Presses 9 until the option is on the page, then its key. */
  async choose(label: string): Promise<string> {
    while (!mainPrompt(this.doc).includes(label)) {
      assert.match(mainPrompt(this.doc), /更多选项请按9/, `"${label}" is on a later page`);
      await this.press('9');
    }
    return this.press(this.keyFor(label));
  }
}

async function newCall(balanceFen = 10_000): Promise<{ call: Call; id: number; msisdn: string }> {
  const sub = await addSubscriber(env.db, { balanceFen });
  const call = new Call(`+86${sub.msisdn}`);
  await call.dial();
  return { call, id: sub.id, msisdn: sub.msisdn };
}

describe('speech', () => {
  test('money is read as yuan, jiao and fen', () => {
    assert.equal(spokenMoney(12345), '123元4角5分');
    assert.equal(spokenMoney(12340), '123元4角');
    assert.equal(spokenMoney(12305), '123元零5分');
    assert.equal(spokenMoney(12300), '123元');
    assert.equal(spokenMoney(50), '5角');
    assert.equal(spokenMoney(0), '0元');
    assert.equal(spokenMoney(-1230), '负12元3角');
    assert.equal(spoken('余额为123.45元，欠费-0.05元，流量1.5GB'), '余额为123元4角5分，欠费负5分，流量1.5GB');
  });

  test('in English, money is read as yuan and fen, never as yen or a decimal point', () => {
    assert.equal(spokenMoneyEn(12345), '123 yuan 45 fen');
    assert.equal(spokenMoneyEn(12300), '123 yuan');
    assert.equal(spokenMoneyEn(5), '5 fen');
    assert.equal(spokenMoneyEn(-500), 'minus 5 yuan');
    assert.equal(spoken('Your balance is ¥123.45; owed -¥0.05; a ¥10 pack', 'en'), 'Your balance is 123 yuan 45 fen; owed minus 5 fen; a 10 yuan pack');
    assert.equal(spoken('Your number 13800000001', 'en'), 'Your number 1 3 8 0 0 0 0 0 0 0 1', 'a number digit by digit');
    assert.equal(spoken('您的号码139****0003当前已欠费110.50元'), '您的号码尾号0 0 0 3当前已欠费110元5角', 'a masked number by its last four digits, 欠费 without a minus');
    assert.equal(spoken('Your number 139****0003 owes ¥110.50', 'en'), 'Your number ending 0 0 0 3 owes 110 yuan 50 fen');
    assert.equal(spoken('您可订购：\n【流量】\n1GB流量日包：3.00元。\n【增值】\n来电提醒：2.00元/月。'), '您可订购： 流量：1GB流量日包：3元。 增值：来电提醒：2元每月。');
    assert.equal(spoken('号码13800000001余额为5.00元'), '号码1 3 8 0 0 0 0 0 0 0 1余额为5元');
    assert.equal(spoken('彩铃 5元/月'), '彩铃 5元每月');
    assert.equal(spoken('Ring-back tone ¥5/month', 'en'), 'Ring-back tone 5 yuan a month');
  });
});

/** The language a document is spoken in. */
function docLang(doc: ParsedVxml): string | undefined {
  return doc.elements.find((e) => e.name === 'vxml')?.attrs['xml:lang'];
}

describe('calls', () => {
  test('the root greets a subscriber with the home menu, 0 for an agent, and re-prompts', async () => {
    const sub = await addSubscriber(env.db);
    const call = new Call(sub.msisdn);
    const say = await call.dial();
    assert.match(say, /^您好，欢迎致电/);
    assert.match(say, /话费余额查询，请按1/);
    assert.match(say, /更多选项请按9/);
    assert.match(say, /人工服务请按0/);
    const field = call.doc.elements.find((e) => e.name === 'field');
    assert.ok(field);
    assert.ok(call.doc.elements.some((e) => e.name === 'grammar' && e.attrs.mode === 'dtmf'), 'an inline DTMF grammar');
    const transfer = call.doc.elements.find((e) => e.name === 'transfer');
    assert.equal(transfer?.attrs.dest, 'tel:10086');
    // Every page of the home menu, read out: the mall (listed for USSD and SMS only) is not on it.
    const pages = [say];
    while (/更多选项请按9/.test(pages.at(-1)!) && pages.length < 10) pages.push(await call.press('9'));
    assert.ok(pages.some((p) => /充值缴费/.test(p)), `the pages read out: ${pages.join(' / ')}`);
    assert.ok(!pages.some((p) => /商城/.test(p)), `no 商城 on the voice menu: ${pages.join(' / ')}`);
  });

  test('balance is read out in yuan, jiao and fen', async () => {
    const { call } = await newCall(12_345);
    const say = await call.choose('话费余额查询');
    assert.match(say, /余额为123元4角5分/);
    assert.match(say, /重听请按1，返回主菜单请按2/);
    assert.match(await call.press('1'), /余额为123元4角5分/, '1 repeats it');
    assert.match(await call.press('2'), /请选择业务/);
  });

  test('recharge: yuan typed with #, a press-1 confirmation, charged once even when the step is fetched twice', async () => {
    const { call, id } = await newCall(0);
    const ask = await call.choose('充值缴费');
    assert.match(ask, /请输入金额/);
    assert.match(ask, /输入完毕请按井号键/);
    assert.equal(call.doc.elements.find((e) => e.name === 'property' && e.attrs.name === 'termchar')?.attrs.value, '#');
    const quote = await call.press('5 0');
    assert.match(quote, /充值50元/);
    assert.match(quote, /确认办理，请按1/);
    assert.equal((await balanceAndLedger(env.db, id)).balanceFen, 0, 'nothing before the confirmation');
    const url = call.stepUrl('1');
    const [a, b] = await Promise.all([fetchDoc(url), fetchDoc(url)]);
    const again = await fetchDoc(url);
    assert.equal(a.body, b.body);
    assert.equal(again.body, a.body);
    assert.match(mainPrompt(a.doc), /您已成功充值50元，当前余额50元/);
    assert.equal((await balanceAndLedger(env.db, id)).balanceFen, 5000);
    const recharges = await env.db.selectFrom('ledgerEntry as l').innerJoin('account as a', 'a.id', 'l.accountId')
      .select('l.amountFen').where('a.subscriberId', '=', id).where('l.kind', '=', 'recharge').execute();
    assert.deepEqual(recharges.map((r) => r.amountFen), [5000]);
  });

  test('a pack is chosen from the list read out by name and price, then confirmed', async () => {
    const { call, id } = await newCall(10_000);
    const list = await call.choose('订购业务');
    const m = /^订购业务：请选择。(.+?) (\d+)元(?:每月)?，请按1/.exec(list);
    assert.ok(m, list);
    await call.press('1');
    assert.match(mainPrompt(call.doc), /扣费/);
    const done = await call.press('1');
    assert.match(done, new RegExp(`已成功订购${m[1]}`));
    assert.equal((await balanceAndLedger(env.db, id)).balanceFen, 10_000 - Number(m[2]) * 100);
    await env.s.interactions.flush();
    const rows = await env.db.selectFrom('interaction').select(['channel', 'businessId', 'outcome']).where('subscriberId', '=', id).orderBy('id').execute();
    assert.deepEqual(rows.map((r) => `${r.channel} ${r.businessId} ${r.outcome}`), [
      'ivr packs.list ok', 'ivr pack.subscribe confirmation_required', 'ivr pack.subscribe ok',
    ]);
  });

  test('the main menu offers English in English; * there switches the call to English and back', async () => {
    const { call } = await newCall(12_345);
    assert.equal(docLang(call.doc), 'zh-CN');
    const other = call.doc.elements.filter((e) => e.name === 'prompt' && e.attrs['xml:lang'] === 'en-US');
    assert.deepEqual(other.map((e) => e.text), ['For English, press star.']);
    const en = await call.press('*');
    assert.equal(docLang(call.doc), 'en-US');
    assert.match(en, /^Choose a service\./u);
    assert.match(en, /For Balance, press 1; for Usage, press 2/u);
    assert.match(en, /For more options, press 9\./u);
    assert.match(en, /To speak to an agent, press 0\./u);
    assert.doesNotMatch(en, /[\u4e00-\u9fff]/u, 'no Chinese in the English prompt');
    assert.equal(call.doc.elements.find((e) => e.name === 'prompt' && e.attrs['xml:lang'] === 'zh-CN')?.text, '中文服务请按星号键。');
    const balance = await call.press('1');
    assert.match(balance, /123 yuan 45 fen/u);
    assert.match(balance, /To hear this again, press 1\. For the main menu, press 2\./u);
    assert.match(prompts(call.doc), /Connecting you to an agent/u, 'the transfer is announced in English too');
    await call.press('2');
    assert.match(await call.press('*'), /^请选择业务/u);
    assert.equal(docLang(call.doc), 'zh-CN');
  });

  test('a subscriber whose language is English is answered in English from the first word', async () => {
    const sub = await addSubscriber(env.db);
    await env.db.updateTable('subscriber').set({ language: 'en' }).where('id', '=', sub.id).execute();
    const call = new Call(sub.msisdn);
    assert.match(await call.dial(), /^Welcome to the self-service line\./u);
    assert.equal(docLang(call.doc), 'en-US');
    const more = await call.press('9');
    const key = /[Ff]or Recharge, press (\d)/u.exec(more)?.[1];
    assert.ok(key, more);
    const ask = await call.press(key);
    assert.match(ask, /Press the pound key when you are done\./u);
    assert.doesNotMatch(prompts(call.doc), /[\u4e00-\u9fff]/u, 'no Chinese anywhere in the document');
  });

  test('* goes back; 0 goes by omnihall to an agent, and every transfer is counted', async () => {
    const { call, id } = await newCall();
    await call.choose('订购业务');
    assert.match(await call.press('*'), /^请选择业务/);
    const { doc } = await fetchDoc(call.stepUrl('0'));
    assert.ok(doc.elements.some((e) => e.name === 'transfer' && e.attrs.dest === 'tel:10086'));
    assert.match(prompts(doc), /转接人工服务/);
    await fetchDoc(call.stepUrl('0')); // the platform fetches the same step again: counted once
    // A third wrong key on the main menu goes the same way (another call).
    const { call: other, id: otherId } = await newCall();
    const third = other.doc.elements.find((e) => e.name === 'nomatch' && e.attrs.count === '3');
    const next = other.doc.elements[other.doc.elements.indexOf(third!) + 1];
    assert.equal(next?.name, 'goto');
    assert.match(next?.attrs.next ?? '', /go=agent/);
    const { doc: viaNomatch } = await fetchDoc(next!.attrs.next!);
    assert.ok(viaNomatch.elements.some((e) => e.name === 'transfer'));
    await env.s.interactions.flush();
    const rows = await env.db.selectFrom('interaction').select(['subscriberId', 'channel']).where('subscriberId', 'in', [id, otherId]).where('businessId', '=', 'agent.transfer').orderBy('id').execute();
    assert.deepEqual(rows.map((r) => [r.subscriberId, r.channel]), [[id, 'ivr'], [otherId, 'ivr']], 'one row per transfer, the re-fetch not counted');
    const metrics = await env.app.inject({ method: 'GET', url: '/metrics' });
    assert.match(metrics.body, /omnihall_business_calls_total\{channel="ivr",business="agent.transfer",outcome="ok",code=""\} \d+/);
  });

  test('the transfer number comes from the config when the operator sets one', async () => {
    const saved = env.s.config;
    const configured = { ...saved, ivrTransferNumber: '4008123123' };
    const { buildApp } = await import('../src/app.ts');
    const app = await buildApp({ ...env.s, config: configured });
    try {
      const sub = await addSubscriber(env.db);
      const r = await app.inject({ method: 'GET', url: `/channels/ivr/vxml?caller=${sub.msisdn}` });
      const doc = checkVxml(r.body);
      assert.equal(doc.elements.find((e) => e.name === 'transfer')?.attrs.dest, 'tel:4008123123');
    } finally {
      await app.close();
    }
  });
});

describe('bad input', () => {
  test('no match re-prompts once, then goes back to the main menu', async () => {
    const { call } = await newCall();
    await call.choose('订购业务');
    const nomatch = call.doc.elements.filter((e) => e.name === 'nomatch');
    assert.deepEqual(nomatch.map((e) => e.attrs.count), ['1', '2']);
    const i = call.doc.elements.indexOf(nomatch[0]!);
    assert.equal(call.doc.elements[i + 2]?.name, 'reprompt', 'count 1: a notice, then the prompt again');
    const home = call.doc.elements[call.doc.elements.indexOf(nomatch[1]!) + 1];
    assert.equal(home?.name, 'goto');
    const { doc } = await fetchDoc(home.attrs.next!);
    assert.match(mainPrompt(doc), /^请选择业务/);
    assert.ok(call.doc.elements.some((e) => e.name === 'noinput' && e.attrs.count === '1'));
  });

  test('digits that match nothing on the page are answered with the same menu and a notice', async () => {
    const { call } = await newCall();
    const home = mainPrompt(call.doc).replace(/^您好，欢迎致电自助服务热线。/, '');
    for (const d of ['77', '', '1'.repeat(200), '#*#']) {
      assert.equal(await call.press(d), `选项无效，请重选。${home}`, `digits ${JSON.stringify(d)}`);
    }
  });

  test('an amount the business refuses is asked again', async () => {
    const { call, id } = await newCall(0);
    const ask = await call.choose('充值缴费');
    assert.equal(await call.press('99999'), `输入有误，请重输。${ask}`);
    assert.equal((await balanceAndLedger(env.db, id)).balanceFen, 0);
  });

  test('a number that is not a subscriber hears a polite refusal and the call ends', async () => {
    for (const caller of ['13012345678', 'tel:+8613012345678', 'anonymous', '']) {
      const { doc } = await fetchDoc(`/channels/ivr/vxml?caller=${encodeURIComponent(caller)}`);
      assert.match(prompts(doc), /仅限本网用户/);
      const en = doc.elements.find((e) => e.name === 'prompt' && e.attrs['xml:lang'] === 'en-US');
      assert.match(en?.text ?? '', /for our subscribers only/u, 'then in English, for a caller whose language is not known');
      assert.ok(doc.elements.some((e) => e.name === 'disconnect'));
    }
  });

  test('a malformed request is still a spoken document, never problem JSON', async () => {
    for (const url of [`/channels/ivr/vxml?caller=${'1'.repeat(100)}`, `/channels/ivr/vxml/step?call=${'x'.repeat(100)}&d=1`]) {
      const { doc } = await fetchDoc(url);
      assert.match(prompts(doc), /请求无效/);
    }
  });

  test('an unknown or expired call id starts the caller again at home', async () => {
    const sub = await addSubscriber(env.db);
    const { doc } = await fetchDoc(`/channels/ivr/vxml/step?call=gone&h=4&caller=${sub.msisdn}&d=1`);
    assert.match(mainPrompt(doc), /请选择业务/);
    const { call } = await newCall();
    await call.choose('订购业务');
    env.clock.advance(601_000);
    assert.match(await call.press('1'), /请选择业务/);
  });
});
