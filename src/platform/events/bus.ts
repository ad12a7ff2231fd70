// The event bus port: modules publish what happened (a business called, usage crossing a
// threshold, a bill issued) and durable consumers act on it. Delivery is at least once: a consumer
// acknowledges an event only after its handler's work resolved (committed), and an event whose
// handler failed, or whose node died before acknowledging, comes again. Handlers make that exactly
// once in effect by recording the event's id in the same transaction as their work.

/** One event as a consumer sees it. */
export interface BusEvent<T = unknown> {
  /** The publisher's id for it: a second publish with the same id is the same event. */
  id: string;
  /** Its type, dotted: `interaction.called`, `usage.threshold`, `balance.low`, `bill.issued`. */
  subject: string;
  payload: T;
  /** When it was published (ISO). */
  publishedAt: string;
  /** 1 on the first delivery to this consumer, 2 on the first redelivery, … */
  delivery: number;
}

export type EventHandler = (event: BusEvent) => Promise<void>;

export interface ConsumerOptions {
  /** The subjects it takes, `*` for one token and `>` for the rest, e.g. `interaction.>`. */
  subjects: readonly string[];
  /** How long a delivery may go unacknowledged before it comes again (a dead node's events). */
  ackWaitMs?: number;
  /** After this many deliveries an event is given up (told to `onGiveUp`). */
  maxDeliver?: number;
  /** Called when a handler throws (it comes again) and when an event is given up. */
  onError?: (e: unknown, event: BusEvent) => void;
}

export interface Consumer {
  /** Stops taking events; resolves when the handlers running now have ended. */
  stop(): Promise<void>;
}

export interface EventBus {
  readonly kind: 'in-process' | 'nats';
  /** Resolves when the bus holds the event (JetStream: the stream stored it). */
  publish(subject: string, payload: unknown, opts: { id: string }): Promise<void>;
  /**
   * Starts (or resumes) the durable consumer `name`: nodes consuming under one name share its
   * events, each event going to one of them; it keeps its place across restarts.
   */
  consume(name: string, opts: ConsumerOptions, handler: EventHandler): Promise<Consumer>;
  close(): Promise<void>;
}

export const DEFAULT_ACK_WAIT_MS = 30_000;
export const DEFAULT_MAX_DELIVER = 10;

/** Whether a subject matches a pattern with NATS's wildcards (`*` one token, `>` the rest). */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}
