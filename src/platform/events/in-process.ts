// The in-process event bus, the default of a single node: each durable consumer has its queue in
// memory, an event whose handler failed comes again after a pause, and a publish repeated with the
// same id within the duplicate window is dropped (as JetStream does). What is queued is lost when
// the process ends: for several nodes, or events that must outlive a restart, set NATS_URL.
import { DEFAULT_MAX_DELIVER, subjectMatches, type BusEvent, type Consumer, type ConsumerOptions, type EventBus, type EventHandler } from './bus.ts';

/** How long a published id is remembered for dropping a repeat. */
const DUPLICATE_WINDOW_MS = 120_000;

interface Queue {
  subjects: readonly string[];
  events: BusEvent[];
  handler?: EventHandler;
  opts?: ConsumerOptions;
  running?: Promise<void>;
  retry?: NodeJS.Timeout;
}

export class InProcessBus implements EventBus {
  readonly kind = 'in-process' as const;
  private readonly queues = new Map<string, Queue>();
  private readonly seen = new Map<string, number>();
  private closed = false;

  constructor(private readonly opts: { now?: () => number; retryDelayMs?: (delivery: number) => number } = {}) {}

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  async publish(subject: string, payload: unknown, o: { id: string }): Promise<void> {
    if (this.closed) throw new Error('the event bus is closed');
    const now = this.now();
    if ((this.seen.get(o.id) ?? -Infinity) > now - DUPLICATE_WINDOW_MS) return;
    this.seen.set(o.id, now);
    if (this.seen.size > 100_000) for (const [id, at] of this.seen) if (at <= now - DUPLICATE_WINDOW_MS) this.seen.delete(id);
    const publishedAt = new Date(now).toISOString();
    for (const q of this.queues.values()) {
      if (!q.subjects.some((p) => subjectMatches(p, subject))) continue;
      // A copy per consumer: one consumer's handler cannot change what another sees.
      q.events.push({ id: o.id, subject, payload: structuredClone(payload), publishedAt, delivery: 0 });
      this.pump(q);
    }
  }

  async consume(name: string, opts: ConsumerOptions, handler: EventHandler): Promise<Consumer> {
    let q = this.queues.get(name);
    if (!q) {
      q = { subjects: opts.subjects, events: [] };
      this.queues.set(name, q);
    }
    if (q.handler) throw new Error(`consumer ${name} is already running in this process`);
    q.handler = handler;
    q.opts = opts;
    this.pump(q);
    const queue = q;
    return {
      stop: async () => {
        queue.handler = undefined;
        if (queue.retry) clearTimeout(queue.retry);
        queue.retry = undefined;
        await queue.running;
      },
    };
  }

  /** Runs the queue's events one at a time, in order; a failed one stays at the head and comes again. */
  private pump(q: Queue): void {
    if (q.running || q.retry || !q.handler) return;
    q.running = (async () => {
      while (q.handler && q.events.length) {
        const e = q.events[0]!;
        e.delivery++;
        try {
          await q.handler({ ...e });
          q.events.shift();
        } catch (err) {
          q.opts?.onError?.(err, e);
          if (e.delivery >= (q.opts?.maxDeliver ?? DEFAULT_MAX_DELIVER)) {
            q.events.shift();
            continue;
          }
          const delay = this.opts.retryDelayMs?.(e.delivery) ?? Math.min(1000 * 2 ** (e.delivery - 1), 30_000);
          q.retry = setTimeout(() => { q.retry = undefined; this.pump(q); }, delay);
          q.retry.unref();
          return;
        }
      }
    })().finally(() => { q.running = undefined; if (q.handler && q.events.length && !q.retry) this.pump(q); });
  }

  /** Resolves when every consumer's queue is empty (tests, and a clean shutdown). */
  async drained(): Promise<void> {
    for (;;) {
      const busy = [...this.queues.values()].filter((q) => q.handler && (q.events.length || q.running));
      if (!busy.length) return;
      await Promise.all(busy.map((q) => q.running ?? new Promise((r) => setTimeout(r, 10))));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.queues.values()].map(async (q) => {
      q.handler = undefined;
      if (q.retry) clearTimeout(q.retry);
      await q.running;
    }));
  }
}
