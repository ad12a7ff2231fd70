// Two nodes started at the same moment on one fresh database (issue 13), as a deployment of two
// replicas does, with REDIS_URL when it is set: both become ready; the once-only start-up work
// (migrations, the first admin, the demo's agents, the demo operator) is done once, whichever node
// gets there first; only one of them prints the first admin's password, and one the agents'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { freshDatabase } from './helpers.ts';
import { serverEnv, startServer, transcript, type ServerProcess } from './faults/server.ts';

const why = process.env.DATABASE_URL ? undefined : 'DATABASE_URL is not set (two processes need the real PostgreSQL)';
const SUBSCRIBERS = 1500; // two seeding batches of 1000

test('two nodes starting together on a fresh database both start and do the once-only work once', { skip: why, timeout: 600_000 }, async (t) => {
  for (let round = 1; round <= 2; round++) {
    const fresh = await freshDatabase();
    const nodes: ServerProcess[] = [];
    try {
      const env = serverEnv({ DATABASE_URL: fresh.url, REDIS_URL: process.env.REDIS_URL, LOG_LEVEL: 'info', OMNIHALL_DEMO_SUBSCRIBERS: String(SUBSCRIBERS), DB_POOL_SIZE: '5' });
      const started = await Promise.allSettled([startServer(env), startServer(env)]);
      for (const s of started) if (s.status === 'fulfilled') nodes.push(s.value);
      for (const s of started) assert.equal(s.status, 'fulfilled', `round ${round}: every node starts: ${s.status === 'rejected' ? String(s.reason).slice(0, 3000) : ''}`);
      for (const n of nodes) {
        const r = await fetch(`${n.url}/ready`);
        assert.equal(r.status, 200, `round ${round}: ${n.url} is ready`);
      }
      // Seeding may still be going on in one node after the other listens; wait for it to end.
      const until = Date.now() + 300_000;
      while (!nodes.some((n) => /demo operator generated/.test(n.output()))) {
        for (const n of nodes) assert.equal(n.exited(), undefined, `round ${round}: a node exited:\n${transcript(n.output())}`);
        assert.ok(Date.now() < until, `round ${round}: the demo was seeded`);
        await new Promise((r) => setTimeout(r, 100));
      }

      const printed = nodes.filter((n) => /created staff user \\?"admin\\?" with password \S+/.test(n.output()));
      assert.equal(printed.length, 1, `round ${round}: one node printed the first admin's password`);
      assert.equal(nodes.filter((n) => /the first admin's password, shown once/.test(n.output())).length, 1);
      assert.equal(nodes.filter((n) => /created demo agents \\?"agent1\\?" and \\?"agent2\\?" with password \S+/.test(n.output())).length, 1, `round ${round}: one node printed the demo agents' password`);
      assert.equal(nodes.filter((n) => /demo operator generated/.test(n.output())).length, 1, `round ${round}: one node generated the demo`);

      const c = new pg.Client({ connectionString: fresh.url });
      await c.connect();
      try {
        const one = async (q: string): Promise<number> => Number((await c.query<{ n: string }>(q)).rows[0]!.n);
        assert.equal(await one(`select count(*) as n from staff_user where username = 'admin'`), 1, 'one admin');
        assert.equal(await one(`select count(*) as n from staff_user where username in ('agent1', 'agent2') and roles = '{agent}'`), 2, "the demo's two agents, once");
        assert.equal(await one(`select count(*) as n from staff_user`), 3, 'no other staff user');
        assert.equal(await one(`select count(*) as n from audit_entry where action = 'staff.create'`), 3, 'each creation audited once');
        assert.equal(await one('select count(*) as n from subscriber'), SUBSCRIBERS, 'the demo subscribers once');
        assert.equal(await one('select count(distinct msisdn) as n from subscriber'), SUBSCRIBERS);
        assert.equal(await one('select max(id) as n from subscriber'), SUBSCRIBERS);
        assert.equal(await one('select count(*) as n from account'), SUBSCRIBERS, 'one account each');
        assert.equal(await one(`select count(*) as n from (select account_id from ledger_entry where kind = 'opening' group by account_id having count(*) > 1) d`), 0, 'no opening balance twice');
        const progress = JSON.parse((await c.query<{ value: string }>(`select value from setting where key = 'demo.progress'`)).rows[0]!.value) as { done: number; total: number };
        assert.deepEqual([progress.done, progress.total], [SUBSCRIBERS, SUBSCRIBERS]);
        // every module's migrations recorded once (a primary key would refuse a second row; none failed)
        const tables = (await c.query<{ t: string }>(`select table_name as t from information_schema.tables where table_name like '%\\_migration' and table_schema = 'public'`)).rows.map((r) => r.t);
        assert.ok(tables.length >= 8, `every module has its migration history (${tables.join(', ')})`);
        t.diagnostic(`round ${round}: node ${nodes.indexOf(printed[0]!) + 1} made the admin`);
      } finally {
        await c.end();
      }
      for (const n of nodes) assert.equal(n.exited(), undefined, `round ${round}: no node exited:\n${transcript(n.output())}`);
    } finally {
      await Promise.all(nodes.map((n) => n.stop()));
      await fresh.drop();
    }
  }
});
