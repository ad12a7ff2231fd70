// The SMS hall through a real Kannel 1.4.5 (Debian's kannel and kannel-extras): bearerbox and
// smsbox with the README's configuration, fakesmsc as the SMSC and the handset, omnihall listening
// on a free port as the sms-service's get-url. Chinese replies arrive as UCS-2 and intact, long ones
// as concatenated parts, Chinese texts from the handset reach the hall, and one-time codes go out
// through Kannel's sendsms intact. Without Kannel the real-Kannel tests skip loudly (fail in CI).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { addSubscriber, startTestEnv, type TestEnv } from './helpers.ts';
import { buildApp } from '../src/app.ts';
import { buildServices } from '../src/container.ts';
import { encodingFor, partsNeeded } from '../src/platform/sms/gsm-encoding.ts';
import { Fakesmsc, eventually, handsetTexts, kannelSkipReason, startKannel, type Kannel } from './kannel/harness.ts';

const TOKEN = 'kannel-token-'.padEnd(24, 'k');
const MSISDN = '13800000001';

let env: TestEnv;
before(async () => {
  env = await startTestEnv();
});
after(async () => {
  await env.close();
});

describe('get-url replies say their coding', () => {
  test('a Chinese reply is UTF-8 with X-Kannel-Coding 2, an English one within GSM 03.38 with 0', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 28_001 });
    const zh = await env.app.inject({ method: 'GET', url: `/channels/sms/kannel?from=${sub.msisdn}&to=10086&text=YE` });
    assert.equal(zh.statusCode, 200);
    assert.match(zh.body, /280\.01/u);
    assert.equal(zh.headers['x-kannel-coding'], '2');
    assert.equal(zh.headers['content-type'], 'text/plain; charset=utf-8');
    const en = await env.app.inject({ method: 'GET', url: `/channels/sms/kannel?from=${sub.msisdn}&to=10086&text=BAL` });
    assert.equal(en.statusCode, 200);
    assert.match(en.body, /280\.01/u);
    assert.equal(encodingFor(en.body), 'gsm7', en.body);
    assert.equal(en.headers['x-kannel-coding'], '0');
  });

  test('with coding=2 the text is read as the UCS-2 octets Kannel sends without mo-recode', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 28_001 });
    // 余额 is U+4F59 U+989D: octets 4F 59 98 9D, which Kannel URL-encodes as OY%98%9D.
    const raw = await env.app.inject({ method: 'GET', url: `/channels/sms/kannel?from=${sub.msisdn}&to=10086&text=OY%98%9D&coding=2` });
    const utf8 = await env.app.inject({ method: 'GET', url: `/channels/sms/kannel?from=${sub.msisdn}&to=10086&text=${encodeURIComponent('余额')}&coding=0` });
    assert.equal(raw.statusCode, 200);
    assert.match(raw.body, /280\.01/u);
    assert.equal(raw.body, utf8.body);
    // "YE" in UCS-2, spaces as Kannel writes them ('+' is 0x20): " YE " → %00+%00Y%00E%00+
    const spaced = await env.app.inject({ method: 'GET', url: `/channels/sms/kannel?from=${sub.msisdn}&to=10086&text=%00+%00Y%00E%00+&coding=2` });
    assert.equal(spaced.body, utf8.body);
    // A NUL character (octets 00 00) is text that cannot be stored: answered as unreadable, like any channel's.
    const nul = await env.app.inject({ method: 'GET', url: `/channels/sms/kannel?from=${sub.msisdn}&to=10086&text=%00Y%00E%00%00&coding=2` });
    const unreadable = await env.app.inject({ method: 'GET', url: `/channels/sms/kannel?from=${sub.msisdn}&to=10086&text=x&coding=1` });
    assert.equal(nul.statusCode, 200);
    assert.equal(nul.body, unreadable.body);
    assert.notEqual(nul.body, utf8.body);
  });
});

const skip = kannelSkipReason();

describe('through a real Kannel', { skip }, () => {
  let kannel: Kannel;
  let app: FastifyInstance;
  /** What omnihall answered each get-url call, in order. */
  const replies: { text: string | undefined; coding: string | undefined; body: string; xKannelCoding: unknown }[] = [];
  const smscs: Fakesmsc[] = [];

  before(async () => {
    await addSubscriber(env.db, { msisdn: MSISDN, balanceFen: 28_001 });
    app = await buildApp({ ...env.s, config: { ...env.s.config, kannelServiceToken: TOKEN } });
    app.addHook('onSend', async (req, reply, payload) => {
      if (req.url.startsWith('/channels/sms/kannel')) {
        const q = req.query as { text?: string; coding?: string };
        replies.push({ text: q.text, coding: q.coding, body: String(payload), xKannelCoding: reply.getHeader('x-kannel-coding') });
      }
      return payload;
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    kannel = await startKannel(`http://127.0.0.1:${port}/channels/sms/kannel?from=%p&to=%P&text=%a&coding=%c&token=${TOKEN}`);
  });

  after(async () => {
    for (const s of smscs) await s.stop();
    await kannel?.stop();
    await app?.close();
  });

  /**
   * The handset sends one message through fakesmsc; resolves with omnihall's reply to it and the
   * texts the handset got back, once a complete reply has arrived (waits generously).
   */
  async function handset(name: string, message: string): Promise<{ reply: (typeof replies)[number]; got: ReturnType<typeof handsetTexts> }> {
    const seen = replies.length;
    const smsc = new Fakesmsc(kannel.dir, kannel.smscPort, [message], name);
    smscs.push(smsc);
    try {
      const reply = await eventually(`omnihall to answer ${name}`, 90_000, () => replies[seen], () => `${smsc.output()}\n${kannel.logs()}`);
      const coding = encodingFor(reply.body);
      const got = await eventually(`the reply to ${name} at the handset`, 90_000, () => {
        const texts = handsetTexts(smsc.received().filter((m) => m.to === MSISDN), coding);
        return texts.length > 0 ? texts : undefined;
      }, () => `${smsc.output()}\n${kannel.logs()}`);
      return { reply, got };
    } finally {
      await smsc.stop();
    }
  }

  test('YE: the Chinese balance arrives as UCS-2, exactly as omnihall wrote it', async () => {
    const { reply, got } = await handset('YE', `${MSISDN} 10086 text YE`);
    assert.equal(reply.text, 'YE');
    assert.match(reply.body, /280\.01/u);
    assert.match(reply.body, /\p{Script=Han}/u);
    assert.equal(partsNeeded(reply.body), 1, 'the balance reply fits one SMS');
    assert.deepEqual(got, [{ text: reply.body, type: 'ucs-2', parts: 1 }]);
    assert.doesNotMatch(got[0]!.text, /\?/u);
    assert.equal(reply.xKannelCoding, '2');
  });

  test('余额 sent from a handset in UCS-2 reaches the hall as 余额, and its answer arrives intact', async () => {
    const { reply, got } = await handset('余额', `${MSISDN} 10086 ucs2 %4F%59%98%9D`);
    assert.equal(reply.text, '余额', 'smsbox (mo-recode) passes the text on as UTF-8');
    assert.match(reply.body, /280\.01/u);
    assert.deepEqual(got, [{ text: reply.body, type: 'ucs-2', parts: 1 }]);
  });

  test('a reply longer than one SMS arrives complete, as concatenated UCS-2 parts in order', async () => {
    const { reply, got } = await handset('LLB', `${MSISDN} 10086 text LLB`);
    assert.equal(reply.text, 'LLB');
    const parts = partsNeeded(reply.body);
    assert.ok(parts >= 2, `the packs on offer are longer than one SMS (${[...reply.body].length} characters)`);
    assert.deepEqual(got, [{ text: reply.body, type: 'udh', parts }]);
    assert.equal(reply.xKannelCoding, '2');
  });

  test('English replies within GSM 03.38 go as 7-bit text, a long one concatenated', async () => {
    const { reply, got } = await handset('BAL', `${MSISDN} 10086 text BAL`);
    assert.match(reply.body, /280\.01/u);
    assert.equal(got.length, 1);
    assert.equal(got[0]!.text, reply.body);
    assert.equal(got[0]!.type, partsNeeded(reply.body) > 1 ? 'udh' : 'text');
    assert.equal(reply.xKannelCoding, '0');
    // The packs on offer in English: several lines, longer than one 7-bit SMS.
    const packs = await handset('PACKS', `${MSISDN} 10086 text PACKS`);
    assert.equal(encodingFor(packs.reply.body), 'gsm7', packs.reply.body);
    assert.match(packs.reply.body, /\n/u);
    assert.deepEqual(packs.got, [{ text: packs.reply.body, type: partsNeeded(packs.reply.body) > 1 ? 'udh' : 'text', parts: partsNeeded(packs.reply.body) }]);
    assert.equal(packs.reply.xKannelCoding, '0');
  });

  test('a one-time code goes out through sendsms in Chinese, intact, and signs in', async () => {
    // Only receives: the handset is connected when the code goes out.
    const smsc = new Fakesmsc(kannel.dir, kannel.smscPort, [], 'otp');
    smscs.push(smsc);
    const s = await buildServices({ ...env.config, kannelSendsmsUrl: kannel.sendsmsUrl }, env.db, { clock: env.clock, defaultMetrics: false });
    try {
      const sub = await addSubscriber(env.db);
      await s.otp.request(sub.msisdn);
      const [got] = await eventually('the one-time code at the handset', 90_000, () => {
        const texts = handsetTexts(smsc.received().filter((m) => m.to === sub.msisdn), 'ucs2');
        return texts.length > 0 ? texts : undefined;
      }, () => `${smsc.output()}\n${kannel.logs()}`);
      const m = /^【omnihall】您的登录验证码是(\d{6})，.*Your sign-in code is \1, valid/u.exec(got!.text);
      assert.ok(m, `the code's text arrived intact: ${got!.text}`);
      assert.equal(got!.parts, partsNeeded(got!.text));
      assert.equal(await s.otp.verify(sub.msisdn, m[1]!), sub.id);
    } finally {
      await s.close();
      await smsc.stop();
    }
  });
});
