// The staff console's sign-in, own password, staff users and audit log (docs/console-api.md):
// lockout that grows, roles that decide access, every action audited without password hashes,
// and bad input refused with problem JSON and nothing changed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createStaffUser, STAFF_DIRECTORY_TTL_MS } from '../src/modules/staff/index.ts';
import type { StaffRole } from '../src/platform/principal.ts';
import { startTestEnv, type TestEnv } from './helpers.ts';

const PASSWORD = 'correct horse battery';
const BASE = '/api/v1/console';

let env: TestEnv;
let admin: string;
let adminId: number;
before(async () => {
  env = await startTestEnv();
  const u = await addUser(['admin'], 'boss');
  admin = u.token;
  adminId = u.id;
});
after(async () => {
  await env.close();
});

let nextUser = 0;
let nextIp = 0;
/** A source address no other test uses, so each test's address counter starts at nought. */
const freshIp = () => `10.1.${Math.floor(++nextIp / 250)}.${nextIp % 250}`;

function call(method: 'GET' | 'POST' | 'PATCH', url: string, o: { token?: string; body?: unknown; ip?: string } = {}) {
  return env.app.inject({
    method, url: `${BASE}${url}`, remoteAddress: o.ip ?? '127.0.0.1',
    headers: o.token ? { authorization: `Bearer ${o.token}` } : {},
    ...(o.body === undefined ? {} : { payload: o.body as Record<string, unknown> }),
  });
}

function signIn(username: string, password: string, ip?: string) {
  return call('POST', '/auth/sign-in', { body: { username, password }, ip });
}

async function addUser(roles: StaffRole[], prefix = 'user'): Promise<{ id: number; username: string; token: string }> {
  const username = `${prefix}${++nextUser}`;
  const id = await createStaffUser(env.db, { username, displayName: `${prefix} ${nextUser}`, password: PASSWORD, roles });
  const r = await signIn(username, PASSWORD);
  assert.equal(r.statusCode, 200, r.body);
  return { id, username, token: r.json().token };
}

function assertProblem(r: { statusCode: number; headers: Record<string, unknown>; json(): any; body: string }, status: number, code: string) {
  assert.equal(r.statusCode, status, r.body);
  assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
  assert.equal(r.json().code, code);
  assert.equal(r.json().status, status);
}

async function auditOf(q: Record<string, string | number>) {
  const r = await call('GET', `/audit?${new URLSearchParams(Object.entries(q).map(([k, v]): [string, string] => [k, String(v)]))}`, { token: admin });
  assert.equal(r.statusCode, 200, r.body);
  return r.json() as { items: { action: string; actorId: number | null; actorName: string; entityType: string; entityId: string; before: any; after: any; sourceIp: string | null; at: string }[]; total: number };
}

async function counts() {
  const staff = await env.db.selectFrom('staffUser').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  const audit = await env.db.selectFrom('auditEntry').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return { staff: Number(staff.n), audit: Number(audit.n) };
}

describe('sign-in', () => {
  test('the right password gives a token and the user; the sign-in is audited with the source address', async () => {
    const username = `alice${++nextUser}`;
    const id = await createStaffUser(env.db, { username, displayName: '爱丽丝', password: PASSWORD, roles: ['product'] });
    const ip = freshIp();
    const r = await signIn(username, PASSWORD, ip);
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json();
    assert.ok(body.token.length > 20);
    assert.equal(body.expiresInSeconds, 8 * 3600);
    assert.deepEqual({ ...body.user, createdAt: undefined }, { id, username, displayName: '爱丽丝', roles: ['product'], active: true, createdAt: undefined });
    assert.ok(!Number.isNaN(Date.parse(body.user.createdAt)));

    const me = await call('GET', '/me', { token: body.token });
    assert.equal(me.statusCode, 200, me.body);
    assert.equal(me.json().username, username);

    const log = await auditOf({ action: 'staff.sign-in', entityId: String(id) });
    assert.equal(log.items[0]!.action, 'staff.sign-in');
    assert.equal(log.items[0]!.actorId, id);
    assert.equal(log.items[0]!.actorName, '爱丽丝');
    assert.equal(log.items[0]!.sourceIp, ip);
  });

  test('a wrong password and an unknown username get the same answer, and both are audited', async () => {
    const u = await addUser(['agent']);
    const ip = freshIp();
    const wrong = await signIn(u.username, 'not the password', ip);
    const unknown = await signIn('nobody-here', 'not the password', ip);
    assertProblem(wrong, 401, 'BAD_CREDENTIALS');
    assertProblem(unknown, 401, 'BAD_CREDENTIALS');
    assert.equal(wrong.json().detail, unknown.json().detail);

    const mine = await auditOf({ actor: u.username, action: 'staff.sign-in.failed' });
    assert.equal(mine.items[0]!.after.reason, 'bad-password');
    assert.equal(mine.items[0]!.sourceIp, ip);
    assert.equal(mine.items[0]!.entityId, String(u.id));
    const nobody = await auditOf({ actor: 'nobody-here' });
    assert.equal(nobody.items[0]!.action, 'staff.sign-in.failed');
    assert.equal(nobody.items[0]!.after.reason, 'unknown-user');
  });

  test('after five wrong passwords even the right one waits, and each further failure doubles the wait', async () => {
    const u = await addUser(['agent']);
    const ip = freshIp();
    for (let i = 0; i < 5; i++) assertProblem(await signIn(u.username, `wrong ${i}`, ip), 401, 'BAD_CREDENTIALS');
    let r = await signIn(u.username, PASSWORD, ip);
    assertProblem(r, 429, 'TOO_MANY_ATTEMPTS');
    assert.equal(r.headers['retry-after'], '30');
    assert.equal(r.json().retryAfter, 30);

    // From another address too: it is the username that is locked.
    assertProblem(await signIn(u.username, PASSWORD, freshIp()), 429, 'TOO_MANY_ATTEMPTS');

    for (const wait of [60, 120, 240]) {
      env.clock.advance((r.json().retryAfter + 1) * 1000);
      assertProblem(await signIn(u.username, 'still wrong', ip), 401, 'BAD_CREDENTIALS');
      r = await signIn(u.username, PASSWORD, ip);
      assertProblem(r, 429, 'TOO_MANY_ATTEMPTS');
      assert.equal(r.json().retryAfter, wait);
      assert.equal(r.headers['retry-after'], String(wait));
    }
    // Refused attempts are audited too.
    assert.equal((await auditOf({ actor: u.username, action: 'staff.sign-in.failed' })).items[0]!.after.reason, 'locked');

    env.clock.advance(241_000);
    assert.equal((await signIn(u.username, PASSWORD, ip)).statusCode, 200);
    // The success cleared the username's count: one mistake is an ordinary mistake again.
    assertProblem(await signIn(u.username, 'a typo', ip), 401, 'BAD_CREDENTIALS');
    assert.equal((await signIn(u.username, PASSWORD, ip)).statusCode, 200);
  });

  test('the wait stops growing at an hour', async () => {
    const u = await addUser(['agent']);
    const ip = freshIp();
    for (let i = 0; i < 5; i++) await signIn(u.username, 'wrong', ip);
    let r = await signIn(u.username, 'wrong', ip);
    for (let i = 0; i < 9; i++) {
      env.clock.advance((r.json().retryAfter + 1) * 1000);
      await signIn(u.username, 'wrong', ip);
      r = await signIn(u.username, 'wrong', ip);
      assertProblem(r, 429, 'TOO_MANY_ATTEMPTS');
    }
    assert.equal(r.json().retryAfter, 3600);
    env.clock.advance(3601_000);
  });

  test('an unknown username is locked like a real one (no telling which exist)', async () => {
    const ip = freshIp();
    for (let i = 0; i < 5; i++) assertProblem(await signIn('ghost', 'wrong', ip), 401, 'BAD_CREDENTIALS');
    const r = await signIn('ghost', 'wrong', ip);
    assertProblem(r, 429, 'TOO_MANY_ATTEMPTS');
    assert.equal(r.json().retryAfter, 30);
  });

  test('a burst of parallel guesses is counted as it comes: five are checked, the rest refused', async () => {
    const u = await addUser(['agent']);
    const ip = freshIp();
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => signIn(u.username, `guess ${i}`, ip)));
    assert.equal(answers.filter((a) => a.statusCode === 401).length, 5);
    assert.equal(answers.filter((a) => a.statusCode === 429).length, 7);
  });

  test('twenty failures from one address lock that address for every username, not others', async () => {
    const u = await addUser(['agent']);
    const ip = freshIp();
    for (let i = 0; i < 20; i++) assertProblem(await signIn(`sprayed${i}`, 'Summer2026!', ip), 401, 'BAD_CREDENTIALS');
    const r = await signIn(u.username, PASSWORD, ip);
    assertProblem(r, 429, 'TOO_MANY_ATTEMPTS');
    assert.equal(r.headers['retry-after'], '30');
    // The refused attempt counted nothing against the username.
    assert.equal((await signIn(u.username, PASSWORD, freshIp())).statusCode, 200);
    env.clock.advance(31_000);
    assertProblem(await signIn('sprayed-again', 'x', ip), 401, 'BAD_CREDENTIALS');
    assert.equal((await signIn(u.username, PASSWORD, ip)).json().retryAfter, 60);
  });

  test('successful sign-ins from one address never add up to a lock', async () => {
    const u = await addUser(['agent']);
    const ip = freshIp();
    for (let i = 0; i < 25; i++) assert.equal((await signIn(u.username, PASSWORD, ip)).statusCode, 200);
  });

  test('the API\'s staff token route is locked the same way', async () => {
    const u = await addUser(['agent']);
    const ip = freshIp();
    const token = (password: string) => env.app.inject({ method: 'POST', url: '/api/v1/auth/staff/token', payload: { username: u.username, password }, remoteAddress: ip });
    for (let i = 0; i < 3; i++) assertProblem(await token('wrong'), 401, 'BAD_CREDENTIALS');
    for (let i = 0; i < 2; i++) assertProblem(await signIn(u.username, 'wrong', ip), 401, 'BAD_CREDENTIALS');
    const r = await token(PASSWORD);
    assertProblem(r, 429, 'TOO_MANY_ATTEMPTS');
    assert.equal(r.headers['retry-after'], '30');
  });
});

describe('staff users (admin)', () => {
  test('an admin creates a user who can sign in; a taken username is a conflict', async () => {
    const username = `carol${++nextUser}`;
    const r = await call('POST', '/staff', { token: admin, body: { username, displayName: '卡罗尔', password: 'a long enough one', roles: ['marketing'] } });
    assert.equal(r.statusCode, 201, r.body);
    assert.equal(r.json().username, username);
    assert.deepEqual(r.json().roles, ['marketing']);
    assert.equal(r.json().active, true);
    assert.equal((await signIn(username, 'a long enough one')).statusCode, 200);

    const again = await call('POST', '/staff', { token: admin, body: { username, displayName: 'x', password: 'a long enough one', roles: ['agent'] } });
    assertProblem(again, 409, 'CONFLICT');

    const list = await call('GET', '/staff', { token: admin });
    assert.equal(list.statusCode, 200);
    assert.ok(list.json().items.some((x: { username: string }) => x.username === username));
    assert.ok(!list.body.includes('scrypt'), 'no password hash in the list');

    const log = await auditOf({ action: 'staff.create', entityId: String(r.json().id) });
    assert.equal(log.total, 1);
    assert.equal(log.items[0]!.actorId, adminId);
    assert.equal(log.items[0]!.before, null);
    assert.equal(log.items[0]!.after.username, username);
    assert.deepEqual(log.items[0]!.after.roles, ['marketing']);
  });

  test('a new user\'s password follows the same rules as a changed one', async () => {
    const before = await counts();
    assertProblem(await call('POST', '/staff', { token: admin, body: { username: 'shorty', displayName: 'S', password: 'too short', roles: ['agent'] } }), 400, 'INVALID_INPUT');
    assertProblem(await call('POST', '/staff', { token: admin, body: { username: 'samename12', displayName: 'S', password: 'samename12', roles: ['agent'] } }), 400, 'INVALID_INPUT');
    assert.deepEqual(await counts(), before);
  });

  test('an admin disables a user: sign-in refused, and their token at once on this node', async () => {
    const u = await addUser(['agent']);
    assert.equal((await call('GET', '/me', { token: u.token })).statusCode, 200);
    const r = await call('PATCH', `/staff/${u.id}`, { token: admin, body: { active: false } });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().active, false);
    assertProblem(await call('GET', '/me', { token: u.token }), 401, 'UNAUTHENTICATED');
    assertProblem(await signIn(u.username, PASSWORD, freshIp()), 401, 'BAD_CREDENTIALS');
    assert.equal((await auditOf({ actor: u.username, action: 'staff.sign-in.failed' })).items[0]!.after.reason, 'disabled');

    const log = await auditOf({ action: 'staff.disable', entityId: String(u.id) });
    assert.equal(log.total, 1);
    assert.equal(log.items[0]!.before.active, true);
    assert.equal(log.items[0]!.after.active, false);

    const back = await call('PATCH', `/staff/${u.id}`, { token: admin, body: { active: true } });
    assert.equal(back.json().active, true);
    // Enabled again, the user signs in again: the old session ended for good.
    assertProblem(await call('GET', '/me', { token: u.token }), 401, 'UNAUTHENTICATED');
    const again = await signIn(u.username, PASSWORD, freshIp());
    assert.equal(again.statusCode, 200, again.body);
    assert.equal((await call('GET', '/me', { token: again.json().token })).statusCode, 200);
    assert.equal((await auditOf({ action: 'staff.enable', entityId: String(u.id) })).total, 1);
  });

  test('a user disabled by another node is refused within the directory\'s cache time', async () => {
    const u = await addUser(['agent']);
    assert.equal((await call('GET', '/me', { token: u.token })).statusCode, 200);
    // Another node's change: straight to the database, this node not told.
    await env.db.updateTable('staffUser').set({ active: false }).where('id', '=', u.id).execute();
    env.clock.advance(STAFF_DIRECTORY_TTL_MS + 1);
    assertProblem(await call('GET', '/me', { token: u.token }), 401, 'UNAUTHENTICATED');
  });

  test('roles changed by an admin end the user\'s sessions; signed in again, the new roles decide', async () => {
    const u = await addUser(['product']);
    assertProblem(await call('GET', '/staff', { token: u.token }), 403, 'FORBIDDEN');
    const up = await call('PATCH', `/staff/${u.id}`, { token: admin, body: { roles: ['product', 'admin'], displayName: '产品兼管理' } });
    assert.equal(up.statusCode, 200, up.body);
    assert.deepEqual(up.json().roles, ['admin', 'product']);
    assert.equal(up.json().displayName, '产品兼管理');
    assertProblem(await call('GET', '/staff', { token: u.token }), 401, 'UNAUTHENTICATED');
    const upToken = (await signIn(u.username, PASSWORD, freshIp())).json().token as string;
    assert.equal((await call('GET', '/staff', { token: upToken })).statusCode, 200);

    const down = await call('PATCH', `/staff/${u.id}`, { token: admin, body: { roles: ['agent'] } });
    assert.deepEqual(down.json().roles, ['agent']);
    assertProblem(await call('GET', '/staff', { token: upToken }), 401, 'UNAUTHENTICATED');
    const downToken = (await signIn(u.username, PASSWORD, freshIp())).json().token as string;
    assertProblem(await call('GET', '/staff', { token: downToken }), 403, 'FORBIDDEN');

    const log = await auditOf({ action: 'staff.update', entityId: String(u.id) });
    assert.equal(log.total, 2);
    assert.deepEqual(log.items[0]!.before.roles, ['admin', 'product']);
    assert.deepEqual(log.items[0]!.after.roles, ['agent']);
    assert.equal(log.items[1]!.before.displayName, `user ${u.username.slice(4)}`);
    assert.equal(log.items[1]!.after.displayName, '产品兼管理');
    // A change of display name alone leaves sessions alone.
    assert.equal((await call('PATCH', `/staff/${u.id}`, { token: admin, body: { displayName: '客服' } })).statusCode, 200);
    assert.equal((await call('GET', '/me', { token: downToken })).statusCode, 200);
  });

  test('an admin cannot disable themself or take away their own admin role', async () => {
    const before = await counts();
    assertProblem(await call('PATCH', `/staff/${adminId}`, { token: admin, body: { active: false } }), 400, 'INVALID_INPUT');
    assertProblem(await call('PATCH', `/staff/${adminId}`, { token: admin, body: { roles: ['product'] } }), 400, 'INVALID_INPUT');
    assert.deepEqual(await counts(), before);
    assert.equal((await call('GET', '/staff', { token: admin })).statusCode, 200);
  });

  test('an unknown user is not found', async () => {
    assertProblem(await call('PATCH', '/staff/999999', { token: admin, body: { active: false } }), 404, 'NOT_FOUND');
  });

  test('only an admin manages staff and reads the audit log', async () => {
    const before = await counts();
    for (const role of ['product', 'marketing', 'agent', 'ops'] as const) {
      const u = await addUser([role]);
      const now = await counts();
      assertProblem(await call('GET', '/staff', { token: u.token }), 403, 'FORBIDDEN');
      assertProblem(await call('GET', '/audit', { token: u.token }), 403, 'FORBIDDEN');
      assertProblem(await call('POST', '/staff', { token: u.token, body: { username: `x${role}`, displayName: 'x', password: 'long enough password', roles: ['admin'] } }), 403, 'FORBIDDEN');
      assertProblem(await call('PATCH', `/staff/${u.id}`, { token: u.token, body: { roles: ['admin'] } }), 403, 'FORBIDDEN');
      assert.deepEqual(await counts(), now);
    }
    assert.equal((await counts()).staff, before.staff + 4);
    assertProblem(await call('GET', '/staff'), 401, 'UNAUTHENTICATED');
    assertProblem(await call('GET', '/audit'), 401, 'UNAUTHENTICATED');
    assertProblem(await call('GET', '/me', { token: 'not.a-token' }), 401, 'UNAUTHENTICATED');
  });
});

describe('own password', () => {
  test('a user changes their password with the current one; the old one and every session stop working', async () => {
    const u = await addUser(['ops']);
    const ip = freshIp();
    const change = (currentPassword: string, newPassword: string) => call('POST', '/me/password', { token: u.token, body: { currentPassword, newPassword }, ip });
    assertProblem(await change('not it', 'a brand new password'), 401, 'BAD_CREDENTIALS');
    assertProblem(await change(PASSWORD, 'short'), 400, 'INVALID_INPUT');
    assertProblem(await change(PASSWORD, u.username), 400, 'INVALID_INPUT');
    const ok = await change(PASSWORD, 'a brand new password');
    assert.equal(ok.statusCode, 204, ok.body);
    assert.equal(ok.body, '');
    assertProblem(await signIn(u.username, PASSWORD), 401, 'BAD_CREDENTIALS');
    // Every session ended, the one that changed it too.
    assertProblem(await call('GET', '/me', { token: u.token }), 401, 'UNAUTHENTICATED');
    const again = await signIn(u.username, 'a brand new password');
    assert.equal(again.statusCode, 200);
    assert.equal((await call('GET', '/me', { token: again.json().token })).statusCode, 200);

    const log = await auditOf({ action: 'staff.password.change', entityId: String(u.id) });
    const changed = log.items.find((e) => e.action === 'staff.password.change')!;
    assert.equal(changed.actorId, u.id);
    assert.equal(changed.sourceIp, ip);
    assert.ok(changed.before && changed.after);
    assert.ok(log.items.some((e) => e.action === 'staff.password.change.failed'));
  });

  test('guessing the current password with a token is locked like sign-in', async () => {
    const u = await addUser(['ops']);
    for (let i = 0; i < 5; i++) {
      assertProblem(await call('POST', '/me/password', { token: u.token, body: { currentPassword: `guess ${i}`, newPassword: 'a brand new password' } }), 401, 'BAD_CREDENTIALS');
    }
    const r = await call('POST', '/me/password', { token: u.token, body: { currentPassword: PASSWORD, newPassword: 'a brand new password' } });
    assertProblem(r, 429, 'TOO_MANY_ATTEMPTS');
    assert.equal(r.headers['retry-after'], '30');
  });
});

describe('audit log', () => {
  test('newest first, filtered and paged, and never a password hash', async () => {
    const u = await addUser(['agent']);
    await call('PATCH', `/staff/${u.id}`, { token: admin, body: { displayName: 'first' } });
    env.clock.advance(1000);
    await call('PATCH', `/staff/${u.id}`, { token: admin, body: { displayName: 'second' } });
    const all = await auditOf({ entityType: 'staff', entityId: String(u.id), limit: 200 });
    assert.deepEqual(all.items.map((e) => e.action).slice(0, 3), ['staff.update', 'staff.update', 'staff.sign-in']);
    assert.equal(all.items[0]!.after.displayName, 'second');
    const times = all.items.map((e) => Date.parse(e.at));
    assert.deepEqual(times, [...times].sort((a, b) => b - a));

    const paged = await auditOf({ entityType: 'staff', entityId: String(u.id), offset: 1, limit: 1 });
    assert.equal(paged.total, all.total);
    assert.equal(paged.items.length, 1);
    assert.equal(paged.items[0]!.after.displayName, 'first');

    const byActor = await auditOf({ actor: 'boss1', action: 'staff.update', entityId: String(u.id) });
    assert.equal(byActor.total, 2);
    assert.equal((await auditOf({ action: 'staff.upd', entityId: String(u.id) })).total, 2);
    assert.equal((await auditOf({ action: 'staff.update%', entityId: String(u.id) })).total, 0, 'the prefix is text, not a pattern');

    // Every staff entry, over every test: no hash anywhere.
    const everything = await call('GET', '/audit?limit=200&action=staff.', { token: admin });
    assert.equal(everything.statusCode, 200);
    assert.ok(everything.json().total > 20);
    assert.ok(!everything.body.includes('scrypt'), 'no password hash in the audit log');
    assert.ok(!/passwordHash|password_hash/.test(everything.body));
    const rows = await env.db.selectFrom('auditEntry').select(['before', 'after']).execute();
    assert.ok(!JSON.stringify(rows).includes('scrypt'));
  });

  test('the database refuses to change or delete an audit entry', async () => {
    const { total } = await auditOf({});
    assert.ok(total > 0);
    await assert.rejects(sql`update audit_entry set action = 'tampered'`.execute(env.db), /append-only/);
    await assert.rejects(sql`delete from audit_entry`.execute(env.db), /append-only/);
    assert.equal((await auditOf({})).total, total);
    assert.equal((await auditOf({ action: 'tampered' })).total, 0);
  });
});

describe('bad input', () => {
  const bodies: [string, 'POST' | 'PATCH', string, unknown][] = [
    ['sign-in without a password', 'POST', '/auth/sign-in', { username: 'boss1' }],
    ['sign-in with a number for a name', 'POST', '/auth/sign-in', { username: 42, password: PASSWORD }],
    ['sign-in with an unknown field', 'POST', '/auth/sign-in', { username: 'boss1', password: PASSWORD, remember: true }],
    ['sign-in with a NUL in the username', 'POST', '/auth/sign-in', { username: 'boss\u00001', password: PASSWORD }],
    ['a new user without roles', 'POST', '/staff', { username: 'newbie', displayName: 'N', password: 'long enough password' }],
    ['a new user with a NUL in the username', 'POST', '/staff', { username: 'new\u0000bie', displayName: 'N', password: 'long enough password', roles: ['agent'] }],
    ['a new user with an unknown role', 'POST', '/staff', { username: 'newbie', displayName: 'N', password: 'long enough password', roles: ['root'] }],
    ['a new user with an unknown field', 'POST', '/staff', { username: 'newbie', displayName: 'N', password: 'long enough password', roles: ['agent'], passwordHash: 'x' }],
    ['a new user with a blank name', 'POST', '/staff', { username: 'newbie', displayName: '   ', password: 'long enough password', roles: ['agent'] }],
    ['a change with a string for active', 'PATCH', '/staff/1', { active: 'no' }],
    ['a change with no roles', 'PATCH', '/staff/1', { roles: [] }],
    ['a change of username', 'PATCH', '/staff/1', { username: 'other' }],
    ['a password change without the current one', 'POST', '/me/password', { newPassword: 'long enough password' }],
    ['a display name with a NUL', 'PATCH', '/staff/1', { displayName: 'a\u0000b' }],
  ];
  for (const [what, method, url, body] of bodies) {
    test(`${what} is a 400 problem and changes nothing`, async () => {
      const before = await counts();
      const r = await call(method, url, { token: admin, body, ip: freshIp() });
      assertProblem(r, 400, 'INVALID_INPUT');
      assert.deepEqual(await counts(), before);
    });
  }

  test('bad query parameters and ids are 400 problems', async () => {
    assertProblem(await call('GET', '/audit?limit=0', { token: admin }), 400, 'INVALID_INPUT');
    assertProblem(await call('GET', '/audit?limit=lots', { token: admin }), 400, 'INVALID_INPUT');
    assertProblem(await call('GET', '/audit?sort=at', { token: admin }), 400, 'INVALID_INPUT');
    assertProblem(await call('GET', `/audit?actor=${encodeURIComponent('a\u0000b')}`, { token: admin }), 400, 'INVALID_INPUT');
    assertProblem(await call('PATCH', '/staff/abc', { token: admin, body: { active: true } }), 400, 'INVALID_INPUT');
    assertProblem(await env.app.inject({ method: 'POST', url: '/api/v1/auth/staff/token', payload: { username: 'a\u0000', password: 'x' } }), 400, 'INVALID_INPUT');
  });

  test('the routes are in the OpenAPI document under the console tag', async () => {
    const doc = (await env.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const [path, method] of [['/auth/sign-in', 'post'], ['/me', 'get'], ['/me/password', 'post'], ['/staff', 'get'], ['/staff', 'post'], ['/staff/{id}', 'patch'], ['/audit', 'get']] as const) {
      const op = doc.paths[`${BASE}${path}`]?.[method];
      assert.ok(op, `${method} ${path} documented`);
      assert.deepEqual(op.tags, ['console']);
    }
  });
});
