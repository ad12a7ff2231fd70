// The SMS hall end to end through Kannel's get-url: commands, two-step confirmation, bad input,
// non-subscribers, the interaction log, and MT sending through Kannel's sendsms.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { addSubscriber, balanceAndLedger, startTestEnv, type TestEnv } from './helpers.ts';
import { buildApp } from '../src/app.ts';
import { buildServices } from '../src/container.ts';
import { BUSINESSES } from '../src/businesses/index.ts';
import { Registry, defineBusiness, type Business } from '../src/businesses/registry.ts';
import { l10n } from '../src/platform/i18n.ts';
import { Invoker } from '../src/businesses/invoke.ts';
import { builtinBss } from '../src/modules/subscriber/index.ts';
import { CommandParser, parseMonth, parseYuan } from '../src/channels/sms/commands.ts';
import { SmsHall } from '../src/channels/sms/hall.ts';
import { normaliseMsisdn } from '../src/platform/msisdn.ts';
import { KannelSender } from '../src/platform/sms/kannel.ts';
import { splitMessage } from '../src/platform/sms/gsm-encoding.ts';

let env: TestEnv;

before(async () => {
  env = await startTestEnv();
});
after(async () => {
  await env.close();
});

async function sms(from: string, text: string, extra = ''): Promise<string> {
  const r = await env.app.inject({ method: 'GET', url: `/channels/sms/kannel?from=${encodeURIComponent(from)}&to=10086&text=${encodeURIComponent(text)}${extra}` });
  assert.equal(r.statusCode, 200, r.body);
  assert.match(String(r.headers['content-type']), /^text\/plain; charset=utf-8/);
  return r.body;
}

function codeIn(reply: string): string {
  const m = /(?:验证码|reply )(\d{4})/u.exec(reply);
  assert.ok(m, `no confirmation code in: ${reply}`);
  return m[1]!;
}

async function ledgerRows(subscriberId: number): Promise<number> {
  const acc = await env.db.selectFrom('account').select('id').where('subscriberId', '=', subscriberId).executeTakeFirstOrThrow();
  const r = await env.db.selectFrom('ledgerEntry').select((eb) => eb.fn.countAll<number>().as('n')).where('accountId', '=', acc.id).executeTakeFirstOrThrow();
  return Number(r.n);
}

describe('commands', () => {
  test('balance in every spelling: pinyin code, full-width, spaces, lower case, Chinese phrasing, English', async () => {
    const { msisdn } = await addSubscriber(env.db, { balanceFen: 12_345 });
    for (const t of ['YE', 'CXYE', 'ＹＥ', '\u3000ｙｅ\u3000', '  ye ', 'ye', '余额', '查话费', '查余额', '查余额。', '我要查话费']) {
      assert.match(await sms(msisdn, t), /123\.45元/u, t);
    }
    assert.match(await sms(msisdn, 'BAL'), /balance of ¥123\.45/u);
    // The number may come in international form.
    assert.match(await sms(`+86${msisdn}`, 'YE'), /123\.45元/u);
  });

  test('usage, bill, plan and points', async () => {
    const { msisdn } = await addSubscriber(env.db, { points: 321 });
    assert.match(await sms(msisdn, 'LL'), /流量已用/u);
    assert.match(await sms(msisdn, '查流量'), /流量已用/u);
    assert.match(await sms(msisdn, 'ZD'), /没有账单/u);
    assert.match(await sms(msisdn, 'ZD 2026-13'), /月份格式有误/u);
    assert.match(await sms(msisdn, 'TC'), /套餐/u);
    assert.match(await sms(msisdn, 'JF'), /321分/u);
  });

  test('"我要办流量包" lists packs with how to order them', async () => {
    const { msisdn } = await addSubscriber(env.db);
    const r = await sms(msisdn, '我要办流量包');
    assert.match(r, /可订\d+种/u);
    assert.match(r, /KT [A-Z0-9]+/u);
  });

  test('unknown command gets the help menu, which fits one SMS', async () => {
    const { msisdn } = await addSubscriber(env.db);
    const r = await sms(msisdn, 'XYZZY');
    assert.match(r, /未能识别/u);
    assert.match(r, /YE余额/u);
    const help = await sms(msisdn, '帮助');
    assert.equal(splitMessage(help, 0).parts.length, 1, help);
    assert.equal(await sms(msisdn, '？'), help);
    assert.equal(splitMessage(await sms(msisdn, 'HELP'), 0).encoding, 'gsm7');
  });

  test('a business not in the command table is reachable by its id', async () => {
    const { msisdn } = await addSubscriber(env.db);
    assert.match(await sms(msisdn, 'plans.list'), /套餐/u);
    // And a business added to the registry parses with no table entry.
    const hello = defineBusiness({
      id: 'hello.query', kind: 'query', names: l10n('问候', 'Hello'), descriptions: l10n('', ''),
      input: z.object({ times: z.number().int() }).strict(), confirm: false, staffRoles: [],
      async run() { return { data: {}, text: { short: l10n('你好', 'hi'), long: l10n('你好', 'hi') } }; },
    });
    const registry = new Registry([...BUSINESSES, hello as unknown as Business]);
    const parser = new CommandParser(registry);
    assert.deepEqual(parser.parse('hello.query 3', new Date()), { kind: 'business', businessId: 'hello.query', input: { times: 3 }, command: null, lang: null });
    const invoker = new Invoker({ db: env.db, registry, bss: (q) => builtinBss(q, { catalogue: env.s.catalogueReader }), log: env.s.interactions, catalogue: env.s.catalogueReader, clock: env.clock, random: env.s.random });
    const hall = new SmsHall({ ...env.s, registry, invoker });
    assert.equal(await hall.handle({ from: msisdn, text: 'HELLO.QUERY 3' }), '你好');
  });

  test('amounts are read as integer fen, never through floats, and more than 2 decimals is refused', () => {
    assert.deepEqual(parseYuan('50'), { fen: 5000 });
    assert.deepEqual(parseYuan('0.29'), { fen: 29 });
    assert.deepEqual(parseYuan('19.9'), { fen: 1990 });
    assert.deepEqual(parseYuan('¥20元'), { fen: 2000 });
    assert.deepEqual(parseYuan('20YUAN'), { fen: 2000 });
    const tooFine = parseYuan('10.005');
    assert.ok('error' in tooFine && tooFine.error['zh-CN'] === '金额最多两位小数（精确到分）');
    const notNumber = parseYuan('1e3');
    assert.ok('error' in notNumber && notNumber.error['zh-CN'] === '金额格式有误');
    assert.ok('error' in parseYuan('-5'));
    assert.equal(parseMonth('202610', new Date('2026-11-15T00:00:00Z')), '2026-10');
    assert.equal(parseMonth('12月', new Date('2026-11-15T00:00:00Z')), '2025-12');
    // 20:20 UTC on 30 November is already December in Beijing: 12月 is this December.
    assert.equal(parseMonth('12月', new Date('2026-11-30T20:20:00Z')), '2026-12');
    assert.equal(normaliseMsisdn('008613800000001'), '13800000001');
    assert.equal(normaliseMsisdn('10086'), null);
  });
});

describe('two-step confirmation', () => {
  test('ordering a pack: quote with price and code; wrong code does nothing; right code charges once; reuse says so', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 10_000 });
    const quote = await sms(sub.msisdn, 'KT LL1G');
    assert.match(quote, /1GB流量包/u);
    assert.match(quote, /10\.00元/u);
    assert.match(quote, /10分钟/u);
    const code = codeIn(quote);
    assert.equal((await balanceAndLedger(env.db, sub.id)).balanceFen, 10_000, 'a quote charges nothing');

    const wrong = code === '1234' ? '4321' : '1234';
    assert.match(await sms(sub.msisdn, wrong), /验证码不正确，未办理/u);
    assert.equal((await balanceAndLedger(env.db, sub.id)).balanceFen, 10_000);

    // The right code from another number does nothing for this one.
    const other = await addSubscriber(env.db);
    assert.match(await sms(other.msisdn, code), /没有待确认的业务/u);

    assert.match(await sms(sub.msisdn, code), /已成功订购1GB流量包/u);
    const after1 = await balanceAndLedger(env.db, sub.id);
    assert.equal(after1.balanceFen, 9_000);
    assert.equal(after1.ledgerFen, after1.balanceFen);

    assert.match(await sms(sub.msisdn, code), /已使用/u);
    assert.equal((await balanceAndLedger(env.db, sub.id)).balanceFen, 9_000);

    // 0000 now lists it with how to cancel; QX cancels with no confirmation (it charges nothing).
    assert.match(await sms(sub.msisdn, '0000'), /1GB流量包（10\.00元，至\d{4}年\d{1,2}月\d{1,2}日，退订发QX LL1G）/u);
    assert.match(await sms(sub.msisdn, 'QX LL1G'), /已成功退订1GB流量包/u);
    assert.match(await sms(sub.msisdn, '退订 LL1G'), /没有订购/u);
  });

  test('a price changed after the quote: the old code charges nothing and a new code comes with the new price', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 10_000 });
    const code = codeIn(await sms(sub.msisdn, 'KT LL1G'));
    const pack = await env.db.selectFrom('offering').innerJoin('offeringPrice as p', 'p.id', 'offering.priceId')
      .select(['p.id as priceId', 'p.amountFen']).where('offering.code', '=', 'LL1G').executeTakeFirstOrThrow();
    await env.db.updateTable('offeringPrice').set({ amountFen: pack.amountFen! + 200 }).where('id', '=', pack.priceId).execute();
    try {
      const reply = await sms(sub.msisdn, code);
      assert.match(reply, /^价格已变化，未扣费。/u);
      assert.match(reply, new RegExp(`扣费${((pack.amountFen! + 200) / 100).toFixed(2)}元`, 'u'));
      const fresh = codeIn(reply);
      assert.equal((await balanceAndLedger(env.db, sub.id)).balanceFen, 10_000, 'nothing charged');
      assert.match(await sms(sub.msisdn, fresh), /已成功订购1GB流量包/u);
      const after = await balanceAndLedger(env.db, sub.id);
      assert.equal(after.balanceFen, 10_000 - pack.amountFen! - 200, 'charged the price confirmed');
      assert.equal(after.ledgerFen, after.balanceFen);
    } finally {
      await env.db.updateTable('offeringPrice').set({ amountFen: pack.amountFen! }).where('id', '=', pack.priceId).execute();
      env.s.catalogue.invalidate();
    }
  });

  test('the same code arriving twice at once (a duplicated MO) charges once', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 10_000 });
    const code = codeIn(await sms(sub.msisdn, 'CZ 50'));
    const rows = await ledgerRows(sub.id);
    const replies = await Promise.all([sms(sub.msisdn, code), sms(sub.msisdn, code), sms(sub.msisdn, code)]);
    assert.equal(replies.filter((r) => /充值50\.00元成功|成功充值50\.00元/u.test(r)).length, 1, replies.join(' | '));
    assert.equal((await balanceAndLedger(env.db, sub.id)).balanceFen, 15_000);
    assert.equal(await ledgerRows(sub.id), rows + 1);
  });

  test('CZ with an amount and another number recharges that number after the code; a wrong number charges nothing', async () => {
    const payer = await addSubscriber(env.db, { balanceFen: 10_000 });
    const other = await addSubscriber(env.db, { balanceFen: 1_000 });
    const quote = await sms(payer.msisdn, `CZ 50 ${other.msisdn}`);
    assert.match(quote, /他人号码/u, quote);
    assert.match(await sms(payer.msisdn, codeIn(quote)), /50\.00元/u);
    assert.equal((await balanceAndLedger(env.db, other.id)).balanceFen, 6_000, 'the other number is credited');
    assert.equal((await balanceAndLedger(env.db, payer.id)).balanceFen, 10_000, "the payer's own balance is untouched");
    // `50 元` is still one amount; a number that is not ours is refused before any code.
    assert.match(await sms(payer.msisdn, 'CZ 50 元'), /验证码\d{4}/u);
    assert.match(await sms(payer.msisdn, 'CZ 50 13999999999'), /不是本网号码，未扣费/u);
    assert.match(await sms(payer.msisdn, 'CZ 50 1380000'), /指令格式有误。.*为他人充值加上号码/u);
    assert.equal((await balanceAndLedger(env.db, payer.id)).balanceFen, 10_000);
  });

  test('a stale code (after 10 minutes) changes nothing and says so', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 10_000 });
    const code = codeIn(await sms(sub.msisdn, 'CZ 20'));
    env.clock.advance(10 * 60_000 + 1000);
    assert.match(await sms(sub.msisdn, code), /已过期/u);
    assert.equal((await balanceAndLedger(env.db, sub.id)).balanceFen, 10_000);
  });

  test('three wrong codes cancel the request', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 10_000 });
    const code = codeIn(await sms(sub.msisdn, 'CZ 20'));
    const wrong = code === '1111' ? '2222' : '1111';
    await sms(sub.msisdn, wrong);
    await sms(sub.msisdn, wrong);
    assert.match(await sms(sub.msisdn, wrong), /已取消，未扣费/u);
    assert.match(await sms(sub.msisdn, code), /没有待确认的业务/u);
    assert.equal((await balanceAndLedger(env.db, sub.id)).balanceFen, 10_000);
  });

  test('recharge amount with more than two decimals is refused before any quote', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 10_000 });
    assert.match(await sms(sub.msisdn, 'CZ 10.005'), /最多两位小数/u);
    assert.match(await sms(sub.msisdn, 'CZ 0.5'), /充值请发送CZ加金额/u);
    assert.match(await sms(sub.msisdn, '1234'), /没有待确认的业务/u);
  });

  test('a business that needs confirmation but is not in the table still takes two steps', async () => {
    const sub = await addSubscriber(env.db, { points: 100_000 });
    const reward = await env.db.selectFrom('reward').select('id').where('active', '=', true).orderBy('costPoints').executeTakeFirstOrThrow();
    const quote = await sms(sub.msisdn, `points.redeem ${reward.id}`);
    assert.match(await sms(sub.msisdn, codeIn(quote)), /积分兑换/u);
  });

  test('with SMS_CONFIRM_WITH_YES, 是 or Y confirms', async () => {
    const hall = new SmsHall(env.s, { confirmWithYes: true });
    const sub = await addSubscriber(env.db, { balanceFen: 10_000 });
    const quote = await hall.handle({ from: sub.msisdn, text: 'CZ 30' });
    assert.match(quote, /回复“是”/u);
    assert.match(await hall.handle({ from: sub.msisdn, text: '是' }), /成功充值30\.00元/u);
    assert.match(await hall.handle({ from: sub.msisdn, text: 'Y' }), /已使用/u);
    assert.equal((await balanceAndLedger(env.db, sub.id)).balanceFen, 13_000);
  });
});

describe('bad input', () => {
  test('empty, overlong, binary and emoji-laden texts get a clear reply and change nothing', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 10_000 });
    const before = await balanceAndLedger(env.db, sub.id);
    assert.match(await sms(sub.msisdn, ''), /短信是空的/u);
    assert.match(await sms(sub.msisdn, '   '), /短信是空的/u);
    assert.match(await sms(sub.msisdn, `CZ 50${'啊'.repeat(1000)}`), /过长/u);
    assert.match(await sms(sub.msisdn, 'ignored', '&coding=1'), /非文字内容/u);
    assert.match(await sms(sub.msisdn, 'CZ 50 😀😀😀'), /表情符号/u);
    assert.match(await sms(sub.msisdn, '\u0001\u0002\u0003'), /非文字内容/u);
    assert.match(await sms(sub.msisdn, '1234'), /没有待确认的业务/u);
    assert.deepEqual(await balanceAndLedger(env.db, sub.id), before);
  });

  test('a number that is not a subscriber gets a polite refusal', async () => {
    assert.match(await sms('13999999999', 'YE'), /不是本网用户/u);
    assert.match(await sms('not-a-number', 'YE'), /不是本网用户/u);
    const closed = await addSubscriber(env.db, { status: 'closed' });
    assert.match(await sms(closed.msisdn, 'YE'), /不是本网用户/u);
    // Closed after the hall has seen it: the number may still be remembered, but nothing is done.
    const soon = await addSubscriber(env.db, { balanceFen: 4_321 });
    assert.match(await sms(soon.msisdn, 'YE'), /43\.21/u);
    await env.db.updateTable('subscriber').set({ status: 'closed' }).where('id', '=', soon.id).execute();
    const reply = await sms(soon.msisdn, 'YE');
    assert.doesNotMatch(reply, /43\.21/u);
    assert.match(reply, /不是本网用户/u);
  });

  test('a missing from is a 400 problem, not a crash', async () => {
    const r = await env.app.inject({ method: 'GET', url: '/channels/sms/kannel?text=YE' });
    assert.equal(r.statusCode, 400);
  });

  test('every business call is in the interaction log as channel sms', async () => {
    const sub = await addSubscriber(env.db);
    await sms(sub.msisdn, 'YE');
    await sms(sub.msisdn, 'KT NOSUCH');
    await env.s.interactions.flush();
    const rows = await env.db.selectFrom('interaction').select(['businessId', 'outcome', 'errorCode'])
      .where('channel', '=', 'sms').where('subscriberId', '=', sub.id).orderBy('id').execute();
    assert.deepEqual(rows, [
      { businessId: 'balance.query', outcome: 'ok', errorCode: null },
      { businessId: 'pack.subscribe', outcome: 'error', errorCode: 'OFFERING_NOT_FOUND' },
    ]);
  });
});

describe('Kannel', () => {
  test('with a service token configured, get-url without it is refused', async () => {
    const app = await buildApp({ ...env.s, config: { ...env.s.config, kannelServiceToken: 'k'.repeat(20) } });
    const sub = await addSubscriber(env.db);
    try {
      const no = await app.inject({ method: 'GET', url: `/channels/sms/kannel?from=${sub.msisdn}&text=YE` });
      assert.equal(no.statusCode, 403);
      const yes = await app.inject({ method: 'GET', url: `/channels/sms/kannel?from=${sub.msisdn}&text=YE&token=${'k'.repeat(20)}` });
      assert.equal(yes.statusCode, 200);
    } finally {
      await app.close();
    }
  });

  /** A stand-in for Kannel's sendsms that records each request and answers as Kannel does. */
  async function fakeKannel(status = 202): Promise<{ server: Server; url: string; requests: URL[] }> {
    const requests: URL[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      requests.push(new URL(req.url ?? '/', 'http://kannel'));
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 202 ? '0: Accepted for delivery' : 'Authorization failed for sendsms');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cgi-bin/sendsms?username=u&password=p`, requests };
  }

  test('MT goes out through sendsms, split into UCS-2 parts with the concatenation UDH', async () => {
    const k = await fakeKannel();
    try {
      const text = '您好'.repeat(50); // 100 UCS-2 characters: two parts
      await new KannelSender(k.url, '10086').send('13800000001', text);
      assert.equal(k.requests.length, 2);
      const [a, b] = k.requests as [URL, URL];
      assert.equal(a.searchParams.get('username'), 'u');
      assert.equal(a.searchParams.get('to'), '13800000001');
      assert.equal(a.searchParams.get('from'), '10086');
      assert.equal(a.searchParams.get('coding'), '2');
      assert.equal(a.searchParams.get('charset'), 'UTF-8');
      const udh = (u: URL) => [...Buffer.from(u.search.match(/udh=([^&]*)/u)![1]!.replace(/%(..)/gu, '$1'), 'hex')];
      assert.deepEqual(udh(a).slice(0, 3), [0x05, 0x00, 0x03]);
      assert.deepEqual(udh(a).slice(4), [2, 1]);
      assert.deepEqual(udh(b).slice(4), [2, 2]);
      assert.equal(a.searchParams.get('text')! + b.searchParams.get('text')!, text);
      assert.ok(a.searchParams.get('text')!.length <= 67);
    } finally {
      k.server.close();
    }
  });

  test('one-time codes go through Kannel when KANNEL_SENDSMS_URL is set, and are withdrawn when it refuses', async () => {
    const ok = await fakeKannel();
    const bad = await fakeKannel(403);
    try {
      const sub = await addSubscriber(env.db);
      const s = await buildServices({ ...env.config, kannelSendsmsUrl: ok.url }, env.db, { clock: env.clock, defaultMetrics: false });
      await s.otp.request(sub.msisdn);
      // The code goes out after the answer (so known and unknown numbers are answered alike).
      await s.otp.settled();
      // The bilingual code text is longer than one UCS-2 part.
      assert.ok(ok.requests.length >= 1);
      assert.match(ok.requests.map((r) => r.searchParams.get('text')).join(''), /验证码是\d{6}/u);
      assert.equal(ok.requests[0]!.searchParams.get('to'), sub.msisdn);
      const outbox = await env.db.selectFrom('smsOutbox').select('id').where('msisdn', '=', sub.msisdn).execute();
      assert.equal(outbox.length, 0, 'not left in the outbox');
      await s.close();

      const other = await addSubscriber(env.db);
      const s2 = await buildServices({ ...env.config, kannelSendsmsUrl: bad.url }, env.db, { clock: env.clock, defaultMetrics: false });
      // Answered like any other number; the code that could not be sent is then withdrawn, so it can
      // never be used and a new one may be asked for at once.
      await s2.otp.request(other.msisdn);
      await s2.otp.settled();
      assert.equal(bad.requests.length >= 1, true, 'Kannel was asked');
      const challenges = await env.db.selectFrom('otpChallenge').select('id').where('msisdn', '=', other.msisdn).execute();
      assert.equal(challenges.length, 0, 'no code is left when it could not be sent');
      await s2.close();
    } finally {
      ok.server.close();
      bad.server.close();
    }
  });
});
