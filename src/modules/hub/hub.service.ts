// TMF630 hub: listeners registered by callback URL are sent every catalogue event, in id order,
// from the database. Each listener keeps its own cursor; a loop on every node takes one due
// listener at a time (for update skip locked, then a lease), sends what is beyond its cursor,
// moves the cursor only after a 2xx and backs off after a failure. A restart loses nothing: the
// cursor is in the database and an unfinished lease runs out.
import { performance } from 'node:perf_hooks';
import type { Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n } from '../../platform/i18n.ts';
import type { Clock, Random } from '../../platform/ports.ts';
import * as repo from './hub.repository.ts';
import type { HubListener } from './tables.ts';

/** What the hub needs to know of an event; the rest is the renderer's. */
export interface HubEvent {
  id: number;
}

export interface HubEventSource<E extends HubEvent> {
  /** Events after an id, oldest first. */
  eventsAfter(afterId: number, limit: number): Promise<E[]>;
  lastEventId(): Promise<number>;
}

export interface HubOptions {
  /** How long one POST may take. */
  timeoutMs?: number;
  /** Most events sent to one listener per turn. */
  batch?: number;
  /** How long the loop sleeps when no listener is due. */
  pollMs?: number;
  /** The first retry's delay; each further failure doubles it, up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

export interface HubDeps<E extends HubEvent> extends HubOptions {
  db: Db;
  clock: Clock;
  random: Random;
  events: HubEventSource<E>;
  /** The JSON body a listener is sent for an event (hrefs under its base URL); null: not one to send. */
  render(e: E, baseUrl: string): Promise<Record<string, unknown> | null>;
  onError?(e: unknown): void;
}

export type Listener = Pick<HubListener, 'id' | 'callback' | 'query'>;

const SAFETY_MS = 2_000;

/** `eventType=A,B&event.productOffering.lifecycleStatus=Launched` → the values each path may have. */
function parseQuery(query: string | null): [string[], string[]][] {
  if (!query) return [];
  const out: [string[], string[]][] = [];
  for (const [key, value] of new URLSearchParams(query)) {
    if (!/^(eventType|event(\.[A-Za-z@][\w@]*)+)$/.test(key)) {
      throw new AppError('INVALID_INPUT', { detail: l10n(`不支持的订阅条件：${key}`, `Unsupported query attribute ${key}: use eventType or event.<path>`) });
    }
    out.push([key.split('.'), value.split(',').map((v) => v.trim()).filter(Boolean)]);
  }
  return out;
}

function matches(filter: [string[], string[]][], body: Record<string, unknown>): boolean {
  return filter.every(([path, values]) => {
    let v: unknown = body;
    for (const k of path) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined;
    return (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && values.includes(String(v));
  });
}

export class HubService<E extends HubEvent = HubEvent> {
  private readonly owner: string;
  private readonly timeoutMs: number;
  private readonly batch: number;
  private readonly leaseMs: number;
  private pollMs: number;
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;

  constructor(private readonly d: HubDeps<E>) {
    this.owner = d.random.uuid();
    this.timeoutMs = d.timeoutMs ?? 5_000;
    this.batch = d.batch ?? 20;
    this.pollMs = d.pollMs ?? 1_000;
    // Long enough for a whole turn of slow answers: a turn stops sending before its lease ends.
    this.leaseMs = this.batch * this.timeoutMs + 10_000;
  }

  // ---- listeners ----------------------------------------------------------------------------

  /** A new listener is sent what happens from now on: its cursor starts at the last event. */
  async register(r: { callback: string; query?: string | null; baseUrl: string }): Promise<Listener> {
    let url: URL;
    try {
      url = new URL(r.callback);
    } catch {
      throw new AppError('INVALID_INPUT', { detail: l10n('callback 应为 http(s) 地址', 'callback must be an http(s) URL') });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new AppError('INVALID_INPUT', { detail: l10n('callback 应为 http(s) 地址', 'callback must be an http(s) URL') });
    }
    const query = r.query?.trim() ? r.query.trim() : null;
    parseQuery(query);
    const id = this.d.random.uuid();
    const now = this.d.clock.now();
    await repo.insertListener(this.d.db, {
      id, callback: url.toString(), query, baseUrl: r.baseUrl, cursor: await this.d.events.lastEventId(), attempts: 0,
      nextAttemptAt: now, leaseUntil: null, leaseOwner: null, lastError: null, createdAt: now,
    });
    return { id, callback: url.toString(), query };
  }

  async unregister(id: string): Promise<boolean> {
    return repo.deleteListener(this.d.db, id);
  }

  /** A listener with its cursor and delivery state. */
  get(id: string): Promise<HubListener | undefined> {
    return repo.getListener(this.d.db, id);
  }

  // ---- delivery -----------------------------------------------------------------------------

  /** Starts this node's delivery loop (idempotent). */
  start(opts: { pollMs?: number } = {}): void {
    if (opts.pollMs !== undefined) this.pollMs = opts.pollMs;
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops the loop after the turn in progress; the cursors keep what was sent. */
  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
    this.loop = undefined;
  }

  /** Looks for due listeners now rather than at the next poll (after a catalogue write on this node). */
  wake(): void {
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let worked = false;
      try {
        worked = await this.deliverOnce();
      } catch (e) {
        this.d.onError?.(e);
      }
      if (!worked && this.running) {
        await new Promise<void>((done) => {
          const t = setTimeout(done, this.pollMs);
          this.wakeUp = () => {
            clearTimeout(t);
            done();
          };
        });
        this.wakeUp = undefined;
      }
    }
  }

  /** One turn: takes one due listener and sends it what it has not had. False when none was due. */
  async deliverOnce(): Promise<boolean> {
    const lastEventId = await this.d.events.lastEventId();
    const l = await repo.claimDue(this.d.db, { now: this.d.clock.now(), lastEventId, owner: this.owner, leaseMs: this.leaseMs });
    if (!l) return false;
    await this.turn(l);
    return true;
  }

  private async turn(l: HubListener): Promise<void> {
    const started = performance.now();
    const filter = parseQuery(l.query);
    let sent = false;
    try {
      for (const e of await this.d.events.eventsAfter(l.cursor, this.batch)) {
        // Never send once the lease may have run out: another node could hold the listener then.
        if (performance.now() - started + this.timeoutMs + SAFETY_MS > this.leaseMs) break;
        const body = await this.d.render(e, l.baseUrl);
        if (body && matches(filter, body)) await this.post(l.callback, body);
        if (!(await repo.advance(this.d.db, l.id, this.owner, e.id))) return;
        sent = true;
      }
      await repo.release(this.d.db, l.id, this.owner);
    } catch (err) {
      const attempts = (sent ? 0 : l.attempts) + 1;
      const base = this.d.backoffMs ?? 1_000;
      const delay = Math.min(base * 2 ** Math.min(attempts - 1, 20), this.d.maxBackoffMs ?? 300_000) + this.d.random.int(0, Math.max(1, Math.floor(base / 4)));
      await repo.release(this.d.db, l.id, this.owner, {
        attempts, nextAttemptAt: new Date(this.d.clock.now().getTime() + delay), lastError: String((err as Error)?.message ?? err).slice(0, 500),
      });
    }
  }

  private async post(callback: string, body: Record<string, unknown>): Promise<void> {
    const res = await fetch(callback, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
      redirect: 'manual',
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status < 200 || res.status > 299) throw new Error(`${callback} answered ${res.status}`);
  }
}
