// The USSD hall end to end over its Africa's Talking callback: the menu from the registry, paging,
// confirmation, retries that charge once, and clear answers to every kind of bad input.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { measure } from '../src/channels/ussd/render.ts';
import { addSubscriber, balanceAndLedger, startTestEnv, type TestEnv } from './helpers.ts';

let env: TestEnv;
/** Every home menu line across its pages, read once by paging through like a subscriber. */
let homeLines: string[] = [];
before(async () => {
  env = await startTestEnv();
  const sub = await addSubscriber(env.db);
  const d = new Dialogue(sub.msisdn);
  let r = await d.send();
  homeLines = r.screen.split('\n');
  while (/98下页/.test(r.screen)) {
    r = await d.send('98');
    homeLines.push(...r.screen.split('\n'));
  }
});
after(async () => {
  await env.close();
});

let nextSession = 0;

interface Reply {
  status: number;
  type: string;
  con: boolean;
  end: boolean;
  screen: string;
}

async function post(fields: Record<string, string>): Promise<Reply> {
  const r = await env.app.inject({
    method: 'POST', url: '/channels/ussd/africastalking',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });
  const body = r.body;
  return { status: r.statusCode, type: String(r.headers['content-type']), con: body.startsWith('CON '), end: body.startsWith('END '), screen: body.slice(4) };
}

/** One subscriber's dialogue: keeps the gateway's `text` the way Africa's Talking builds it. */
class Dialogue {
  text = '';
  private answers = 0;
  readonly sessionId = `ATUid_test_${++nextSession}`;
  constructor(readonly phoneNumber: string) {}

  /** The dial itself (no input yet), or one typed answer. */
  async send(input?: string): Promise<Reply> {
    if (input !== undefined) this.text = this.answers++ === 0 ? input : `${this.text}*${input}`;
    const r = await post({ sessionId: this.sessionId, serviceCode: '*100#', phoneNumber: this.phoneNumber, text: this.text });
    assert.equal(r.status, 200, r.screen);
    assert.match(r.type, /^text\/plain/);
    assert.ok(r.con || r.end, `a CON or END screen: ${r.screen}`);
    const m = measure(r.screen);
    assert.ok(m.length <= m.limit, `screen within ${m.limit} (${m.encoding}): ${m.length}\n${r.screen}`);
    return r;
  }

  /** The gateway sending the last hop again, unchanged. */
  retry(): Promise<Reply> {
    return post({ sessionId: this.sessionId, serviceCode: '*100#', phoneNumber: this.phoneNumber, text: this.text });
  }
}

/** The number shown before a menu line, e.g. `8` for `8.订购业务`. */
function optionFor(screen: string, label: string | RegExp): string {
  const line = screen.split('\n').find((l) => (typeof label === 'string' ? l.includes(label) : label.test(l)) && /^\d+\./.test(l));
  assert.ok(line, `"${label}" on screen:\n${screen}`);
  return line.split('.')[0]!;
}

/** The home menu's number for a business, wherever its page is (numbers run on across pages). */
function homeOption(label: string): string {
  return optionFor(homeLines.join('\n'), label);
}

async function dial(n: { balanceFen?: number } = {}): Promise<{ d: Dialogue; id: number; home: Reply }> {
  const sub = await addSubscriber(env.db, { balanceFen: n.balanceFen ?? 10_000 });
  const d = new Dialogue(`+86${sub.msisdn}`);
  const home = await d.send();
  return { d, id: sub.id, home };
}

describe('menu', () => {
  test('a line suspended for non-payment is told so: its balance says 停机 and what to recharge, ordering says why instead of 暂无可选项', async () => {
    const sub = await addSubscriber(env.db, { status: 'suspended', balanceFen: 500, planId: 'PLAN-4G-38' });
    const d = new Dialogue(sub.msisdn);
    await d.send();
    const balance = await d.send(homeOption('话费余额查询'));
    assert.match(balance.screen, /欠费已停机，充值33\.00元或以上即可恢复/);
    await d.send('00');
    const order = await d.send(homeOption('订购业务'));
    assert.doesNotMatch(order.screen, /暂无可选项/);
    assert.match(order.screen, /欠费已停机，充值33\.00元或以上即可恢复/);
  });

  test('dialling shows the home menu: queries first, numbered, in Chinese, with more on the next page', async () => {
    const { d, home } = await dial();
    assert.ok(home.con);
    assert.match(home.screen, /^请选择业务\n1\.话费余额查询\n/);
    assert.match(home.screen, /98下页/);
    assert.match(home.screen, /99 English/);
    const next = await d.send('98');
    assert.match(next.screen, /订购业务/, 'transactions follow the queries');
    assert.match(next.screen, /0返回/);
  });

  test('balance, home, then a pack ordered with an explicit confirmation: charged once, logged as ussd', async () => {
    const { d, id, home } = await dial({ balanceFen: 10_000 });
    const balance = await d.send(homeOption('话费余额查询'));
    assert.ok(balance.con);
    assert.match(balance.screen, /您的余额为100\.00元/);
    assert.match(balance.screen, /00首页/);

    const again = await d.send('00');
    assert.equal(again.screen, home.screen);
    const list = await d.send(homeOption('订购业务'));
    assert.match(list.screen, /^订购业务：请选择\n1\./);
    // Packs come by group (流量 first); a monthly one, further on, says it is monthly.
    let page = list;
    for (let n = 0; n < 10 && !/元\/月$/m.test(page.screen) && /98下页/.test(page.screen); n++) page = await d.send('98');
    assert.match(page.screen, /元\/月$/m, 'a monthly pack says it is monthly');
    await d.send('00');
    assert.equal((await d.send(homeOption('订购业务'))).screen, list.screen, 'the list again from its first page');
    const first = /^1\.(.+?) (\d+(?:\.\d+)?)元(?:\/月)?$/m.exec(list.screen);
    assert.ok(first, list.screen);
    const priceFen = Math.round(Number(first[2]) * 100);

    const quote = await d.send('1');
    assert.ok(quote.con);
    assert.match(quote.screen, /扣费/);
    assert.match(quote.screen, /1\.确认办理/);
    assert.equal((await balanceAndLedger(env.db, id)).balanceFen, 10_000, 'a quote charges nothing');

    const done = await d.send('1');
    assert.ok(done.end, done.screen);
    assert.match(done.screen, /已订购/);
    const after = await balanceAndLedger(env.db, id);
    assert.equal(after.balanceFen, 10_000 - priceFen);
    assert.equal(after.ledgerFen, after.balanceFen);

    await env.s.interactions.flush();
    const rows = await env.db.selectFrom('interaction').select(['channel', 'businessId', 'outcome']).where('subscriberId', '=', id).orderBy('id').execute();
    assert.deepEqual(rows.map((r) => `${r.channel} ${r.businessId} ${r.outcome}`), [
      'ussd balance.query ok',
      'ussd packs.list ok',
      'ussd packs.list ok',
      'ussd pack.subscribe confirmation_required',
      'ussd pack.subscribe ok',
    ]);
  });

  test('a price that changes between the quote and the confirmation is shown again, not charged', async () => {
    const { d, id } = await dial({ balanceFen: 10_000 });
    const list = await d.send(homeOption('订购业务'));
    await d.send('2');
    // The second choice on the screen is the second pack packs.list gives this subscriber on USSD.
    const listed = await env.s.invoker.invoke({ channel: 'ussd', principal: { kind: 'subscriber', subscriberId: id }, subscriberId: id, businessId: 'packs.list', input: {} });
    const second = (listed.status === 'ok' ? (listed.result as { packs: { id: string }[] }).packs[1] : undefined)!;
    const packId = await env.db.selectFrom('offering').innerJoin('offeringPrice as p', 'p.id', 'offering.priceId')
      .select(['p.id as priceId', 'p.amountFen', 'offering.nameZh']).where('offering.id', '=', second.id).executeTakeFirstOrThrow();
    assert.match(list.screen, new RegExp(`^2\\.${packId.nameZh} `, 'm'));
    await env.db.updateTable('offeringPrice').set({ amountFen: packId.amountFen! + 100 }).where('id', '=', packId.priceId).execute();
    try {
      const again = await d.send('1');
      assert.ok(again.con, again.screen);
      assert.match(again.screen, /价格已变化，未扣费/);
      assert.match(again.screen, new RegExp(`扣费${((packId.amountFen! + 100) / 100).toFixed(2)}元`));
      assert.match(again.screen, /1\.确认办理/);
      assert.equal((await balanceAndLedger(env.db, id)).balanceFen, 10_000, 'nothing charged at the old or the new price');
      const done = await d.send('1');
      assert.ok(done.end, done.screen);
      const after = await balanceAndLedger(env.db, id);
      assert.equal(after.balanceFen, 10_000 - packId.amountFen! - 100, 'charged the price confirmed');
      assert.equal(after.ledgerFen, after.balanceFen);
    } finally {
      await env.db.updateTable('offeringPrice').set({ amountFen: packId.amountFen! }).where('id', '=', packId.priceId).execute();
      env.s.catalogue.invalidate();
    }
  });

  test('a gateway retry of the confirming hop answers the same and charges once, even when both arrive at once', async () => {
    const { d, id, home } = await dial({ balanceFen: 10_000 });
    await d.send(homeOption('充值缴费'));
    await d.send('30');
    const [a, b] = await Promise.all([d.send('1').then(() => d.retry()), d.retry()]);
    assert.ok(a.end && b.end);
    assert.equal(a.screen, b.screen);
    const third = await d.retry();
    assert.equal(third.screen, a.screen);
    assert.equal((await balanceAndLedger(env.db, id)).balanceFen, 13_000, 'recharged 30 yuan exactly once');
  });

  test('recharge asks for yuan and hands the business fen', async () => {
    const { d, id, home } = await dial({ balanceFen: 0 });
    const ask = await d.send(homeOption('充值缴费'));
    assert.match(ask.screen, /请输入金额（元，1至5000）/);
    const quote = await d.send('12.5');
    assert.match(quote.screen, /充值12\.50元/);
    await d.send('1');
    assert.equal((await balanceAndLedger(env.db, id)).balanceFen, 1250);
  });

  test('a * typed inside an answer stays in that answer and does not navigate', async () => {
    const { d, id, home } = await dial({ balanceFen: 0 });
    const ask = await d.send(homeOption('充值缴费'));
    // Split on every `*`, "5*0" would read as 5 and then 0 (back); it is one wrong amount.
    const wrong = await d.send('5*0');
    assert.ok(wrong.con);
    assert.equal(wrong.screen, `输入有误，请重输\n${ask.screen}`);
    const quote = await d.send('50');
    assert.match(quote.screen, /充值50\.00元/);
    await d.send('1');
    assert.equal((await balanceAndLedger(env.db, id)).balanceFen, 5000);
  });

  test('cancelling the confirmation goes home and charges nothing', async () => {
    const { d, id, home } = await dial({ balanceFen: 10_000 });
    await d.send(homeOption('充值缴费'));
    await d.send('20');
    const cancelled = await d.send('2');
    assert.ok(cancelled.con);
    assert.equal(cancelled.screen, `已取消，未办理\n${home.screen}`);
    assert.equal((await balanceAndLedger(env.db, id)).balanceFen, 10_000);
  });

  test('a business refusal (not enough balance) is a screen with a way back, not an error', async () => {
    const { d, home } = await dial({ balanceFen: 0 });
    await d.send(homeOption('订购业务'));
    await d.send('1');
    const refused = await d.send('1');
    assert.ok(refused.con);
    assert.match(refused.screen, /^余额不足\n/);
    assert.match(refused.screen, /00首页/);
  });

  test('the bill asks for a month, with the latest as one key', async () => {
    const { d, home } = await dial();
    const ask = await d.send(homeOption('账单查询'));
    assert.match(ask.screen, /请输入年月，如202610/);
    assert.match(ask.screen, /1\.最近一期/);
    const none = await d.send('202601');
    assert.match(none.screen, /该月没有账单/);
  });

  test('99 switches to English for the rest of the session', async () => {
    const { d } = await dial();
    const en = await d.send('99');
    assert.match(en.screen, /^Choose a service\n1\. Balance/);
    assert.match(en.screen, /99 Chinese/);
    const bal = await d.send('1');
    assert.match(bal.screen, /Your balance is ¥100\.00/);
    assert.match(bal.screen, /0 Back 00 Home/);
    const zh = await d.send('00').then(() => d.send('99'));
    assert.match(zh.screen, /^请选择业务/);
  });

  test('0 goes back one screen', async () => {
    const { d, home } = await dial();
    await d.send(homeOption('订购业务'));
    const back = await d.send('0');
    assert.equal(back.screen, home.screen);
  });
});

describe('bad input', () => {
  test('an option out of range shows the same screen with a short notice', async () => {
    const { d, home } = await dial();
    for (const input of ['57', '9999', 'abc', '']) {
      const r = await d.send(input);
      assert.ok(r.con);
      assert.equal(r.screen, `选项无效，请重选\n${home.screen}`, `input ${JSON.stringify(input)}`);
    }
    const ok = await d.send('1');
    assert.match(ok.screen, /您的余额为/);
  });

  test('an overlong answer is refused on the same screen; an overlong history ends politely', async () => {
    const { d, home } = await dial();
    const long = await d.send('1'.repeat(500));
    assert.equal(long.screen, `输入过长，请重输\n${home.screen}`);
    const r = await post({ sessionId: d.sessionId, serviceCode: '*100#', phoneNumber: d.phoneNumber, text: `${d.text}*${'2'.repeat(3000)}` });
    assert.equal(r.status, 200);
    assert.ok(r.end);
    assert.match(r.screen, /输入过长/);
  });

  test('an unknown session id with text already typed gets a fresh home screen', async () => {
    const sub = await addSubscriber(env.db);
    const r = await post({ sessionId: 'never-seen', serviceCode: '*100#', phoneNumber: sub.msisdn, text: '8*1*1' });
    assert.ok(r.con);
    assert.match(r.screen, /^请选择业务\n1\.话费余额查询/);
  });

  test('an expired session starts again at home instead of acting on the old screen', async () => {
    const { d, home } = await dial();
    await d.send(homeOption('订购业务'));
    env.clock.advance(181_000);
    const r = await d.send('1');
    assert.ok(r.con);
    assert.equal(r.screen, home.screen);
  });

  test('a number that is not a subscriber is politely refused', async () => {
    for (const phoneNumber of ['+8613012345678', '13012345678', 'not-a-number', '+447700900123']) {
      const r = await post({ sessionId: `stranger-${phoneNumber}`, serviceCode: '*100#', phoneNumber, text: '' });
      assert.equal(r.status, 200);
      assert.ok(r.end, r.screen);
      assert.match(r.screen, /仅限本网用户/);
    }
  });

  test('a number closed while the hall still remembers it gets no business done', async () => {
    const { id, msisdn } = await addSubscriber(env.db, { balanceFen: 4_321 });
    const first = new Dialogue(msisdn);
    await first.send();
    assert.match((await first.send('1')).screen, /43\.21/u, 'balance while open');
    await env.db.updateTable('subscriber').set({ status: 'closed' }).where('id', '=', id).execute();
    const later = new Dialogue(msisdn);
    await later.send();
    const r = await later.send('1');
    assert.doesNotMatch(r.screen, /43\.21/u);
    assert.match(r.screen, /不是本网用户/u);
  });

  test('phone numbers with and without +86 reach the same subscriber', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 4321 });
    for (const phoneNumber of [sub.msisdn, `+86${sub.msisdn}`, `0086${sub.msisdn}`]) {
      const d = new Dialogue(phoneNumber);
      await d.send();
      assert.match((await d.send('1')).screen, /43\.21元/);
    }
  });

  test('a session id answered from another number is refused, and does not show that session', async () => {
    const { d } = await dial({ balanceFen: 7777 });
    await d.send('1');
    const other = await addSubscriber(env.db);
    const r = await post({ sessionId: d.sessionId, serviceCode: '*100#', phoneNumber: other.msisdn, text: d.text });
    assert.ok(r.end);
    assert.doesNotMatch(r.screen, /77\.77/);
  });

  test('another service code is told which one to dial', async () => {
    const sub = await addSubscriber(env.db);
    const r = await post({ sessionId: 'other-code', serviceCode: '*123#', phoneNumber: sub.msisdn, text: '' });
    assert.ok(r.end);
    assert.match(r.screen, /\*100#/);
  });

  test('a malformed callback is a 400 with END text, never problem JSON', async () => {
    const r = await post({ serviceCode: '*100#', text: '' });
    assert.equal(r.status, 400);
    assert.match(r.type, /^text\/plain/);
    assert.ok(r.end);
  });
});
