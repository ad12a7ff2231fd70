// The coalescing of a sale's buyers (buy-batches.ts) on its own, with a serve that answers as told:
// how many batches run at once and how big, one request of a buyer a batch, a request handed back
// served first next, a request marked solo served alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Batches, type BatchAsk } from './buy-batches.ts';

interface Ask extends BatchAsk<string> { id: string }

function harness(limits: { batches: number; size: number }, decide: (a: Ask, batch: Ask[]) => 'ok' | 'again' | Error = () => 'ok') {
  const served: string[][] = [];
  let running = 0;
  let most = 0;
  let idle = 0;
  const gates: (() => void)[] = [];
  const batches = new Batches<Ask>(async (batch, again) => {
    running++;
    most = Math.max(most, running);
    served.push(batch.map((a) => a.id));
    await new Promise<void>((r) => gates.push(r));
    running--;
    for (const a of batch) {
      const d = decide(a, batch);
      if (d === 'again') again(a);
      else if (d instanceof Error) a.reject(d);
      else a.resolve(`${a.id} in ${batch.length}`);
    }
  }, limits, () => idle++);
  const ask = (id: string, buyer: number, extra: Partial<Ask> = {}) => new Promise<string>((resolve, reject) => batches.add({ id, buyer, resolve, reject, ...extra }));
  /** Lets every batch running now end, until none is left. */
  const drain = async () => {
    while (gates.length || running) {
      await new Promise((r) => setImmediate(r));
      gates.splice(0).forEach((g) => g());
    }
  };
  return { served, ask, drain, most: () => most, idle: () => idle };
}

test('the first requests start batches at once; the rest wait and go together, at most `size` a batch and `batches` at once', async () => {
  const h = harness({ batches: 2, size: 3 });
  const answers = Array.from({ length: 10 }, (_, i) => h.ask(`r${i}`, i));
  await h.drain();
  assert.deepEqual(h.served, [['r0'], ['r1'], ['r2', 'r3', 'r4'], ['r5', 'r6', 'r7'], ['r8', 'r9']]);
  assert.equal(h.most(), 2);
  assert.equal((await Promise.all(answers)).length, 10);
  assert.equal(h.idle(), 1, 'idle once everything is answered');
});

test("a buyer's second request is never in the same batch nor in one running beside the first", async () => {
  const h = harness({ batches: 4, size: 10 });
  const answers = [h.ask('a1', 1), h.ask('a2', 1), h.ask('b1', 2), h.ask('a3', 1), h.ask('c1', 3)];
  await h.drain();
  for (const batch of h.served) assert.ok(batch.filter((id) => id.startsWith('a')).length <= 1, `one of buyer 1's requests in ${batch.join(',')}`);
  const at = (id: string) => h.served.findIndex((b) => b.includes(id));
  assert.ok(at('a1') < at('a2') && at('a2') < at('a3'), "buyer 1's requests in the order they came");
  await Promise.all(answers);
});

test('a request handed back is served again before those that came after it; a solo request alone; a refusal reaches its caller only', async () => {
  let handedBack = false;
  const h = harness({ batches: 1, size: 5 }, (a) => {
    if (a.id === 'x' && !handedBack) return (handedBack = true, 'again');
    if (a.id === 'bad') return new Error('refused');
    return 'ok';
  });
  const first = h.ask('first', 0);
  const x = h.ask('x', 1);
  const y = h.ask('y', 2);
  const bad = h.ask('bad', 3);
  const refused = assert.rejects(bad, /refused/);
  const solo = h.ask('solo', 4, { solo: true });
  const z = h.ask('z', 5);
  await h.drain();
  // solo waits for a batch of its own; z, behind it, may go in the batch before.
  assert.deepEqual(h.served, [['first'], ['x', 'y', 'bad', 'z'], ['x'], ['solo']]);
  assert.equal(await x, 'x in 1');
  await refused;
  assert.equal(await solo, 'solo in 1');
  assert.deepEqual(await Promise.all([first, y, z]), ['first in 1', 'y in 4', 'z in 4']);
});
