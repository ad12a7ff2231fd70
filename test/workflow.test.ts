// The workflow runner (src/platform/workflow): steps in order, compensation in reverse on a
// refusal, retries of a failing step, a wait resumed in the caller's transaction or timed out, two
// nodes ticking the same runs, and a process killed (SIGKILL) inside a step or a compensation
// whose run, on the next start, completes or is undone exactly once; a remote step (a payment)
// run outside the transaction, resumed before its wait or after, and undone itself when it fails;
// a run begun in the caller's transaction, and a refusal after a remote step in its record's.
import { describe, test, before, after } from 'node:test';
import { sql } from 'kysely';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, type Db, type OpenedDb } from '../src/platform/db/index.ts';
import { migrate } from '../src/migrations.ts';
import { ManualClock } from '../src/platform/ports.ts';
import { WorkflowRunner } from '../src/platform/workflow/index.ts';
import { AppError } from '../src/platform/errors.ts';
import { freshDatabase } from './helpers.ts';
import { createEffectTable, defineDemo, effects, type DemoData } from './workflow-steps.ts';

async function note(q: Db, runId: number, what: string): Promise<void> {
  await sql`insert into wf_effect (run_id, what) values (${runId}, ${what})`.execute(q);
}

let fresh: Awaited<ReturnType<typeof freshDatabase>>;
let opened: OpenedDb;
const clock = new ManualClock(new Date('2026-11-15T02:00:00Z'));
let runner: WorkflowRunner;

before(async () => {
  fresh = await freshDatabase();
  opened = await openDb({ databaseUrl: fresh.url, dataDir: 'memory://', poolSize: 10 });
  await migrate(opened.db);
  await createEffectTable(opened.db);
  runner = new WorkflowRunner({ db: opened.db, clock, maxAttempts: 3, backoffMs: 1_000 });
  defineDemo(runner);
});

after(async () => {
  await opened.close();
  await fresh.drop();
});

test('steps run once each in order, and the same name and ref again is the same run', async () => {
  const run = await runner.execute('demo', 'order:1', {});
  assert.equal(run.state, 'completed');
  assert.equal(run.step, 4);
  const again = await runner.execute('demo', 'order:1', {});
  assert.equal(again.id, run.id);
  assert.deepEqual(await effects(opened.db, run.id), ['a', 'b', 'c', 'd']);
});

test('a refusal in a step undoes the steps before it in reverse, with the refusal as the reason', async () => {
  const run = await runner.execute('demo', 'order:2', { refuseAt: 'c' });
  assert.equal(run.state, 'compensated');
  assert.equal(run.error, 'OUT_OF_STOCK');
  assert.deepEqual(await effects(opened.db, run.id), ['a', 'b', 'undo-b:OUT_OF_STOCK', 'undo-a:OUT_OF_STOCK']);
});

test('an unexpected error is tried again after a backoff; after maxAttempts the run is undone', async () => {
  let failures = 1;
  runner.define<{ [k: string]: unknown }>({
    name: 'flaky',
    steps: [
      { name: 'one', run: async () => {}, compensate: async () => {} },
      { name: 'two', run: async () => { if (failures-- > 0) throw new Error('provider unreachable'); } },
    ],
  });
  const run = await runner.execute('flaky', 'f:1', {});
  assert.equal(run.state, 'running');
  assert.equal(run.attempt, 1);
  assert.equal(run.error, 'provider unreachable');
  assert.equal(await runner.tick(), 0, 'not due before its backoff');
  clock.advance(1_000);
  await runner.tick();
  assert.equal((await runner.get('flaky', 'f:1'))!.state, 'completed');

  failures = 10;
  const doomed = await runner.execute('flaky', 'f:2', {});
  assert.equal(doomed.attempt, 1);
  clock.advance(1_000);
  await runner.tick();
  assert.equal((await runner.get('flaky', 'f:2'))!.attempt, 2);
  clock.advance(2_000);
  await runner.tick();
  const gaveUp = (await runner.get('flaky', 'f:2'))!;
  assert.equal(gaveUp.state, 'compensated');
  assert.equal(gaveUp.error, 'provider unreachable');
});

test('a waiting run resumed inside the caller\'s transaction runs its last step there; a rolled-back caller leaves it waiting', async () => {
  const run = await runner.execute('demo', 'order:3', { waitMinutes: 15 });
  assert.equal(run.state, 'waiting');
  assert.deepEqual(await effects(opened.db, run.id), ['a', 'b', 'c']);
  await assert.rejects(opened.db.transaction().execute(async (tx) => {
    assert.equal(await runner.resume(tx, 'demo', 'order:3', { paymentId: 'p1' }), 'resumed');
    throw new Error('the settlement failed after');
  }));
  assert.equal((await runner.get('demo', 'order:3'))!.state, 'waiting');
  assert.deepEqual(await effects(opened.db, run.id), ['a', 'b', 'c']);
  const out = await opened.db.transaction().execute((tx) => runner.resume(tx, 'demo', 'order:3', { paymentId: 'p1' }));
  assert.equal(out, 'resumed');
  const done = (await runner.get('demo', 'order:3'))!;
  assert.equal(done.state, 'completed');
  assert.equal(done.data.paymentId, 'p1');
  assert.deepEqual(await effects(opened.db, run.id), ['a', 'b', 'c', 'd']);
  assert.equal(await opened.db.transaction().execute((tx) => runner.resume(tx, 'demo', 'order:3')), 'completed');
});

test('a wait that times out is undone in reverse, and a resume after it is told gone', async () => {
  const run = await runner.execute('demo', 'order:4', { waitMinutes: 15 });
  clock.advance(14 * 60_000);
  await runner.tick();
  assert.equal((await runner.get('demo', 'order:4'))!.state, 'waiting');
  clock.advance(60_000);
  await runner.tick();
  const undone = (await runner.get('demo', 'order:4'))!;
  assert.equal(undone.state, 'compensated');
  assert.deepEqual(await effects(opened.db, run.id), ['a', 'b', 'c', 'undo-c:timeout', 'undo-b:timeout', 'undo-a:timeout']);
  assert.equal(await opened.db.transaction().execute((tx) => runner.resume(tx, 'demo', 'order:4')), 'gone');
});

test('cancel undoes a waiting run', async () => {
  const run = await runner.execute('demo', 'order:5', { waitMinutes: 15 });
  assert.equal(await runner.cancel('demo', 'order:5', 'subscriber'), true);
  assert.equal((await runner.get('demo', 'order:5'))!.state, 'compensated');
  assert.deepEqual(await effects(opened.db, run.id), ['a', 'b', 'c', 'undo-c:cancelled:subscriber', 'undo-b:cancelled:subscriber', 'undo-a:cancelled:subscriber']);
  assert.equal(await runner.cancel('demo', 'order:5', 'again'), false);
});

test('two nodes ticking the same thirty runs at once run each step once', async () => {
  const second = await openDb({ databaseUrl: fresh.url, dataDir: 'memory://', poolSize: 10 });
  // PGlite is one process's database: the second node is a second runner on the same one.
  const otherDb = fresh.url ? second.db : opened.db;
  try {
    const other = new WorkflowRunner({ db: otherDb, clock, maxAttempts: 3 });
    defineDemo(other);
    const ids: number[] = [];
    for (let i = 0; i < 30; i++) ids.push(await runner.start('demo', `many:${i}`, {}));
    await Promise.all([runner.tick(50), other.tick(50), runner.tick(50), other.tick(50)]);
    for (const id of ids) assert.deepEqual(await effects(opened.db, id), ['a', 'b', 'c', 'd'], `run ${id}`);
    const states = await opened.db.selectFrom('workflowRun').select('state').where('ref', 'like', 'many:%').execute();
    assert.ok(states.every((s) => s.state === 'completed'));
  } finally {
    await second.close();
  }
});

describe('a remote step (a payment, in transactions of its own)', () => {
  let failPay = 0;
  before(() => {
    runner.define<DemoData>({
      name: 'order-like',
      steps: [
        { name: 'reserve', run: (ctx) => note(ctx.q, ctx.runId, 'reserve'), compensate: (ctx) => note(ctx.q, ctx.runId, 'undo-reserve') },
        {
          name: 'pay', remote: true,
          async run(ctx) {
            if (failPay-- > 0) throw new Error('gateway down');
            // Paid at once (the phone balance): the payment's settling transaction resumes the run
            // before the step has even answered.
            await opened.db.transaction().execute(async (tx) => {
              await note(tx, ctx.runId, 'pay');
              if (ctx.data.payAtOnce) assert.equal(await runner.resume(tx, 'order-like', ctx.ref, { paymentId: `P${ctx.runId}` }), 'resumed');
            });
            return { waitUntil: new Date(ctx.at.getTime() + 15 * 60_000) };
          },
          compensate: (ctx) => note(ctx.q, ctx.runId, 'undo-pay'),
        },
        {
          name: 'commit',
          async run(ctx) {
            if (ctx.data.refuseAt === 'commit') throw new AppError('OUT_OF_STOCK');
            await note(ctx.q, ctx.runId, `commit:${String(ctx.data.paymentId)}`);
          },
        },
      ],
    });
  });

  test('paid inside the step: the resume is kept and the wait passed, so the run completes at once', async () => {
    const run = await runner.execute('order-like', 'ol:1', { payAtOnce: true });
    assert.equal(run.state, 'completed', JSON.stringify(run));
    assert.deepEqual(await effects(opened.db, run.id), ['reserve', 'pay', `commit:P${run.id}`]);
  });

  test('a remote step completed by the resume that came inside it: the steps after it run in the resumer\'s transaction, once, and its own answer is not recorded', async () => {
    let rollBack = true;
    runner.define<DemoData>({
      name: 'at-once',
      steps: [
        { name: 'reserve', run: (ctx) => note(ctx.q, ctx.runId, 'reserve'), compensate: (ctx) => note(ctx.q, ctx.runId, 'undo-reserve') },
        {
          name: 'pay', remote: true, completedByResume: true,
          async run(ctx) {
            await opened.db.transaction().execute(async (tx) => {
              await note(tx, ctx.runId, 'pay');
              assert.equal(await runner.resume(tx, 'at-once', ctx.ref, { paymentId: `P${ctx.runId}` }), 'resumed');
              // The first settlement fails after the resume: the commit goes with it.
              if (rollBack) {
                rollBack = false;
                throw new Error('settlement failed');
              }
            });
            return { data: { answered: true }, waitUntil: new Date(ctx.at.getTime() + 15 * 60_000) };
          },
          compensate: (ctx) => note(ctx.q, ctx.runId, 'undo-pay'),
        },
        { name: 'commit', run: (ctx) => note(ctx.q, ctx.runId, `commit:${String(ctx.data.paymentId)}`) },
      ],
    });
    const first = await runner.execute('at-once', 'ao:1', {});
    assert.equal(first.state, 'running', 'the failed settlement is tried again');
    assert.deepEqual(await effects(opened.db, first.id), ['reserve']);
    clock.advance(1_000);
    await runner.tick();
    const done = (await runner.get('at-once', 'ao:1'))!;
    assert.equal(done.state, 'completed');
    assert.equal(done.data.answered, undefined);
    assert.deepEqual(await effects(opened.db, done.id), ['reserve', 'pay', `commit:P${done.id}`]);
  });

  test('paid later: the run waits, and the payment\'s transaction resumes it', async () => {
    const run = await runner.execute('order-like', 'ol:2', {});
    assert.equal(run.state, 'waiting');
    assert.equal(await opened.db.transaction().execute((tx) => runner.resume(tx, 'order-like', 'ol:2', { paymentId: 'later' })), 'resumed');
    assert.deepEqual(await effects(opened.db, run.id), ['reserve', 'pay', 'commit:later']);
  });

  test('a local step refusing after a remote one, in the transaction that records it: the remote one stays done and is undone with the rest', async () => {
    const run = await runner.execute('order-like', 'ol:4', { payAtOnce: true, refuseAt: 'commit' });
    assert.equal(run.state, 'compensated');
    assert.equal(run.error, 'OUT_OF_STOCK');
    assert.deepEqual(await effects(opened.db, run.id), ['reserve', 'pay', 'undo-pay', 'undo-reserve']);
  });

  test('begun in the caller\'s transaction: its local steps commit with the caller\'s change or not at all, and drive takes its remote step at once', async () => {
    await assert.rejects(opened.db.transaction().execute(async (tx) => {
      await runner.begin(tx, 'order-like', 'ol:5', { payAtOnce: true });
      throw new Error('the order could not be written');
    }), /could not be written/);
    assert.equal(await runner.get('order-like', 'ol:5'), undefined);
    const begun = await opened.db.transaction().execute((tx) => runner.begin(tx, 'order-like', 'ol:5', { payAtOnce: true }));
    assert.deepEqual(await effects(opened.db, begun.id), ['reserve']);
    // The payment is leased to this node: another's tick leaves it alone.
    assert.equal(await runner.tick(), 0);
    await runner.drive(begun.id, begun);
    const done = (await runner.get('order-like', 'ol:5'))!;
    assert.equal(done.state, 'completed');
    assert.deepEqual(await effects(opened.db, begun.id), ['reserve', 'pay', `commit:P${begun.id}`]);
    // Begun again: the same run, nothing run twice.
    const again = await opened.db.transaction().execute((tx) => runner.begin(tx, 'order-like', 'ol:5', { payAtOnce: true }));
    assert.equal(again.id, begun.id);
    assert.equal(again.leased, undefined);
    assert.deepEqual(await effects(opened.db, begun.id), ['reserve', 'pay', `commit:P${begun.id}`]);
  });

  test('a step is told `fresh` only on the first pass of a run begun in its caller\'s transaction; a retry, a tick or a start is not; drive answers the run a resume moved on', async () => {
    const told: string[] = [];
    let failOnce = true;
    runner.define<DemoData>({
      name: 'fresh-told',
      steps: [
        { name: 'hold', run: async (ctx) => { told.push(`hold:${ctx.fresh === true}`); } },
        {
          name: 'second', run: async (ctx) => {
            told.push(`second:${ctx.fresh === true}`);
            if (failOnce) {
              failOnce = false;
              throw new Error('try again');
            }
          },
        },
        {
          name: 'pay', remote: true, completedByResume: true,
          async run(ctx) {
            await opened.db.transaction().execute((tx) => runner.resume(tx, 'fresh-told', ctx.ref, {}));
            return {};
          },
        },
        { name: 'after', run: async (ctx) => { told.push(`after:${ctx.fresh === true}`); } },
      ],
    });
    // begin runs its steps unguarded: the failure refuses the caller's transaction, nothing kept.
    await assert.rejects(opened.db.transaction().execute((tx) => runner.begin(tx, 'fresh-told', 'ft:1', {})), /try again/);
    assert.deepEqual(told, ['hold:true', 'second:true']);
    const begun = await opened.db.transaction().execute((tx) => runner.begin(tx, 'fresh-told', 'ft:1', {}));
    assert.deepEqual(told.slice(2), ['hold:true', 'second:true']);
    const seen = await runner.drive(begun.id, begun);
    assert.deepEqual(told.slice(4), ['after:false'], 'the steps after a resume run in the resumer\'s transaction, not fresh');
    assert.equal(seen?.state, 'completed', 'drive answers the run as the resume left it');
    assert.deepEqual(seen, await runner.get('fresh-told', 'ft:1'));
    told.length = 0;
    const started = await runner.start('fresh-told', 'ft:2', {});
    await runner.drive(started);
    assert.deepEqual(told, ['hold:false', 'second:false', 'after:false'], 'a run recorded to start is driven as any other');
  });

  test('a remote step failing for good is undone too, since it may have happened', async () => {
    failPay = 3;
    const run = await runner.execute('order-like', 'ol:3', {});
    assert.equal(run.attempt, 1);
    clock.advance(1_000);
    await runner.tick();
    clock.advance(2_000);
    await runner.tick();
    const done = (await runner.get('order-like', 'ol:3'))!;
    assert.equal(done.state, 'compensated');
    assert.equal(done.error, 'gateway down');
    assert.deepEqual(await effects(opened.db, run.id), ['reserve', 'undo-pay', 'undo-reserve']);
  });
});

/** Runs test/workflow-child.ts; with hangAt, kills it with SIGKILL once it says it is inside that step. */
function child(env: Record<string, string>, args: string[], hangAt?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'test/workflow-child.ts', ...args], {
      env: { ...process.env, ...env, ...(hangAt ? { HANG_AT: hangAt } : {}) }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (hangAt && out.includes('hanging')) p.kill('SIGKILL');
    });
    p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    p.on('exit', (code, signal) => {
      if (hangAt ? signal === 'SIGKILL' : code === 0) resolve(out);
      else reject(new Error(`child ended ${code ?? signal}:\n${out}\n${err}`));
    });
  });
}

test('a process killed inside a step or a compensation: the next start completes the run, or undoes it, exactly once', { timeout: 240_000 }, async () => {
  // Its own database: the parent's PGlite is in memory; the children share a data directory.
  const crash = await freshDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'omnihall-wf-'));
  const env: Record<string, string> = crash.url ? { DATABASE_URL: crash.url } : { WF_DATA_DIR: dir };
  try {
    const hung = await child(env, ['start', 'crash:1'], 'b');
    assert.match(hung, /hanging \d+ b/);
    await child(env, ['tick']);
    const hung2 = await child(env, ['start', 'crash:2', 'd'], 'undo-b');
    assert.match(hung2, /hanging \d+ undo-b/);
    await child(env, ['tick']);

    const db = await openDb({ databaseUrl: crash.url, dataDir: crash.url ? 'memory://' : dir, poolSize: 2 });
    try {
      const r1 = await db.db.selectFrom('workflowRun').selectAll().where('ref', '=', 'crash:1').executeTakeFirstOrThrow();
      assert.equal(r1.state, 'completed');
      assert.deepEqual(await effects(db.db, r1.id), ['a', 'b', 'c', 'd'], 'the killed step b ran again, and once');
      const r2 = await db.db.selectFrom('workflowRun').selectAll().where('ref', '=', 'crash:2').executeTakeFirstOrThrow();
      assert.equal(r2.state, 'compensated');
      assert.deepEqual(await effects(db.db, r2.id), ['a', 'b', 'c', 'undo-c:OUT_OF_STOCK', 'undo-b:OUT_OF_STOCK', 'undo-a:OUT_OF_STOCK'], 'the killed compensation ran again, and once');
    } finally {
      await db.close();
    }
  } finally {
    await crash.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});
