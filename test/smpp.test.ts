// The SMPP link against a real SMPP peer (the SMSC simulator on the same `smpp` library): bind,
// texts in and replies out (GSM-7, UCS-2, concatenated), confirmation, throttling and errors,
// receipts, keep-alive, reconnection, and one-time codes over the link.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, balanceAndLedger, startTestEnv, type TestEnv } from './helpers.ts';
import { buildApp } from '../src/app.ts';
import { buildServices, type Services } from '../src/container.ts';
import { SmsHall, type SmsLog } from '../src/channels/sms/hall.ts';
import { SmppLink, SmppSendError } from '../src/platform/sms/smpp.ts';
import { SmscSimulator, type Submitted } from '../src/platform/sms/smsc-simulator.ts';
import { ReceiptRecorder, parseReceipt } from '../src/platform/sms/receipts.ts';
import { readConcat } from '../src/platform/sms/gsm-encoding.ts';
import { startSmpp } from '../src/channels/sms/index.ts';

const CREDS = { systemId: 'omnihall', password: 'secret1' };
const ESME_RINVDSTADR = 0x0b;
const ESME_RMSGQFUL = 0x14;

/** Keeps what was logged so tests can see that failures are reported. */
function recordingLog(): SmsLog & { lines: { level: string; msg: string; obj: object }[] } {
  const lines: { level: string; msg: string; obj: object }[] = [];
  return {
    lines,
    info: (obj, msg) => void lines.push({ level: 'info', msg, obj }),
    warn: (obj, msg) => void lines.push({ level: 'warn', msg, obj }),
    error: (obj, msg) => void lines.push({ level: 'error', msg, obj }),
  };
}

/** Waits until `ok()` holds (checking every few ms), failing after `ms`. No timing is asserted. */
async function until(ok: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let env: TestEnv;
let sim: SmscSimulator;
let link: SmppLink;
let log: ReturnType<typeof recordingLog>;

function linkTo(url: string, extra: Partial<ConstructorParameters<typeof SmppLink>[0]> = {}): SmppLink {
  return new SmppLink({
    url, ...CREDS, shortCode: '10086', window: 4, mps: 500, enquireLinkMs: 60_000, responseTimeoutMs: 2000,
    reconnectMs: { initial: 20, max: 200 }, retry: { initialMs: 10, maxMs: 100, attempts: 6 }, ...extra,
  });
}

function wire(l: SmppLink, s: Services, lg: SmsLog): void {
  const hall = new SmsHall(s, { log: lg });
  const receipts = new ReceiptRecorder(s.db);
  l.start({ onMessage: (mo) => hall.handle({ from: mo.from, text: mo.text }), onReceipt: (r) => receipts.record(r, s.clock.now()) }, lg);
}

/** Sends a text as the subscriber and returns the reply's parts once they have all arrived. */
async function exchange(from: string, text: string | Buffer): Promise<Submitted[]> {
  const start = sim.submits.length;
  const status = await sim.deliver(from, '10086', text);
  assert.equal(status, 0, 'deliver_sm accepted');
  await sim.waitFor(() => {
    const mine = sim.submits.slice(start).filter((s) => s.to === from && s.status === 0);
    const total = mine[0]?.udh ? readConcat(mine[0].udh, false)?.total ?? 1 : 1;
    return mine.length >= total;
  }, 'submit');
  return sim.submits.slice(start).filter((s) => s.to === from && s.status === 0);
}

const joined = (parts: Submitted[]) => parts.map((p) => p.text).join('');

before(async () => {
  env = await startTestEnv();
  sim = await SmscSimulator.start(CREDS);
  log = recordingLog();
  link = linkTo(sim.url);
  wire(link, env.s, log);
  await link.whenBound();
});

after(async () => {
  await link.stop();
  await sim.close();
  await env.close();
});

describe('texts in, replies out', () => {
  test('binds as a transceiver and answers YE with a UCS-2 reply from the short code', async () => {
    assert.ok(sim.stats.binds >= 1);
    const sub = await addSubscriber(env.db, { balanceFen: 4_321 });
    const [reply, ...rest] = await exchange(`86${sub.msisdn}`, 'YE');
    assert.equal(rest.length, 0);
    assert.equal(reply!.from, '10086');
    assert.equal(reply!.to, `86${sub.msisdn}`, 'replied to the address it came from');
    assert.equal(reply!.destTon, 1, 'with its TON');
    assert.equal(reply!.dataCoding, 0x08);
    assert.equal(reply!.esmClass & 0x40, 0);
    assert.match(reply!.text, /43\.21元/u);
  });

  test('an English keyword gets a GSM-7 reply', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 100 });
    const [reply] = await exchange(sub.msisdn, 'BAL');
    assert.equal(reply!.dataCoding, 0x00);
    assert.match(reply!.text, /¥1\.00/u);
  });

  test('a long reply goes as concatenated parts with a UDH, none over 67 UCS-2 characters', async () => {
    const sub = await addSubscriber(env.db);
    const parts = await exchange(sub.msisdn, 'XYZZY'); // unknown: the notice plus the menu
    assert.ok(parts.length >= 2);
    parts.forEach((p, i) => {
      assert.equal(p.esmClass & 0x40, 0x40, 'UDHI set');
      assert.equal(p.dataCoding, 0x08);
      const c = readConcat(p.udh!, false)!;
      assert.equal(c.total, parts.length);
      assert.equal(c.seq, i + 1);
      assert.equal(c.reference, readConcat(parts[0]!.udh!, false)!.reference);
      assert.ok(p.text.length <= 67);
    });
    assert.match(joined(parts), /^未能识别您的指令。短信营业厅：YE余额/u);
  });

  test('a long text in concatenated parts is put back together before it is read', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 777 });
    const parts = await exchange(sub.msisdn, `查余额${' '.repeat(80)}`); // 83 UCS-2 characters: two parts in
    assert.match(joined(parts), /7\.77元/u);
  });

  test('binary content and non-subscribers get a clear reply', async () => {
    const sub = await addSubscriber(env.db);
    assert.match(joined(await exchange(sub.msisdn, Buffer.from([0xde, 0xad, 0xbe, 0xef]))), /非文字内容/u);
    assert.match(joined(await exchange('13999990000', 'YE')), /不是本网用户/u);
  });

  test('charging over SMPP: a duplicated confirmation MO charges once', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 10_000 });
    const quote = joined(await exchange(sub.msisdn, 'KT LL1G'));
    const code = /验证码(\d{4})/u.exec(quote)![1]!;
    const first = joined(await exchange(sub.msisdn, code));
    const second = joined(await exchange(sub.msisdn, code));
    assert.match(first, /已成功订购1GB流量包/u);
    assert.match(second, /已使用/u);
    assert.equal((await balanceAndLedger(env.db, sub.id)).balanceFen, 9_000);
  });
});

describe('sending', () => {
  test('ESME_RTHROTTLED is retried with backoff until the SMSC accepts', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 500 });
    const start = sim.submits.length;
    const retried = link.stats.retried;
    sim.throttleNext(3);
    const [reply] = await exchange(sub.msisdn, 'YE');
    assert.match(reply!.text, /5\.00元/u);
    const mine = sim.submits.slice(start).filter((s) => s.to === sub.msisdn);
    assert.deepEqual(mine.map((s) => s.status), [0x58, 0x58, 0x58, 0]);
    assert.ok(link.stats.retried >= retried + 3);
    assert.ok(log.lines.some((l) => /ESME_RTHROTTLED/u.test(l.msg)));
  });

  test('other temporary errors are retried; a permanent error fails the send clearly and is logged', async () => {
    let queueFull = 2;
    const bad = await SmscSimulator.start({
      ...CREDS,
      refuse: (s) => {
        if (s.to === '13900009999') return ESME_RINVDSTADR;
        if (s.to === '13900008888' && queueFull > 0) {
          queueFull--;
          return ESME_RMSGQFUL;
        }
        return null;
      },
    });
    const lg = recordingLog();
    const l = linkTo(bad.url);
    wire(l, env.s, lg);
    try {
      await l.whenBound();
      await assert.rejects(l.send('13900009999', 'hello'), (e: unknown) => e instanceof SmppSendError && e.status === ESME_RINVDSTADR && /ESME_RINVDSTADR/u.test(e.message));
      assert.ok(lg.lines.some((x) => x.level === 'error' && /refused/u.test(x.msg) && JSON.stringify(x.obj).includes('ESME_RINVDSTADR')));
      assert.equal(bad.submits.filter((s) => s.to === '13900009999').length, 1, 'not retried');
      assert.equal((await l.send('13900008888', 'queue was full')).length, 1);
      assert.deepEqual(bad.submits.filter((s) => s.to === '13900008888').map((s) => s.status), [ESME_RMSGQFUL, ESME_RMSGQFUL, 0]);
      assert.equal((await l.send('13900000001', 'ok')).length, 1, 'the link still sends');
    } finally {
      await l.stop();
      await bad.close();
    }
  });

  test('the send window bounds how many submits are outstanding, and all go out', async () => {
    const l = linkTo(sim.url, { window: 2, mps: 0 });
    wire(l, env.s, recordingLog());
    try {
      await l.whenBound();
      const sends = Array.from({ length: 20 }, (_, i) => l.send('13900000001', `message ${i}`));
      // Sending is synchronous up to the window: two went out, the rest wait for answers.
      assert.deepEqual(l.pending, { queued: 18, inflight: 2 });
      const ids = await Promise.all(sends);
      assert.equal(new Set(ids.flat()).size, 20);
      assert.deepEqual(l.pending, { queued: 0, inflight: 0 });
    } finally {
      await l.stop();
    }
  });

  test('delivery receipts are recorded against the message id', async () => {
    const [id] = await link.send('13900000002', 'receipt please');
    const receipts = env.db;
    await until(async () => (await receipts.selectFrom('smsReceipt').select('id').where('messageId', '=', id!).execute()).length > 0, 'the receipt');
    const r = await receipts.selectFrom('smsReceipt').selectAll().where('messageId', '=', id!).executeTakeFirstOrThrow();
    assert.equal(r.state, 'DELIVRD');
    assert.equal(r.msisdn, '13900000002');
    assert.equal(r.errorCode, null);
    assert.ok(r.doneAt instanceof Date);
  });

  test('receipts arriving together are written in one commit, each answered only once it is written', async () => {
    const recorder = new ReceiptRecorder(env.db, { maxDelayMs: 20 });
    const receipt = (i: number) => ({ messageId: `grp-${i}`, msisdn: '13900000002', state: 'DELIVRD', errorCode: null, submittedAt: null, doneAt: null, raw: `id:grp-${i}` });
    const table = env.db;
    const count = async () => (await table.selectFrom('smsReceipt').select('id').where('messageId', 'like', 'grp-%').execute()).length;
    const waiting = Array.from({ length: 30 }, (_, i) => recorder.record(receipt(i), new Date()));
    assert.equal(await count(), 0, 'nothing is answered or written before the group is');
    await Promise.all(waiting);
    assert.equal(await count(), 30);
    const ids = await table.selectFrom('smsReceipt').select('id').where('messageId', 'like', 'grp-%').orderBy('id').execute();
    assert.equal(ids.at(-1)!.id - ids[0]!.id, 29, 'one insert: consecutive ids');
    // A receipt that cannot be written is refused (so the SMSC delivers it again); the others in
    // its group are still written and answered.
    const mixed = [
      recorder.record(receipt(100), new Date()),
      recorder.record({ ...receipt(101), messageId: null as unknown as string }, new Date()),
      recorder.record(receipt(102), new Date()),
    ];
    const results = await Promise.allSettled(mixed);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.equal(await count(), 32);
  });

  test('when the database itself fails, a group fails at once rather than row by row', async () => {
    let inserts = 0;
    const failing = {
      insertInto: () => ({ values: () => ({ execute: async () => {
        inserts++;
        throw Object.assign(new Error('connection terminated'), { code: '57P01' });
      } }) }),
    } as unknown as ConstructorParameters<typeof ReceiptRecorder>[0];
    const recorder = new ReceiptRecorder(failing, { maxDelayMs: 5 });
    const r = (i: number) => ({ messageId: `down-${i}`, msisdn: '13900000002', state: 'DELIVRD', errorCode: null, submittedAt: null, doneAt: null, raw: '' });
    const results = await Promise.allSettled([0, 1, 2, 3].map((i) => recorder.record(r(i), new Date())));
    assert.deepEqual(results.map((x) => x.status), ['rejected', 'rejected', 'rejected', 'rejected']);
    assert.equal(inserts, 1);
  });

  test('a receipt text is read field by field, TLVs first, and a NUL in it does not stop it being written', async () => {
    const text = 'id:77 sub:001 dlvrd:000 submit date:2611250210 done date:2611250211 stat:UNDELIV err:034 text:ab\0c';
    const r = parseReceipt(text, '13900000002')!;
    assert.equal(r.messageId, '77');
    assert.equal(r.state, 'UNDELIV');
    assert.equal(r.errorCode, '034');
    assert.equal(r.doneAt?.toISOString(), '2026-11-25T02:11:00.000Z');
    assert.ok(!r.raw.includes('\0'));
    assert.equal(parseReceipt('id:1 stat:DELIVRD err:000', '1', { messageId: 'tlv-9', state: 5 })?.state, 'UNDELIV', 'message_state TLV wins');
    assert.equal(parseReceipt('no id here', '1'), null);
    await new ReceiptRecorder(env.db, { maxDelayMs: 1 }).record({ ...r, messageId: 'nul-1' }, new Date());
    const table = env.db;
    const row = await table.selectFrom('smsReceipt').select('raw').where('messageId', '=', 'nul-1').executeTakeFirstOrThrow();
    assert.match(row.raw, /text:abc$/u);
  });
});

describe('the link', () => {
  test('keeps alive with enquire_link and reconnects (with backoff) when the SMSC drops it', async () => {
    const s2 = await SmscSimulator.start(CREDS);
    const l = linkTo(s2.url, { enquireLinkMs: 20 });
    wire(l, env.s, recordingLog());
    try {
      await l.whenBound();
      await until(() => s2.stats.enquireLinks >= 2, 'enquire_link');
      s2.dropConnections();
      await until(() => s2.stats.binds >= 2 && l.bound, 'a second bind');
      const sub = await addSubscriber(env.db, { balanceFen: 200 });
      const start = s2.submits.length;
      await s2.deliver(sub.msisdn, '10086', 'YE');
      await s2.waitFor(() => s2.submits.length > start, 'submit');
      assert.match(s2.submits[start]!.text, /2\.00元/u);
    } finally {
      await l.stop();
      await s2.close();
    }
  });

  test('an SMSC that stops answering enquire_link is taken as dead and rebound', async () => {
    const s3 = await SmscSimulator.start({ ...CREDS, ignoreEnquireLink: true });
    const l = linkTo(s3.url, { enquireLinkMs: 20, responseTimeoutMs: 100 });
    wire(l, env.s, recordingLog());
    try {
      await until(() => s3.stats.binds >= 2, 'a rebind after the silent enquire_link');
    } finally {
      await l.stop();
      await s3.close();
    }
  });

  test('a refused bind is logged clearly and nothing is sent', async () => {
    const lg = recordingLog();
    const l = linkTo(sim.url, { password: 'wrong' });
    wire(l, env.s, lg);
    try {
      await until(() => lg.lines.some((x) => x.level === 'error' && /bind refused/u.test(x.msg)), 'the refusal');
      assert.equal(l.bound, false);
      assert.ok(JSON.stringify(lg.lines).includes('ESME_RBINDFAIL'));
    } finally {
      await l.stop();
    }
  });

  test('stop unbinds politely and fails what is still queued', async () => {
    const s4 = await SmscSimulator.start(CREDS);
    const l = linkTo(s4.url, { mps: 1 });
    wire(l, env.s, recordingLog());
    await l.whenBound();
    const a = l.send('13900000001', 'first');
    const b = l.send('13900000001', 'second');
    const failed = assert.rejects(b, /stopped/u);
    await a;
    await l.stop();
    await failed;
    await until(() => s4.stats.unbinds === 1, 'the unbind');
    await s4.close();
  });
});

describe('one-time codes over SMPP', () => {
  test('with SMPP_URL set, sign-in codes go out through the link, not the outbox', async () => {
    const s = await buildServices({ ...env.config, smppUrl: sim.url, smppSystemId: CREDS.systemId, smppPassword: CREDS.password, smppMps: 0 }, env.db, { clock: env.clock, defaultMetrics: false });
    const app = await buildApp(s);
    const started = startSmpp(s, recordingLog());
    assert.ok(started);
    try {
      await started.whenBound();
      const sub = await addSubscriber(env.db);
      const start = sim.submits.length;
      const r = await app.inject({ method: 'POST', url: '/api/v1/auth/otp', payload: { msisdn: sub.msisdn } });
      assert.equal(r.statusCode, 202, r.body);
      // The code goes out after the answer (known and unknown numbers are answered alike).
      await s.otp.settled();
      const mine = sim.submits.slice(start).filter((x) => x.to === sub.msisdn);
      assert.match(joined(mine), /验证码是(\d{6})/u);
      const code = /验证码是(\d{6})/u.exec(joined(mine))![1]!;
      const outbox = await env.db.selectFrom('smsOutbox').select('id').where('msisdn', '=', sub.msisdn).execute();
      assert.equal(outbox.length, 0);
      const tok = await app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { msisdn: sub.msisdn, code } });
      assert.equal(tok.statusCode, 200, tok.body);
      // The link shows in /metrics: bound, nothing waiting, the code counted as submitted.
      const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      assert.match(metrics, /^omnihall_smpp_bound 1$/m);
      assert.match(metrics, /^omnihall_smpp_parts\{state="queued"\} 0$/m);
      assert.match(metrics, /^omnihall_smpp_events_total\{event="binds"\} 1$/m);
      assert.match(metrics, /^omnihall_smpp_events_total\{event="submitted"\} [1-9]\d*$/m);

      // With the link down the request fails clearly (503) and stores no code.
      await started.stop();
      const other = await addSubscriber(env.db);
      const down = await app.inject({ method: 'POST', url: '/api/v1/auth/otp', payload: { msisdn: other.msisdn } });
      assert.equal(down.statusCode, 503, down.body);
      assert.ok(down.headers['retry-after']);
      assert.equal((await env.db.selectFrom('otpChallenge').select('id').where('msisdn', '=', other.msisdn).execute()).length, 0);
      // A number that is not ours is told the same, so the answer says nothing about who is a subscriber.
      const stranger = await app.inject({ method: 'POST', url: '/api/v1/auth/otp', payload: { msisdn: '13999999990' } });
      assert.equal(stranger.statusCode, 503, stranger.body);
    } finally {
      await started.stop();
      await app.close();
      await s.close();
    }
  });
});
