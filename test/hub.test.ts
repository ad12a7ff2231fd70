// TMF630 hub of the catalogue: listeners registered over TMF620 are sent every catalogue event
// from the database, in eventId order and none twice, whether they were down for a while, the
// deliverer restarted, or two nodes deliver at once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildServices, type Services } from '../src/container.ts';
import { startTestEnv, staffToken, type TestEnv } from './helpers.ts';

const CATALOG = '/tmf-api/productCatalogManagement/v4';
const ORIGIN = 'http://localhost:80';

interface TmfEvent {
  eventId: string;
  eventTime: string;
  eventType: string;
  event: Record<string, { id: string; href: string; name: string; lifecycleStatus?: string }>;
}

/** A listener on 127.0.0.1 that can be stopped and started again on its port, or made to answer 500. */
class Listener {
  /** Events it answered 2xx to, in the order they came. */
  accepted: TmfEvent[] = [];
  /** Every request that reached it, refused ones included. */
  hits = 0;
  failWith: number | null = null;
  private server: Server | undefined;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        this.hits++;
        if (this.failWith !== null) {
          res.writeHead(this.failWith).end();
          return;
        }
        this.accepted.push(JSON.parse(body) as TmfEvent);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((done) => this.server!.listen(this.port, '127.0.0.1', done));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const s = this.server!;
    await new Promise<void>((done) => {
      s.close(() => done());
      s.closeAllConnections();
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/events`;
  }

  ids(): number[] {
    return this.accepted.map((e) => Number(e.eventId));
  }
}

let env: TestEnv;
let product: string;
const listeners: Listener[] = [];
const extraServices: Services[] = [];

before(async () => {
  env = await startTestEnv();
  product = await staffToken(env, ['product']);
});
after(async () => {
  for (const s of extraServices) await s.close();
  for (const l of listeners) await l.stop().catch(() => undefined);
  await env.close();
});

function send(method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, token = product) {
  return env.app.inject({ method, url, payload: payload as Record<string, unknown>, headers: { authorization: `Bearer ${token}` } });
}

/** Polls until `cond` holds; fails with `what` after a bound (not a timing assertion: only a limit on waiting). */
async function until(what: string, cond: () => boolean | Promise<boolean>, boundMs = 15_000): Promise<void> {
  const end = Date.now() + boundMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`gave up waiting: ${what}`);
    await new Promise((done) => setTimeout(done, 20));
  }
}

async function listen(query?: string): Promise<{ listener: Listener; id: string }> {
  const listener = new Listener();
  await listener.start();
  listeners.push(listener);
  const r = await send('POST', `${CATALOG}/hub`, { callback: listener.url, ...(query ? { query } : {}) });
  assert.equal(r.statusCode, 201, r.body);
  assert.equal(r.json().callback, listener.url);
  return { listener, id: r.json().id as string };
}

async function eventIdsAfter(id: number): Promise<number[]> {
  return (await env.s.catalogueService.eventsAfter(id, 10_000)).map((e) => e.id);
}

/** A catalogue change through TMF620 that makes one or more events. */
async function change(n: number): Promise<void> {
  const r = await send('POST', `${CATALOG}/productSpecification`, { name: `规格${n}` });
  assert.equal(r.statusCode, 201, r.body);
}

function assertInOrderOnce(ids: number[], expected: number[]): void {
  assert.equal(new Set(ids).size, ids.length, `none twice: ${ids.join(',')}`);
  assert.deepEqual(ids, expected, 'every event, in eventId order');
}

describe('TMF630 hub', () => {
  test('a listener registers and is sent TMF events with absolute hrefs; a bad registration is refused', async () => {
    env.s.hub.start({ pollMs: 20 });
    const { listener, id } = await listen();
    const created = await send('POST', `${CATALOG}/productOffering`, { name: '事件测试包', category: [{ id: 'data_pack' }] });
    assert.equal(created.statusCode, 201, created.body);
    await until('the create event', () => listener.accepted.some((e) => e.eventType === 'ProductOfferingCreateEvent'));
    const e = listener.accepted.find((x) => x.eventType === 'ProductOfferingCreateEvent')!;
    assert.equal(typeof e.eventId, 'string');
    assert.ok(!Number.isNaN(Date.parse(e.eventTime)));
    const o = e.event.productOffering!;
    assert.equal(o.id, created.json().id);
    assert.equal(o.name, '事件测试包');
    assert.equal(o.href, `${ORIGIN}${CATALOG}/productOffering/${o.id}`);
    assert.equal(o.lifecycleStatus, 'In design');

    const patched = await send('PATCH', `${CATALOG}/productOffering/${o.id}`, { description: '改了' });
    assert.equal(patched.statusCode, 200, patched.body);
    const gone = await send('DELETE', `${CATALOG}/productOffering/${o.id}`);
    assert.equal(gone.statusCode, 204, gone.body);
    await until('the change and delete events', () => listener.accepted.some((x) => x.eventType === 'ProductOfferingDeleteEvent'));
    assert.deepEqual(listener.accepted.map((x) => x.eventType), ['ProductOfferingCreateEvent', 'ProductOfferingAttributeValueChangeEvent', 'ProductOfferingDeleteEvent']);
    assert.equal(listener.accepted[2]!.event.productOffering!.id, o.id);

    for (const [body, what] of [
      [{ callback: 'ftp://127.0.0.1/x' }, 'not http'],
      [{ callback: 'not a url' }, 'not a URL'],
      [{ callback: listener.url, query: 'colour=red' }, 'an unsupported query'],
      [{ callback: listener.url, extra: 1 }, 'an unknown attribute'],
      [{ callback: 5 }, 'a wrong type'],
    ] as const) {
      const r = await send('POST', `${CATALOG}/hub`, body);
      assert.equal(r.statusCode, 400, `${what}: ${r.body}`);
      assert.equal(r.json()['@type'], 'Error');
      assert.equal(r.json().code, 'INVALID_INPUT');
    }
    const agent = await staffToken(env, ['agent']);
    assert.equal((await send('POST', `${CATALOG}/hub`, { callback: listener.url }, agent)).statusCode, 403);
    assert.equal((await env.app.inject({ method: 'POST', url: `${CATALOG}/hub`, payload: { callback: listener.url } })).statusCode, 401);

    assert.equal((await send('DELETE', `${CATALOG}/hub/${id}`)).statusCode, 204);
    assert.equal((await send('DELETE', `${CATALOG}/hub/${id}`)).json().code, 'NOT_FOUND');
    const count = listener.accepted.length;
    await change(0);
    const other = await listen();
    await change(1);
    await until('a listener registered later', () => other.listener.accepted.length === 1);
    assert.equal(listener.accepted.length, count, 'a removed listener is sent nothing more');
  });

  test('a new listener starts from the last event; a query narrows what it is sent', async () => {
    await change(2);
    const last = await env.s.catalogueService.lastEventId();
    const all = await listen();
    const states = await listen('eventType=ProductSpecificationStateChangeEvent');
    const spec = (await send('POST', `${CATALOG}/productSpecification`, { name: '查询规格' })).json();
    assert.equal((await send('PATCH', spec.href, { lifecycleStatus: 'Launched' })).statusCode, 200);
    await until('both events to the first', () => all.listener.accepted.length === 2);
    await until('the state change to the second', () => states.listener.accepted.length === 1);
    assert.ok(all.listener.ids().every((i) => i > last), 'nothing from before it registered');
    assert.deepEqual(all.listener.accepted.map((e) => e.eventType), ['ProductSpecificationCreateEvent', 'ProductSpecificationStateChangeEvent']);
    assert.equal(states.listener.accepted[0]!.event.productSpecification!.lifecycleStatus, 'Launched');
    await send('DELETE', `${CATALOG}/hub/${all.id}`);
    await send('DELETE', `${CATALOG}/hub/${states.id}`);
  });

  test('a listener that is down, or refuses, gets its events later, in order, none twice', async () => {
    const { listener, id } = await listen();
    const from = await env.s.catalogueService.lastEventId();
    await change(10);
    await until('the first event', () => listener.accepted.length === 1);

    await listener.stop();
    for (let i = 11; i < 14; i++) await change(i);
    await until('a failed attempt', async () => ((await env.s.hub.get(id))?.attempts ?? 0) >= 1);
    const row = await env.s.hub.get(id);
    assert.ok(row!.lastError, 'the failure is recorded');
    assert.ok(row!.nextAttemptAt > env.clock.now(), 'it backs off');

    // Back up, but answering 500: still not delivered, and the backoff grows.
    listener.failWith = 500;
    await listener.start();
    env.clock.advance(3_600_000);
    await until('a refused attempt', () => listener.hits > 1);
    await until('the refusal counted', async () => ((await env.s.hub.get(id))?.attempts ?? 0) >= 2);
    assert.equal(listener.accepted.length, 1);

    listener.failWith = null;
    env.clock.advance(3_600_000);
    const expected = await eventIdsAfter(from);
    assert.equal(expected.length, 4);
    await until('all four events', () => listener.accepted.length >= 4);
    assertInOrderOnce(listener.ids(), expected);
    // The listener has the last event before the deliverer reads its 2xx and moves the cursor.
    await until('the cursor at the last event', async () => (await env.s.hub.get(id))?.cursor === expected.at(-1));
    assert.equal((await env.s.hub.get(id))!.attempts, 0);
    await send('DELETE', `${CATALOG}/hub/${id}`);
  });

  test('a restart of the deliverer loses none and sends none twice', async () => {
    const { listener, id } = await listen();
    const from = await env.s.catalogueService.lastEventId();
    await change(20);
    await until('the first event', () => listener.accepted.length === 1);
    await env.s.hub.stop();
    for (let i = 21; i < 25; i++) await change(i);
    assert.equal(listener.accepted.length, 1, 'nothing is sent while no deliverer runs');

    // Another node (or this one restarted) picks up from the cursor in the database.
    const restarted = await buildServices(env.config, env.db, { clock: env.clock, defaultMetrics: false, hub: { pollMs: 20 } });
    extraServices.push(restarted);
    const expected = await eventIdsAfter(from);
    await until('every event', () => listener.accepted.length >= expected.length);
    assertInOrderOnce(listener.ids(), expected);
    await restarted.hub.stop();
    env.s.hub.start({ pollMs: 20 });
    await send('DELETE', `${CATALOG}/hub/${id}`);
  });

  test('two nodes delivering at once send each event to each listener once, in order', async () => {
    const a = await listen();
    const b = await listen();
    const from = await env.s.catalogueService.lastEventId();
    const second = await buildServices(env.config, env.db, { clock: env.clock, defaultMetrics: false, hub: { pollMs: 5 } });
    extraServices.push(second);
    for (let i = 30; i < 45; i++) await change(i);
    const expected = await eventIdsAfter(from);
    await until('every event to both', () => a.listener.accepted.length >= expected.length && b.listener.accepted.length >= expected.length);
    // Both nodes keep looking for a while: any second send would show up here.
    await change(45);
    const withLast = await eventIdsAfter(from);
    await until('the last one to both', () => a.listener.accepted.length >= withLast.length && b.listener.accepted.length >= withLast.length);
    assertInOrderOnce(a.listener.ids(), withLast);
    assertInOrderOnce(b.listener.ids(), withLast);
    await second.hub.stop();
  });
});
