// The event bus, in-process and over the real NATS JetStream: a consumer gets what is published
// once per id, an event whose handler failed comes again, consumers under one name share the
// events and consumers under different names each get them all; over NATS a consumer keeps its
// place while no node runs it, and an event left unacknowledged by a dead consumer goes to another.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { InProcessBus, NatsBus, type BusEvent, type EventBus } from '../src/platform/events/index.ts';
import { dropStream, NATS_TEST_URL, natsSkip, uniquePrefix } from './nats.ts';

const natsWhy = await natsSkip();
const prefixes: string[] = [];
after(async () => { if (!natsWhy) for (const p of prefixes) await dropStream(p); });

async function until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`waited in vain for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Lets whatever would still arrive arrive (to see that nothing more does). */
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Make = () => Promise<EventBus>;
const kinds: { name: string; skip?: string; make: (prefix: string) => Make; quiet: number }[] = [
  { name: 'in-process', make: () => { const bus = new InProcessBus({ retryDelayMs: () => 10 }); return async () => bus; }, quiet: 50 },
  { name: 'NATS JetStream', skip: natsWhy, make: (prefix) => () => NatsBus.connect({ url: NATS_TEST_URL, prefix }), quiet: 500 },
];

for (const k of kinds) {
  test(`${k.name}: one delivery per id, a failed handler's event again, names share or each get all`, { skip: k.skip, timeout: 60_000 }, async () => {
    const prefix = uniquePrefix('bus');
    prefixes.push(prefix);
    const make = k.make(prefix);
    const a = await make();
    const b = await make();
    try {
      const seenA: BusEvent[] = [];
      const seenB: BusEvent[] = [];
      const audit: BusEvent[] = [];
      let failOnce = true;
      // one name, two nodes: shared out
      const ca = await a.consume('calls', { subjects: ['interaction.>'], ackWaitMs: 5_000 }, async (e) => {
        if (e.payload && (e.payload as { n: number }).n === 3 && failOnce) { failOnce = false; throw new Error('the database blinked'); }
        seenA.push(e);
      });
      // in one process a name is one consumer: the in-process bus has no second node
      const cb = b === a ? undefined : await b.consume('calls', { subjects: ['interaction.>'], ackWaitMs: 5_000 }, async (e) => { seenB.push(e); });
      // another name: every event
      const cc = await a.consume('audit', { subjects: ['interaction.called', 'usage.threshold'] }, async (e) => { audit.push(e); });
      for (let n = 1; n <= 20; n++) await a.publish('interaction.called', { n }, { id: `call-${n}` });
      await a.publish('interaction.called', { n: 1 }, { id: 'call-1' }); // a repeat: stored once
      await b.publish('usage.threshold', { n: 99 }, { id: 'usage-1' });
      await b.publish('bill.issued', { n: 100 }, { id: 'bill-1' }); // neither consumer takes bills
      const both = () => [...seenA, ...seenB];
      await until('the 20 calls', () => both().length >= 20 && audit.length >= 21);
      await settle(k.quiet);
      const ns = both().map((e) => (e.payload as { n: number }).n).sort((x, y) => x - y);
      assert.deepEqual(ns, Array.from({ length: 20 }, (_, i) => i + 1), 'each call handled once by one of the two nodes');
      assert.equal(audit.length, 21, 'the other consumer got every call and the usage event, no bill');
      assert.deepEqual(audit.map((e) => e.subject).filter((s) => s !== 'interaction.called'), ['usage.threshold']);
      const third = both().find((e) => (e.payload as { n: number }).n === 3)!;
      assert.equal(third.delivery, 2, 'the failed event came again');
      assert.equal(third.id, 'call-3');
      if (k.name === 'NATS JetStream') assert.ok(seenA.length > 0 && seenB.length > 0, `both nodes took a share (${seenA.length}/${seenB.length})`);
      await Promise.all([ca.stop(), cb?.stop(), cc.stop()]);
    } finally {
      await a.close();
      if (b !== a) await b.close();
    }
  });
}

test('NATS JetStream: a consumer keeps its place while no node runs it; a dead node’s event goes to another after the ack wait', { skip: natsWhy, timeout: 60_000 }, async () => {
  const prefix = uniquePrefix('dur');
  prefixes.push(prefix);
  const first = await NatsBus.connect({ url: NATS_TEST_URL, prefix });
  const got: BusEvent[] = [];
  const c1 = await first.consume('triggers', { subjects: ['interaction.called'], ackWaitMs: 1_000 }, async (e) => { got.push(e); });
  await first.publish('interaction.called', { n: 1 }, { id: 'e1' });
  await until('e1', () => got.length === 1);
  await c1.stop();
  // published with nobody consuming
  await first.publish('interaction.called', { n: 2 }, { id: 'e2' });
  // a node that takes e2 and is killed (SIGKILL) before its work commits, never acknowledging
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/nats-consumer-child.ts', NATS_TEST_URL, prefix, 'triggers'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  await until('the child took e2', () => /started e2/.test(out));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const second = await NatsBus.connect({ url: NATS_TEST_URL, prefix });
  try {
    const c2 = await second.consume('triggers', { subjects: ['interaction.called'], ackWaitMs: 1_000 }, async (e) => { got.push(e); });
    await until('e2 after the dead node', () => got.length === 2);
    await settle(1_500);
    assert.deepEqual(got.map((e) => e.id), ['e1', 'e2'], 'e1 not again; e2 once, to the live node');
    assert.ok(got[1]!.delivery >= 2, 'e2 was a redelivery');
    await c2.stop();
  } finally {
    await second.close();
    await first.close();
  }
});
