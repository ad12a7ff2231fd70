// The event bus over NATS JetStream (NATS_URL), for several nodes: events are stored in one stream
// (`<PREFIX>_EVENTS` over `<prefix>.>`), a publish carries its id as Nats-Msg-Id so a repeat within
// the duplicate window is stored once, and each consumer is a durable pull consumer with explicit
// acks: every node consuming under one name takes its share, an event is acknowledged only after
// its handler resolved, and one left unacknowledged (a node killed mid-handler) is delivered again
// after the ack wait, to whichever node asks next.
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { DEFAULT_ACK_WAIT_MS, DEFAULT_MAX_DELIVER, subjectMatches, type BusEvent, type Consumer, type ConsumerOptions, type EventBus, type EventHandler } from './bus.ts';

/** How long the stream remembers a message id for dropping a repeated publish. */
const DUPLICATE_WINDOW_MS = 120_000;
/** Events older than this are dropped from the stream (a week: any node down for less catches up). */
const MAX_AGE_MS = 7 * 24 * 3600_000;

export interface NatsBusOptions {
  url: string;
  /** Subjects are `<prefix>.<subject>`, the stream `<PREFIX>_EVENTS` (tests take a prefix of their own). */
  prefix?: string;
}

interface Envelope {
  payload: unknown;
  publishedAt: string;
}

export class NatsBus implements EventBus {
  readonly kind = 'nats' as const;
  private readonly prefix: string;
  private readonly stream: string;
  private readonly running = new Set<{ messages: ConsumerMessages; loop: Promise<void> }>();

  private constructor(private readonly nc: NatsConnection, private readonly js: JetStreamClient, private readonly jsm: JetStreamManager, prefix: string) {
    this.prefix = prefix;
    this.stream = NatsBus.streamName(prefix);
  }

  /** The stream a prefix's events are kept in. */
  static streamName(prefix: string): string {
    return `${prefix.replace(/[^A-Za-z0-9_-]/g, '_').toUpperCase()}_EVENTS`;
  }

  /** Connects and makes sure the stream exists (any node may be first). */
  static async connect(o: NatsBusOptions): Promise<NatsBus> {
    const url = new URL(o.url);
    const nc = await connect({
      servers: `${url.hostname}:${url.port || 4222}`,
      ...(url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : {}),
      name: 'omnihall',
      // A NATS restart: the client reconnects by itself for as long as it takes.
      maxReconnectAttempts: -1,
    });
    const jsm = await jetstreamManager(nc);
    const bus = new NatsBus(nc, jetstream(nc), jsm, o.prefix ?? 'omnihall');
    await bus.ensureStream();
    return bus;
  }

  private async ensureStream(): Promise<void> {
    const cfg = { name: this.stream, subjects: [`${this.prefix}.>`], duplicate_window: nanos(DUPLICATE_WINDOW_MS), max_age: nanos(MAX_AGE_MS) };
    try {
      await this.jsm.streams.info(this.stream);
    } catch {
      try {
        await this.jsm.streams.add(cfg);
      } catch (e) {
        // another node made it between the look and the add
        await this.jsm.streams.info(this.stream).catch(() => { throw e; });
      }
    }
  }

  async publish(subject: string, payload: unknown, o: { id: string }): Promise<void> {
    const envelope: Envelope = { payload, publishedAt: new Date().toISOString() };
    await this.js.publish(`${this.prefix}.${subject}`, JSON.stringify(envelope), { msgID: o.id });
  }

  async consume(name: string, opts: ConsumerOptions, handler: EventHandler): Promise<Consumer> {
    const ackWaitMs = opts.ackWaitMs ?? DEFAULT_ACK_WAIT_MS;
    const maxDeliver = opts.maxDeliver ?? DEFAULT_MAX_DELIVER;
    // One filter subject (NATS 2.9 takes one); several: the whole stream, the rest acknowledged unread.
    const filter = opts.subjects.length === 1 ? `${this.prefix}.${opts.subjects[0]}` : undefined;
    const cfg = {
      durable_name: name, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(ackWaitMs), max_deliver: maxDeliver, max_ack_pending: 1000, ...(filter ? { filter_subject: filter } : {}),
    };
    try {
      await this.jsm.consumers.info(this.stream, name);
      await this.jsm.consumers.update(this.stream, name, { ack_wait: cfg.ack_wait, max_deliver: maxDeliver });
    } catch {
      try {
        await this.jsm.consumers.add(this.stream, cfg);
      } catch (e) {
        await this.jsm.consumers.info(this.stream, name).catch(() => { throw e; });
      }
    }
    const consumer = await this.js.consumers.get(this.stream, name);
    const messages = await consumer.consume({ max_messages: 16 });
    const strip = this.prefix.length + 1;
    const loop = (async () => {
      for await (const m of messages) {
        const subject = m.subject.slice(strip);
        const id = m.headers?.get('Nats-Msg-Id') || `${this.stream}:${m.seq}`;
        if (!opts.subjects.some((p) => subjectMatches(p, subject))) {
          m.ack();
          continue;
        }
        let event: BusEvent;
        try {
          const env = JSON.parse(new TextDecoder().decode(m.data)) as Envelope;
          event = { id, subject, payload: env.payload, publishedAt: env.publishedAt, delivery: m.info.deliveryCount };
        } catch (e) {
          // not one of ours: it will never read, so it is not delivered again
          opts.onError?.(e, { id, subject, payload: null, publishedAt: m.timestamp, delivery: m.info.deliveryCount });
          m.term('unreadable');
          continue;
        }
        // A long handler keeps its delivery: the ack wait is for dead nodes, not slow work.
        const keep = setInterval(() => m.working(), Math.max(ackWaitMs / 2, 100));
        try {
          await handler(event);
          clearInterval(keep);
          // acknowledged only now that its work has committed; confirmed, so a lost ack is known
          await m.ackAck().catch((e: unknown) => opts.onError?.(e, event));
        } catch (e) {
          clearInterval(keep);
          opts.onError?.(e, event);
          if (event.delivery >= maxDeliver) m.term('gave up');
          else m.nak(Math.min(1000 * 2 ** (event.delivery - 1), 30_000));
        }
      }
    })();
    const entry = { messages, loop };
    this.running.add(entry);
    return {
      stop: async () => {
        if (!this.running.delete(entry)) return;
        messages.stop();
        await loop;
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.running].map(async (e) => { e.messages.stop(); await e.loop; }));
    this.running.clear();
    await this.nc.drain().catch(() => undefined);
  }
}
