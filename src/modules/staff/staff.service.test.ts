// The staff service's rules against a real database: the lock's growth, the first admin made
// once when nodes start together, attempts counted across nodes, and the append-only audit log.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openDb, type OpenedDb } from '../../platform/db/index.ts';
import { cryptoRandom } from '../../platform/ports.ts';
import { startTestEnv, type TestEnv } from '../../../test/helpers.ts';
import { auditLog } from './audit.repository.ts';
import { createStaffUser, lockSeconds, SIGN_IN_LIMITS, StaffService } from './staff.service.ts';

let env: TestEnv;
/** A second node: its own connection pool on the same database (on PGlite, the same database handle). */
let other: OpenedDb | undefined;
let node2: StaffService;
before(async () => {
  env = await startTestEnv();
  if (env.databaseUrl) other = await openDb({ databaseUrl: env.databaseUrl, dataDir: 'memory://', poolSize: 4 });
  node2 = new StaffService({ db: other?.db ?? env.db, clock: env.clock, random: cryptoRandom, audit: auditLog, now: () => env.clock.now().getTime() });
});
after(async () => {
  await other?.close();
  await env.close();
});

describe('lock length', () => {
  test('30 s at the limit, doubling with each further failure, at most an hour', () => {
    const l = SIGN_IN_LIMITS.user;
    assert.deepEqual([l - 1, l, l + 1, l + 2, l + 3, l + 6, l + 7, l + 500].map((f) => lockSeconds(f, l)), [null, 30, 60, 120, 240, 1920, 3600, 3600]);
    assert.equal(lockSeconds(SIGN_IN_LIMITS.address - 1, SIGN_IN_LIMITS.address), null);
    assert.equal(lockSeconds(SIGN_IN_LIMITS.address, SIGN_IN_LIMITS.address), 30);
  });
});

describe('the first admin', () => {
  test('nodes starting together on a fresh database make one admin, and none of them fails', async () => {
    const nodes = [env.s.staff, node2];
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => nodes[i % 2]!.ensureAdmin(undefined)));
    const created = answers.filter((a) => a.created);
    assert.equal(created.length, 1);
    assert.ok(created[0]!.password && created[0]!.password.length >= 12);
    assert.ok(answers.filter((a) => !a.created).every((a) => a.password === undefined));

    const admins = await env.db.selectFrom('staffUser').select(['id', 'roles']).where('username', '=', 'admin').execute();
    assert.equal(admins.length, 1);
    assert.deepEqual(admins[0]!.roles, ['admin']);
    const audited = await env.db.selectFrom('auditEntry').selectAll().where('action', '=', 'staff.create').where('entityId', '=', String(admins[0]!.id)).execute();
    assert.equal(audited.length, 1);
    assert.equal(audited[0]!.actorId, null);
    assert.ok(!JSON.stringify(audited[0]!.after).includes('scrypt'));

    // The password it printed is the admin's.
    const u = await env.s.staff.signIn('admin', created[0]!.password!, '10.9.0.1');
    assert.deepEqual(u.roles, ['admin']);
    // A later start finds it.
    assert.deepEqual(await node2.ensureAdmin('another password'), { created: false });
  });
});

describe('sign-in across nodes', () => {
  test('failures on two nodes add up to one lock, which both refuse', async () => {
    await createStaffUser(env.db, { username: 'shared', displayName: 'Shared', password: 'correct horse battery', roles: ['agent'] });
    const nodes = [env.s.staff, node2];
    for (let i = 0; i < SIGN_IN_LIMITS.user; i++) {
      await assert.rejects(nodes[i % 2]!.signIn('shared', 'wrong', '10.9.0.2'), { code: 'BAD_CREDENTIALS' });
    }
    for (const n of nodes) {
      await assert.rejects(n.signIn('shared', 'correct horse battery', '10.9.0.2'), (e: { code: string; extra: { retryAfter: number } }) => e.code === 'TOO_MANY_ATTEMPTS' && e.extra.retryAfter === 30);
    }
  });

  test('a counter idle for a day starts afresh', async () => {
    await createStaffUser(env.db, { username: 'forgetful', displayName: 'F', password: 'correct horse battery', roles: ['agent'] });
    for (let i = 0; i < SIGN_IN_LIMITS.user - 1; i++) await assert.rejects(env.s.staff.signIn('forgetful', 'wrong', '10.9.0.3'), { code: 'BAD_CREDENTIALS' });
    env.clock.advance(24 * 3600_000 + 1000);
    // Four more would lock a counter that remembered the first four.
    for (let i = 0; i < SIGN_IN_LIMITS.user - 1; i++) await assert.rejects(env.s.staff.signIn('forgetful', 'wrong', '10.9.0.3'), { code: 'BAD_CREDENTIALS' });
    assert.equal((await env.s.staff.signIn('forgetful', 'correct horse battery', '10.9.0.3')).username, 'forgetful');
  });
});

describe('audit log', () => {
  test('the database refuses to change, delete or truncate an entry', async () => {
    const n = await env.db.selectFrom('auditEntry').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    assert.ok(Number(n.n) > 0);
    await assert.rejects(sql`update audit_entry set reason = 'edited'`.execute(env.db), /append-only/);
    await assert.rejects(sql`delete from audit_entry where true`.execute(env.db), /append-only/);
    await assert.rejects(sql`truncate audit_entry`.execute(env.db), /append-only/);
    const after = await env.db.selectFrom('auditEntry').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(after.n), Number(n.n));
  });
});
