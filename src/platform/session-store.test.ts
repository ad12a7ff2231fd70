import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isAppError } from './errors.ts';
import { MemorySessionStore, RedisSessionStore, redisRetryDelay, SWEEP_INTERVAL_MS, type SessionStore } from './session-store.ts';
import { redisServerUnavailable, startRedisServer } from '../../test/faults/redis-server.ts';

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

describe('session store: Redis going away', () => {
  const why = redisServerUnavailable();
  test('a stopped Redis fails each call at once with UNAVAILABLE, never crashes, and is used again once it is back', { skip: why, timeout: 120_000 }, async () => {
    const server = await startRedisServer();
    const changes: boolean[] = [];
    const s = new RedisSessionStore(server.url, 'outage:', { onConnectionChange: (up) => changes.push(up) });
    try {
      await s.set('k', { step: 1 }, 60_000);
      assert.deepEqual(await s.get('k'), { step: 1 });

      await server.stop();
      // the loss is noticed (the socket closes), then every call is refused as UNAVAILABLE
      const until = Date.now() + 30_000;
      let refused: unknown;
      while (!refused) {
        refused = await s.get('k').then(() => undefined, (e: unknown) => e);
        assert.ok(Date.now() < until, 'a call fails once Redis is gone');
      }
      for (const call of [() => s.get('k'), () => s.set('k', 1, 1000), () => s.take('k'), () => s.delete('k')]) {
        const e = await call().then(() => undefined, (err: unknown) => err);
        assert.ok(isAppError(e) && e.code === 'UNAVAILABLE', `refused as UNAVAILABLE: ${String(e)}`);
      }
      assert.ok(isAppError(refused) && refused.code === 'UNAVAILABLE');
      assert.equal(refused.status, 503);

      await server.start();
      // reconnected with backoff, by itself (the restarted server kept nothing)
      const back = Date.now() + 60_000;
      for (;;) {
        const ok = await s.set('k2', 'v', 60_000).then(() => true, () => false);
        if (ok) break;
        assert.ok(Date.now() < back, 'used again within 60 s of Redis coming back');
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(await s.take('k2'), 'v');
      assert.equal(await s.get('k'), undefined);
      assert.deepEqual(changes, [false, true], 'the loss and the return told once each');
    } finally {
      await s.close();
      await server.destroy();
    }
  });

  test('backoff: 100 ms doubling to at most 5 s, with jitter', () => {
    for (let attempt = 1; attempt <= 20; attempt++) {
      const d = redisRetryDelay(attempt);
      const base = Math.min(5000, 100 * 2 ** (attempt - 1));
      assert.ok(d >= base / 2 && d <= base, `attempt ${attempt}: ${d} ms within [${base / 2}, ${base}]`);
    }
  });
});
