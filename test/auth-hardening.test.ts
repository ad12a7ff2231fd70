// Sign-in and tokens under a hostile client (issue 13): limits per source address and per number
// with growing blocks, counted in /metrics; sessions that end on every node (sign-out, a staff
// user disabled or given other roles); numbers that cannot be told apart by /auth/otp.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../src/app.ts';
import { buildServices } from '../src/container.ts';
import {
  OTP_LIMITS, PostgresLimitStore, RedisLimitStore, addressSubject, type LimitRule, type LimitStore,
} from '../src/modules/identity/index.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import { addSubscriber, callBusiness, lastCode, signIn, startTestEnv, type TestEnv } from './helpers.ts';

let env: TestEnv;
before(async () => {
  env = await startTestEnv();
});
after(async () => {
  await env.close();
});

let nextIp = 0;
/** A source address no other test uses (127.0.0.1 is exempt in the test harness, as a kiosk would be). */
const freshIp = () => `198.51.${Math.floor(++nextIp / 250)}.${nextIp % 250}`;
let nextNumber = 17700000000;
const unknownNumber = () => String(++nextNumber);

const otp = (msisdn: string, ip: string, lang = 'zh-CN') =>
  env.app.inject({ method: 'POST', url: '/api/v1/auth/otp', payload: { msisdn }, remoteAddress: ip, headers: { 'accept-language': lang } });
const token = (msisdn: string, code: string, ip: string) =>
  env.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { msisdn, code }, remoteAddress: ip });

async function metric(name: string, limit: string): Promise<number> {
  const text = (await env.app.inject({ method: 'GET', url: '/metrics' })).body;
  const line = text.split('\n').find((l) => l.startsWith(`${name}{limit="${limit}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('limits per source address and per number', () => {
  test('200 codes asked for 200 numbers from one address: 10 texts, then 429 with Retry-After, the block growing', async () => {
    const ip = freshIp();
    const before = await metric('omnihall_rate_limited_total', 'otp.send.address');
    const numbers = await Promise.all(Array.from({ length: 20 }, () => addSubscriber(env.db)));
    const all = [...numbers.map((n) => n.msisdn), ...Array.from({ length: 180 }, unknownNumber)];
    const rs = [];
    for (const m of all) rs.push(await otp(m, ip));
    assert.equal(rs.filter((r) => r.statusCode === 202).length, OTP_LIMITS.sendPerAddress.limit);
    const refused = rs.filter((r) => r.statusCode === 429);
    assert.equal(refused.length, 200 - OTP_LIMITS.sendPerAddress.limit);
    for (const r of refused) {
      assert.equal(r.json().code, 'RATE_LIMITED');
      assert.ok(Number(r.headers['retry-after']) > 0 && Number(r.headers['retry-after']) <= 60);
      assert.equal(r.json().retryAfter, Number(r.headers['retry-after']));
    }
    assert.match(refused[0]!.json().detail, /请 60 秒后再试/);
    const texts = await env.db.selectFrom('smsOutbox').select('id').where('msisdn', 'in', all).execute();
    assert.ok(texts.length <= OTP_LIMITS.sendPerAddress.limit, `${texts.length} texts`);
    assert.equal(await metric('omnihall_rate_limited_total', 'otp.send.address'), before + 190, 'every refusal counted');

    // After the block the window has not ended: the next one blocks again, twice as long.
    env.clock.advance(61_000);
    const again = await otp(unknownNumber(), ip);
    assert.equal(again.statusCode, 429);
    assert.equal(again.headers['retry-after'], '120');
    // Another address is not held up.
    assert.equal((await otp(unknownNumber(), freshIp())).statusCode, 202);
  });

  test('wrong codes spread over 20 numbers from one address: 429 after 10; the right code does not count', async () => {
    const ip = freshIp();
    const subs = await Promise.all(Array.from({ length: 20 }, () => addSubscriber(env.db)));
    for (const s of subs) assert.equal((await otp(s.msisdn, '127.0.0.1')).statusCode, 202);
    // A right code from the address is not a failure.
    const good = subs[0]!;
    assert.equal((await token(good.msisdn, await lastCode(env, good.msisdn), ip)).statusCode, 200);
    const rs = [];
    for (let i = 0; i < 100; i++) rs.push(await token(subs[i % 20]!.msisdn, String(100000 + i), ip));
    const statuses = rs.map((r) => r.statusCode);
    assert.deepEqual(statuses.slice(0, OTP_LIMITS.verifyPerAddress.limit), Array(OTP_LIMITS.verifyPerAddress.limit).fill(401));
    assert.ok(statuses.slice(OTP_LIMITS.verifyPerAddress.limit).every((s) => s === 429), statuses.join());
    assert.ok(Number(rs[99]!.headers['retry-after']) > 0);
    // The right code from that address is refused too while it is blocked.
    const other = subs[1]!;
    assert.equal((await token(other.msisdn, await lastCode(env, other.msisdn), ip)).statusCode, 429);
  });

  test('wrong codes for one number from many addresses: 429 after 10 an hour, whatever code they were for', async () => {
    const sub = await addSubscriber(env.db);
    const rs = [];
    for (let i = 0; i < 12; i++) {
      if (i % 4 === 0) {
        env.clock.advance(61_000);
        assert.equal((await otp(sub.msisdn, '127.0.0.1')).statusCode, 202);
      }
      rs.push((await token(sub.msisdn, String(200000 + i), freshIp())).statusCode);
    }
    assert.deepEqual(rs, [...Array(10).fill(401), 429, 429]);
    const code = await lastCode(env, sub.msisdn);
    assert.equal((await token(sub.msisdn, code, freshIp())).statusCode, 429, 'the number is blocked, the right code too');
    env.clock.advance(OTP_LIMITS.verifyPerNumber.blockS * 1000 + 1000);
    assert.ok((await metric('omnihall_rate_limited_total', 'otp.verify.number')) >= 1);
  });

  test('staff password guesses: across usernames from one address locked after 20, one username after 5, on /auth/staff/token too', async () => {
    const ip = freshIp();
    const before = await metric('omnihall_rate_limited_total', 'staff.sign-in.address');
    const rs = [];
    for (let i = 0; i < 200; i++) {
      rs.push((await env.app.inject({ method: 'POST', url: '/api/v1/auth/staff/token', payload: { username: `guess${i}`, password: 'password1' }, remoteAddress: ip })).statusCode);
    }
    assert.deepEqual(rs.slice(0, 20), Array(20).fill(401));
    assert.ok(rs.slice(20).every((s) => s === 429));
    assert.equal(await metric('omnihall_rate_limited_total', 'staff.sign-in.address'), before + 180);

    await createStaffUser(env.db, { username: 'target', displayName: 'Target', password: 'correct horse battery', roles: ['agent'] });
    const one = [];
    for (let i = 0; i < 7; i++) {
      one.push((await env.app.inject({ method: 'POST', url: '/api/v1/auth/staff/token', payload: { username: 'target', password: `guess ${i}` }, remoteAddress: freshIp() })).statusCode);
    }
    assert.deepEqual(one, [401, 401, 401, 401, 401, 429, 429]);
    assert.ok((await metric('omnihall_rate_limited_total', 'staff.sign-in.user')) >= 2);
  });

  test('an IPv6 client is counted by its /64', () => {
    assert.equal(addressSubject('2001:db8:1:2:aaaa::1'), addressSubject('2001:db8:1:2:bbbb:cccc:dddd:eeee'));
    assert.notEqual(addressSubject('2001:db8:1:2::1'), addressSubject('2001:db8:1:3::1'));
    assert.equal(addressSubject('::ffff:192.0.2.7'), '192.0.2.7');
  });
});

describe('the limits\' counters', () => {
  const rule: LimitRule = { name: `test.${process.pid}.${Date.now()}`, limit: 3, windowS: 60, blockS: 10, maxBlockS: 40 };
  const stores: [string, () => LimitStore, boolean][] = [
    ['PostgreSQL', () => new PostgresLimitStore(env.db), false],
    ['Redis', () => new RedisLimitStore(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', `omnihall:test:${process.pid}:`), true],
  ];
  for (const [name, make] of stores) {
    test(`${name}: a limit, a block that doubles up to its most, counters shared by every node, a refund`, async () => {
      const a = make();
      const b = make();
      try {
        const t0 = Date.parse('2026-11-15T02:00:00Z');
        const subject = `s${Math.random()}`;
        // Two nodes' hits at once add up.
        const first = await Promise.all([a.hit(rule, subject, t0), b.hit(rule, subject, t0), a.hit(rule, subject, t0)]);
        assert.ok(first.every((v) => v.ok));
        assert.deepEqual(await b.hit(rule, subject, t0 + 1), { ok: false, retryAfter: 10 });
        assert.deepEqual(await a.hit(rule, subject, t0 + 5_001), { ok: false, retryAfter: 5 }, 'blocked: not counted, the time left');
        assert.deepEqual(await a.hit(rule, subject, t0 + 11_000), { ok: false, retryAfter: 20 });
        assert.deepEqual(await b.hit(rule, subject, t0 + 32_000), { ok: false, retryAfter: 40 });
        assert.deepEqual(await b.hit(rule, subject, t0 + 73_000), { ok: true }, 'a new window');
        const other = `o${Math.random()}`;
        for (let i = 0; i < 3; i++) assert.ok((await a.hit(rule, other, t0)).ok);
        await b.refund(rule, other);
        assert.ok((await a.hit(rule, other, t0)).ok, 'the refunded hit is not counted');
        assert.equal((await a.hit(rule, other, t0)).ok, false);
      } finally {
        await a.close();
        await b.close();
      }
    });
  }
});

describe('sessions end on every node', () => {
  /** A second node on the same database: its own services and its own memory of ended sessions. */
  async function secondNode() {
    const s = await buildServices(env.config, env.db, { clock: env.clock, defaultMetrics: false });
    const app = await buildApp(s);
    await app.ready();
    return { s, app, async close() { await app.close(); await s.close(); } };
  }

  test('a subscriber signs out: that token is refused on both nodes at once and after, another session goes on', async () => {
    const node2 = await secondNode();
    try {
      const { msisdn } = await addSubscriber(env.db);
      const t1 = await signIn(env, msisdn);
      env.clock.advance(61_000);
      const t2 = await signIn(env, msisdn);
      const balance = (app: typeof env.app, t: string) => app.inject({ method: 'POST', url: '/api/v1/businesses/balance.query', payload: {}, headers: { authorization: `Bearer ${t}` } });
      assert.equal((await balance(node2.app, t1)).statusCode, 200, 'node 2 has checked and cached the token');
      const out = await node2.app.inject({ method: 'POST', url: '/api/v1/auth/sign-out', headers: { authorization: `Bearer ${t1}` } });
      assert.equal(out.statusCode, 204);
      assert.equal(out.body, '');
      assert.equal((await balance(node2.app, t1)).statusCode, 401, 'at once on the node that signed out');
      // The other node reads it within a second; wait for that without telling it.
      let status = 0;
      for (let i = 0; i < 100 && status !== 401; i++) {
        status = (await balance(env.app, t1)).statusCode;
        if (status !== 401) await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(status, 401, 'refused on the other node too');
      assert.equal((await balance(env.app, t2)).statusCode, 200, 'the other session goes on');
      assert.equal((await env.app.inject({ method: 'POST', url: '/api/v1/auth/sign-out', headers: { authorization: `Bearer ${t1}` } })).statusCode, 401);
      assert.equal((await env.app.inject({ method: 'POST', url: '/api/v1/auth/sign-out' })).statusCode, 401);

      // Everywhere: every session of the subscriber ends.
      assert.equal((await env.app.inject({ method: 'POST', url: '/api/v1/auth/sign-out', payload: { everywhere: true }, headers: { authorization: `Bearer ${t2}` } })).statusCode, 204);
      await node2.s.authSessions.sync();
      assert.equal((await balance(node2.app, t2)).statusCode, 401);
      env.clock.advance(61_000);
      const t3 = await signIn(env, msisdn);
      await node2.s.authSessions.sync();
      assert.equal((await balance(node2.app, t3)).statusCode, 200, 'a new sign-in works');
    } finally {
      await node2.close();
    }
  });

  test('a staff user disabled or given other roles on one node: every old token refused on the other, on every route', async () => {
    const node2 = await secondNode();
    try {
      const admin = await createStaffUser(env.db, { username: 'boss-sessions', displayName: 'Boss', password: 'correct horse battery', roles: ['admin'] });
      await createStaffUser(env.db, { username: 'agent-sessions', displayName: 'Agent', password: 'correct horse battery', roles: ['agent', 'product'] });
      const signInStaff = async (username: string) => {
        const r = await env.app.inject({ method: 'POST', url: '/api/v1/console/auth/sign-in', payload: { username, password: 'correct horse battery' }, remoteAddress: freshIp() });
        assert.equal(r.statusCode, 200, r.body);
        return r.json() as { token: string; user: { id: number } };
      };
      const boss = await signInStaff('boss-sessions');
      assert.equal(boss.user.id, admin);
      const agent = await signInStaff('agent-sessions');
      const { msisdn } = await addSubscriber(env.db);
      const asAgent = (app: typeof env.app, t: string) => app.inject({ method: 'POST', url: '/api/v1/businesses/balance.query', payload: { msisdn }, headers: { authorization: `Bearer ${t}` } });
      // Removing a listener that does not exist: 404 for product staff, 403 for others, 401 for an ended token (a route that reads only the token's roles).
      const hub = (app: typeof env.app, t: string) => app.inject({ method: 'DELETE', url: '/tmf-api/productCatalogManagement/v4/hub/none', headers: { authorization: `Bearer ${t}` } });
      assert.equal((await asAgent(node2.app, agent.token)).statusCode, 200);
      assert.equal((await hub(node2.app, agent.token)).statusCode, 404);

      // Roles changed on node 1: the token with the old roles is refused on node 2, on routes that read only the token too.
      const patch = await env.app.inject({ method: 'PATCH', url: `/api/v1/console/staff/${agent.user.id}`, payload: { roles: ['agent'] }, headers: { authorization: `Bearer ${boss.token}` } });
      assert.equal(patch.statusCode, 200, patch.body);
      await node2.s.authSessions.sync();
      assert.equal((await asAgent(node2.app, agent.token)).statusCode, 401);
      assert.equal((await hub(node2.app, agent.token)).statusCode, 401);
      const agent2 = await signInStaff('agent-sessions');
      assert.equal((await asAgent(node2.app, agent2.token)).statusCode, 200);
      assert.equal((await hub(node2.app, agent2.token)).statusCode, 403, 'the new token has only the new roles');

      // Disabled on node 2: refused on node 1.
      assert.equal((await node2.app.inject({ method: 'PATCH', url: `/api/v1/console/staff/${agent.user.id}`, payload: { active: false }, headers: { authorization: `Bearer ${boss.token}` } })).statusCode, 200);
      await env.s.authSessions.sync();
      assert.equal((await asAgent(env.app, agent2.token)).statusCode, 401);

      // The console's sign-out ends the session, audited.
      const out = await node2.app.inject({ method: 'POST', url: '/api/v1/console/auth/sign-out', headers: { authorization: `Bearer ${boss.token}` } });
      assert.equal(out.statusCode, 204);
      await env.s.authSessions.sync();
      assert.equal((await env.app.inject({ method: 'GET', url: '/api/v1/console/me', headers: { authorization: `Bearer ${boss.token}` } })).statusCode, 401);
      const log = await env.db.selectFrom('auditEntry').select(['action', 'actorId']).where('action', '=', 'staff.sign-out').execute();
      assert.deepEqual(log, [{ action: 'staff.sign-out', actorId: admin }]);
    } finally {
      await node2.close();
    }
  });
});

describe('numbers cannot be told apart', () => {
  test('a subscriber\'s number and an unknown one get the same answer, the same limits, and only the subscriber a text', async () => {
    const { msisdn } = await addSubscriber(env.db);
    const closed = await addSubscriber(env.db, { status: 'closed' });
    const unknown = unknownNumber();
    const first = await Promise.all([msisdn, closed.msisdn, unknown].map((m) => otp(m, freshIp(), 'en')));
    for (const r of first) {
      assert.equal(r.statusCode, 202);
      assert.deepEqual(r.json(), {
        expiresInSeconds: 300, message: 'If this is an omnihall number, a code is on its way',
        messages: { 'zh-CN': '如果这是本网号码，验证码已发送', en: 'If this is an omnihall number, a code is on its way' },
      });
    }
    // A second ask within the minute: the limit per number holds alike.
    const seconds = await Promise.all([msisdn, closed.msisdn, unknown].map((m) => otp(m, freshIp())));
    for (const r of seconds) {
      assert.equal(r.statusCode, 429);
      assert.equal(r.json().code, 'RATE_LIMITED');
    }
    const texts = await env.db.selectFrom('smsOutbox').select('msisdn').where('msisdn', 'in', [msisdn, closed.msisdn, unknown]).execute();
    assert.deepEqual(texts.map((t) => t.msisdn), [msisdn]);

    // Wrong codes answer alike; and no code ever signs in an unknown or closed number.
    for (const m of [msisdn, unknown]) {
      const r = await token(m, '000000', freshIp());
      assert.equal(r.statusCode, 401);
      assert.equal(r.json().code, 'OTP_INVALID');
    }
    const code = await lastCode(env, msisdn);
    for (const m of [unknown, closed.msisdn]) assert.equal((await token(m, code, freshIp())).statusCode, 401);
    assert.equal((await token(msisdn, code, freshIp())).statusCode, 200);
  });
});

describe('strict tokens over HTTP', () => {
  test('a token with anything added to or changed in its signature is refused', async () => {
    const { msisdn } = await addSubscriber(env.db);
    const t = await signIn(env, msisdn);
    const ask = (v: string) => callBusiness(env, v, 'balance.query');
    assert.equal((await ask(t)).statusCode, 200);
    const [body, sig] = t.split('.') as [string, string];
    for (const bad of [`${t}==`, `${t}!!~~`, `${body}.${sig.slice(0, 20)} ${sig.slice(20)}`, `${t}A`, `${body}.${sig.slice(0, -1)}${String.fromCharCode(sig.charCodeAt(sig.length - 1) + 1)}`]) {
      assert.equal((await ask(bad)).statusCode, 401, bad);
    }
  });
});
