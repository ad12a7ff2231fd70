import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemorySessionStore, RedisSessionStore, SWEEP_INTERVAL_MS, type SessionStore } from './session-store.ts';

async function behaves(store: SessionStore, advance: (ms: number) => Promise<void>): Promise<void> {
  const key = `t-${Math.random().toString(36).slice(2)}`;
  assert.equal(await store.get(key), undefined);
  await store.set(key, { step: 2, path: ['1', '3'] }, 200);
  assert.deepEqual(await store.get(key), { step: 2, path: ['1', '3'] });
  assert.deepEqual(await store.take(key), { step: 2, path: ['1', '3'] });
  assert.equal(await store.take(key), undefined, 'a taken value is gone');
  await store.set(key, 'x', 50);
  await advance(120);
  assert.equal(await store.get(key), undefined, 'an idle entry expires');
}

describe('session store', () => {
  test('in-process', async () => {
    let t = 0;
    const s = new MemorySessionStore(() => t);
    await behaves(s, async (ms) => {
      t += ms;
    });
  });

  test('in-process: expired entries nobody reads again are dropped on a clock, not on every write', async () => {
    let t = 0;
    const s = new MemorySessionStore(() => t);
    for (let i = 0; i < 2000; i++) await s.set(`old-${i}`, i, 1000);
    t += 2000;
    // Writes within the sweep interval leave the expired entries alone (they are not returned).
    for (let i = 0; i < 3000; i++) await s.set(`live-${i % 10}`, i, 60_000);
    assert.equal(s.size, 2010);
    assert.equal(await s.get('old-5'), undefined);
    t += SWEEP_INTERVAL_MS;
    await s.set('live-0', 'x', 60_000);
    assert.equal(s.size, 10, 'the sweep dropped every expired entry and kept the live ones');
    assert.equal(await s.get('live-0'), 'x');
  });

  test('in-process: a clock stepped back does not stop the sweeps', async () => {
    let t = 1_000_000;
    const s = new MemorySessionStore(() => t);
    t -= 3_600_000; // the wall clock is corrected by an hour
    for (let i = 0; i < 100; i++) await s.set(`old-${i}`, i, 1000);
    t += 2000;
    await s.set('live', 'x', 60_000);
    t += SWEEP_INTERVAL_MS;
    await s.set('live', 'y', 60_000);
    assert.equal(s.size, 1, 'expired entries are swept on the stepped-back clock too');
  });

  test('Redis, when REDIS_URL is set', { skip: !process.env.REDIS_URL && 'REDIS_URL not set' }, async () => {
    const s = new RedisSessionStore(process.env.REDIS_URL!, `omnihall:test:${process.pid}:`);
    try {
      await behaves(s, (ms) => new Promise((r) => setTimeout(r, ms)));
    } finally {
      await s.close();
    }
  });
});
