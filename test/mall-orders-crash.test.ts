// A node killed (SIGKILL) between an order's payment and its commit: after the next start the
// order is committed with its payment, or undone with the payment refunded; never both, never
// neither. Three places to die: inside the commit step of an order paid at once from the balance;
// right after the balance payment was made, before the run recorded it; and inside the commit
// that a sandbox notification resumes (its whole transaction rolls back, so the reconciliation
// job's query finds the trade paid later: here after the order expired, so it is refunded).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, type Db } from '../src/platform/db/index.ts';
import { freshDatabase } from './helpers.ts';

/** Runs test/mall-orders-child.ts; with HANG set, kills it with SIGKILL once it says it is hanging. */
function child(env: Record<string, string>, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'test/mall-orders-child.ts', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (env.HANG && out.includes('hanging')) p.kill('SIGKILL');
    });
    p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    p.on('exit', (code, signal) => {
      if (env.HANG ? signal === 'SIGKILL' : code === 0) resolve(out);
      else reject(new Error(`child ended ${code ?? signal}:\n${out}\n${err}`));
    });
  });
}

async function facts(db: Db, subscriberId: number) {
  const o = await db.selectFrom('mallOrder').selectAll().where('subscriberId', '=', subscriberId).executeTakeFirstOrThrow();
  const payments = await db.selectFrom('payment').selectAll().where('orderRef', '=', `order:${o.id}`).execute();
  const refunds = await db.selectFrom('paymentRefund').selectAll().where('paymentId', 'in', payments.map((p) => p.id).concat('-')).where('state', '=', 'succeeded').execute();
  const account = await db.selectFrom('account').select('balanceFen').where('subscriberId', '=', subscriberId).executeTakeFirstOrThrow();
  const held = await db.selectFrom('stockReservation').select(['status', 'quantity']).where('ref', '=', `order:${o.id}`).execute();
  const run = await db.selectFrom('workflowRun').select(['state']).where('ref', '=', `order:${o.id}`).executeTakeFirstOrThrow();
  return { state: o.state, run: run.state, payments: payments.map((p) => p.state), refunded: refunds.reduce((n, r) => n + r.amountFen, 0), balanceFen: account.balanceFen, held: held.map((h) => h.status) };
}

test('killed between payment and commit: after a restart the order is paid once or refunded, never both, never neither', { timeout: 300_000 }, async () => {
  const crash = await freshDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'omnihall-orders-'));
  const env: Record<string, string> = crash.url ? { DATABASE_URL: crash.url } : { CRASH_DATA_DIR: dir };
  try {
    const setup = JSON.parse((await child(env, ['setup'])).trim().split('\n').pop()!) as { subscribers: number[] };
    const [inCommit, afterPayment, inNotify] = setup.subscribers as [number, number, number];

    await child({ ...env, HANG: 'commit', SUBSCRIBER_ID: String(inCommit) }, ['place', 'crash-key-commit', 'balance']);
    await child({ ...env, HANG: 'after-payment', SUBSCRIBER_ID: String(afterPayment) }, ['place', 'crash-key-paid', 'balance']);
    const placed = JSON.parse((await child({ ...env, SUBSCRIBER_ID: String(inNotify) }, ['place', 'crash-key-page', 'sandbox'])).trim()) as { orderId: number };
    await child({ ...env, HANG: 'commit' }, ['pay', String(placed.orderId)]);
    // The next start, past the remote step's lease (60 s) and past the sandbox order's payBy and the reconciliation age.
    await child({ ...env, AHEAD_MS: String(16 * 60_000) }, ['restart', 'reconcile']);

    const db = await openDb({ databaseUrl: crash.url, dataDir: crash.url ? 'memory://' : dir, poolSize: 2 });
    try {
      // Paid from the balance, killed in the commit: the commit ran again, once.
      assert.deepEqual(await facts(db.db, inCommit), { state: 'paid', run: 'completed', payments: ['paid'], refunded: 0, balanceFen: 100_000 - 5_900, held: ['committed'] });
      // Killed with the payment made and the run not told: the step ran again, found the same payment, and the order committed.
      assert.deepEqual(await facts(db.db, afterPayment), { state: 'paid', run: 'completed', payments: ['paid'], refunded: 0, balanceFen: 100_000 - 5_900, held: ['committed'] });
      // Killed inside the notification's commit: nothing of it stayed; the query found the trade paid after the order had expired, so it was refunded.
      const page = await facts(db.db, inNotify);
      assert.deepEqual([page.state, page.run, page.payments, page.refunded, page.held], ['expired', 'compensated', ['refunded'], 5_900, ['released']]);
    } finally {
      await db.close();
    }
  } finally {
    await crash.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});
