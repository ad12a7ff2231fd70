// PostgreSQL restarted and stopped under load (issue 13): omnihall runs on a throwaway cluster of
// its own while clients keep sending idempotent recharges; the cluster is restarted
// (`pg_ctl restart -m fast`), then stopped for 10 s and started again. The node never exits;
// while the database is away every answer is 503 UNAVAILABLE with Retry-After (never 500), and
// /ready says 503 with Retry-After; it serves again by itself once the database is back; every
// recharge answered 2xx is in the ledger exactly once, and balances equal the ledger. USSD, SMS and
// IVR say "busy" in their own form while it is away.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { MENU_TEXT } from '../src/channels/menu.ts';
import { pgClusterUnavailable, startPgCluster, type PgCluster } from './faults/pg-cluster.ts';
import { postJson, serverEnv, signInByOutbox, sleep, startServer, transcript, type ServerProcess } from './faults/server.ts';

const why = pgClusterUnavailable();
let cluster: PgCluster | undefined;
let server: ServerProcess | undefined;
after(async () => {
  await server?.stop();
  cluster?.destroy();
});

interface Seen {
  status: number;
  code?: string;
  retryAfter: string | null;
  phase: string;
}

test('a PostgreSQL restart and a 10 s stop under load: no exit, 503 meanwhile, recovery, no recharge lost or doubled', { skip: why, timeout: 600_000 }, async (t) => {
  cluster = await startPgCluster();
  server = await startServer(serverEnv({ DATABASE_URL: cluster.url, DB_POOL_SIZE: '8' }));
  const base = server.url;
  const msisdn = '13800000001';
  const token = await signInByOutbox(base, msisdn).catch((e: Error) => Promise.reject(new Error(`${e.message}\n${transcript(server!.output())}`)));

  let phase = 'before';
  let running = true;
  const seen: Seen[] = [];
  const answered = new Map<string, number>();
  const failures: string[] = [];

  /** Sends one recharge with `key` until it is answered 2xx (a 503 is retried with the same key). */
  async function recharge(key: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      let r;
      try {
        r = await postJson(`${base}/api/v1/businesses/recharge`, { input: { amount: 100 }, confirm: true }, { authorization: `Bearer ${token}`, 'idempotency-key': key });
      } catch (e) {
        failures.push(`${key}: no answer (${String(e)}) in phase ${phase}`);
        if (server!.exited() !== undefined) return;
        await sleep(200);
        continue;
      }
      seen.push({ status: r.status, code: r.json?.code, retryAfter: r.headers.get('retry-after'), phase });
      if (r.status >= 200 && r.status < 300) {
        answered.set(key, r.status);
        return;
      }
      if (r.status !== 503) {
        failures.push(`${key}: ${r.status} ${JSON.stringify(r.json)} in phase ${phase}`);
        return;
      }
      if ((!running && attempt > 600) || server!.exited() !== undefined) return;
      await sleep(100);
    }
  }
  async function worker(w: number): Promise<void> {
    for (let i = 0; running && server!.exited() === undefined; i++) await recharge(`dbrestart-${w}-${i}`);
  }
  const answeredSince = async (n: number, what: string, limitMs = 120_000): Promise<void> => {
    const from = answered.size;
    const until = Date.now() + limitMs;
    while (answered.size < from + n) {
      assert.equal(server!.exited(), undefined, `omnihall exited ${what}:\n${transcript(server!.output())}`);
      assert.deepEqual(failures.slice(0, 5), [], `every answer is 2xx or 503 (${what})`);
      assert.ok(Date.now() < until, `no ${n} recharges answered within ${limitMs} ms ${what}`);
      await sleep(50);
    }
  };
  interface Ready {
    status: number;
    retryAfter: string | null;
    code?: string;
  }
  const ready = async (): Promise<Ready> => {
    const r = await fetch(`${base}/ready`, { signal: AbortSignal.timeout(60_000) });
    const body = (await r.json()) as { code?: string };
    return { status: r.status, retryAfter: r.headers.get('retry-after'), code: body.code };
  };

  const readyWhileAway: Ready[] = [];
  const channels: Array<{ channel: string; status: number; body: string }> = [];
  let seenWhileStopped = 0;
  const workers = Array.from({ length: 4 }, (_, w) => worker(w));
  try {
    await answeredSince(20, 'before the restart');

    // 1. A fast restart with requests in flight.
    phase = 'restart';
    await cluster.restart();
    phase = 'after-restart';
    await answeredSince(20, 'after the restart');

    // 2. Stopped for 10 s: /ready and the recharges say 503 meanwhile.
    phase = 'stopped';
    await cluster.stop();
    const stoppedUntil = Date.now() + 10_000;
    readyWhileAway.push(await ready());
    // The other channels say "busy" in their own form meanwhile.
    const ussd = await fetch(`${base}/channels/ussd/africastalking`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ sessionId: 'dbrestart-ussd-1', serviceCode: '*100#', phoneNumber: '13800000001', text: '1' }).toString(),
    });
    channels.push({ channel: 'ussd', status: ussd.status, body: await ussd.text() });
    const sms = await fetch(`${base}/channels/sms/kannel?from=13800000001&to=10086&text=YE`);
    channels.push({ channel: 'sms', status: sms.status, body: await sms.text() });
    const ivr = await fetch(`${base}/channels/ivr/vxml?caller=13800000001`);
    channels.push({ channel: 'ivr', status: ivr.status, body: await ivr.text() });
    while (Date.now() < stoppedUntil) {
      readyWhileAway.push(await ready());
      await sleep(500);
    }
    seenWhileStopped = seen.filter((s) => s.phase === 'stopped').length;
    phase = 'starting';
    await cluster.start();
    phase = 'after-start';
    // back by itself: /ready turns 200 and recharges are answered again
    const until = Date.now() + 120_000;
    for (;;) {
      const r = await ready();
      if (r.status === 200) break;
      assert.ok(Date.now() < until, 'ready again within 120 s of the database coming back');
      await sleep(250);
    }
    await answeredSince(20, 'after the database came back');
  } finally {
    running = false;
    await Promise.all(workers);
  }

  assert.equal(server.exited(), undefined, `omnihall never exits:\n${transcript(server.output())}`);
  assert.deepEqual(failures, [], 'every answer is 2xx or 503');
  const unavailable = seen.filter((s) => s.status === 503);
  assert.ok(seenWhileStopped > 0, 'recharges were sent while the database was stopped');
  assert.ok(unavailable.length > 0, 'the outage was seen as 503');
  for (const s of unavailable) {
    assert.equal(s.code, 'UNAVAILABLE', `a 503 says UNAVAILABLE (${JSON.stringify(s)})`);
    assert.ok(Number(s.retryAfter) > 0, `a 503 has Retry-After (${JSON.stringify(s)})`);
  }
  assert.ok(readyWhileAway.length > 0);
  for (const r of readyWhileAway) {
    assert.equal(r.status, 503, '/ready says 503 while the database is stopped');
    assert.ok(Number(r.retryAfter) > 0, '/ready has Retry-After while the database is stopped');
    assert.equal(r.code, 'UNAVAILABLE');
  }
  assert.ok(!/Unhandled 'error' event/.test(server.output()), 'no unhandled error event');
  const [ussd, sms, ivr] = channels;
  assert.equal(ussd?.status, 200, `USSD answers in its own form: ${JSON.stringify(ussd)}`);
  assert.ok(ussd.body.startsWith(`END ${MENU_TEXT.busy['zh-CN']}`), `USSD says busy and ends: ${ussd.body}`);
  assert.equal(sms?.status, 200, `SMS answers with a text: ${JSON.stringify(sms)}`);
  assert.match(sms.body, /系统繁忙/, 'the SMS reply says busy');
  assert.equal(ivr?.status, 200, `IVR answers with a document: ${JSON.stringify(ivr)}`);
  assert.match(ivr.body, /<vxml/);
  assert.ok(ivr.body.includes(MENU_TEXT.busy['zh-CN']), `IVR says busy: ${ivr.body}`);
  const byPhase = new Map<string, { ok: number; unavailable: number }>();
  for (const s of seen) {
    const p = byPhase.get(s.phase) ?? { ok: 0, unavailable: 0 };
    if (s.status === 503) p.unavailable++;
    else p.ok++;
    byPhase.set(s.phase, p);
  }
  t.diagnostic(`${answered.size} recharges answered; per phase (2xx/503): ${[...byPhase].map(([p, c]) => `${p} ${c.ok}/${c.unavailable}`).join(', ')}`);

  // The ledger: every answered recharge exactly once, nothing else with our references, balances = ledger.
  const c = new pg.Client({ connectionString: cluster.url });
  await c.connect();
  try {
    const acc = await c.query<{ id: number; balance_fen: string }>('select a.id, a.balance_fen from account a join subscriber s on s.id = a.subscriber_id where s.msisdn = $1', [msisdn]);
    const entries = await c.query<{ reference: string; n: string }>("select reference, count(*) as n from ledger_entry where account_id = $1 and reference like 'dbrestart-%' group by reference", [acc.rows[0]!.id]);
    const byRef = new Map(entries.rows.map((e) => [e.reference, Number(e.n)]));
    for (const key of answered.keys()) assert.equal(byRef.get(key), 1, `answered recharge ${key} is in the ledger exactly once`);
    for (const [key, n] of byRef) {
      assert.equal(n, 1, `${key} is not doubled`);
      assert.ok(answered.has(key), `${key} in the ledger was answered`);
    }
    const all = await c.query<{ id: number; balance_fen: string; ledger: string }>(
      'select a.id, a.balance_fen, coalesce(sum(l.amount_fen), 0) as ledger from account a left join ledger_entry l on l.account_id = a.id group by a.id, a.balance_fen');
    for (const a of all.rows) assert.equal(Number(a.ledger), Number(a.balance_fen), `account ${a.id} balance equals its ledger`);
  } finally {
    await c.end();
  }
});
