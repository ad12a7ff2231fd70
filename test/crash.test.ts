// Kill the server with SIGKILL in the middle of a burst of recharges: after a restart every
// recharge that was answered 200 is in the ledger exactly once, and balances equal the ledger.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../src/platform/db/index.ts';
import { freshDatabase } from './helpers.ts';

interface Server {
  child: ChildProcess;
  url: string;
}

function startServer(env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', OMNIHALL_DEMO_SUBSCRIBERS: '5', NODE_ENV: 'development' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${err}`)), 120_000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = err.match(/running on (http:\/\/localhost:\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!.replace('localhost', '127.0.0.1') });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${err}`));
    });
  });
}

function stop(s: Server, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
    s.child.removeAllListeners('exit');
    s.child.once('exit', () => resolve());
    s.child.kill(signal);
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: r.status, json: await r.json() };
}

async function signIn(base: string, msisdn: string): Promise<string> {
  assert.equal((await post(`${base}/api/v1/auth/otp`, { msisdn })).status, 202);
  const out = (await (await fetch(`${base}/api/v1/demo/sms-outbox?msisdn=${msisdn}`)).json()) as { messages: { text: string }[] };
  const code = out.messages[0]!.text.match(/(\d{6})/)![1];
  const t = await post(`${base}/api/v1/auth/token`, { msisdn, code });
  return t.json.token as string;
}

test('SIGKILL during a burst of recharges loses no answered recharge and doubles none', { timeout: 300_000 }, async () => {
  const fresh = await freshDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'omnihall-crash-'));
  const env: Record<string, string> = fresh.url ? { DATABASE_URL: fresh.url } : { OMNIHALL_DATA_DIR: dataDir };
  try {
    let server = await startServer(env);
    const msisdn = '13800000001';
    const token = await signIn(server.url, msisdn);
    const answered = new Set<string>();
    let sent = 0;
    let killed = false;

    async function worker(w: number): Promise<void> {
      for (let i = 0; !killed && i < 200; i++) {
        const key = `crash-${w}-${i}`;
        sent++;
        try {
          const r = await post(`${server.url}/api/v1/businesses/recharge`, { input: { amount: 100 }, confirm: true }, { authorization: `Bearer ${token}`, 'idempotency-key': key });
          if (r.status === 200) answered.add(key);
        } catch {
          return; // the connection died with the server
        }
      }
    }
    const workers = Array.from({ length: 16 }, (_, w) => worker(w));
    // Kill once the burst is well under way, with requests in flight.
    while (answered.size < 60) await new Promise((r) => setTimeout(r, 5));
    killed = true;
    await stop(server, 'SIGKILL');
    await Promise.all(workers);
    assert.ok(sent > answered.size, 'some requests were in flight when the server died');

    // Restart on the same data; retrying an answered key must not charge again.
    server = await startServer(env);
    const token2 = await signIn(server.url, msisdn).catch(() => token);
    const someKey = [...answered][0]!;
    const retry = await post(`${server.url}/api/v1/businesses/recharge`, { input: { amount: 100 }, confirm: true }, { authorization: `Bearer ${token2}`, 'idempotency-key': someKey });
    assert.equal(retry.status, 200);
    assert.equal(retry.json.replayed, true);
    await stop(server, 'SIGTERM');

    const opened = await openDb({ databaseUrl: fresh.url, dataDir });
    try {
      const acc = await opened.db.selectFrom('account').innerJoin('subscriber', 'subscriber.id', 'account.subscriberId')
        .select(['account.id', 'account.balanceFen']).where('subscriber.msisdn', '=', msisdn).executeTakeFirstOrThrow();
      const entries = await opened.db.selectFrom('ledgerEntry').select(['reference', 'amountFen', 'kind']).where('accountId', '=', acc.id).execute();
      const byRef = new Map<string, number>();
      for (const e of entries) if (e.reference?.startsWith('crash-')) byRef.set(e.reference, (byRef.get(e.reference) ?? 0) + 1);
      for (const key of answered) assert.equal(byRef.get(key), 1, `answered recharge ${key} is in the ledger exactly once`);
      for (const [key, n] of byRef) assert.equal(n, 1, `${key} is not doubled`);
      const sum = entries.reduce((t, e) => t + e.amountFen, 0);
      assert.equal(acc.balanceFen, sum, 'balance equals the ledger sum');
      const all = await opened.db.selectFrom('account').leftJoin('ledgerEntry', 'ledgerEntry.accountId', 'account.id')
        .select((eb) => ['account.id', 'account.balanceFen', eb.fn.coalesce(eb.fn.sum<number>('ledgerEntry.amountFen'), eb.lit(0)).as('ledger')])
        .groupBy(['account.id', 'account.balanceFen']).execute();
      for (const a of all) assert.equal(Number(a.ledger), a.balanceFen, `account ${a.id} balance equals its ledger`);
    } finally {
      await opened.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await fresh.drop();
  }
});
