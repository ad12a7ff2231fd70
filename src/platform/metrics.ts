// Prometheus metrics at /metrics: business calls by channel, business and outcome, and latency;
// the SMS centre link when there is one.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
/** What metrics need of an interaction-log row. */
export interface InteractionRow {
  channel: string;
  businessId: string;
  outcome: string;
  errorCode?: string | null;
  latencyMs: number;
}

/** What the metrics read of an SMPP link. */
export interface SmppLinkView {
  readonly bound: boolean;
  readonly pending: { queued: number; inflight: number };
  readonly stats: Readonly<Record<string, number>>;
}

/** The `business` label of a call to an id that is not a business: one series, however many such ids. */
export const UNKNOWN_BUSINESS = 'unknown';

export class Metrics {
  readonly registry = new Registry();
  /** The businesses that get a label of their own; until set, every id does. */
  private known: ReadonlySet<string> | undefined;
  private readonly calls: Counter<'channel' | 'business' | 'outcome' | 'code'>;
  private readonly latency: Histogram<'channel' | 'business'>;

  constructor(opts: { defaults?: boolean } = {}) {
    if (opts.defaults ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'omnihall_' });
    this.calls = new Counter({
      name: 'omnihall_business_calls_total',
      help: 'Business calls by channel, business, outcome and error code',
      labelNames: ['channel', 'business', 'outcome', 'code'],
      registers: [this.registry],
    });
    this.latency = new Histogram({
      name: 'omnihall_business_latency_seconds',
      help: 'Time from a channel calling a business to its answer',
      labelNames: ['channel', 'business'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
  }

  /** Reads the SMPP link's state and counters at each scrape. */
  watchSmpp(link: SmppLinkView): void {
    new Gauge({
      name: 'omnihall_smpp_bound',
      help: '1 while the link to the SMS centre is bound',
      registers: [this.registry],
      collect() {
        this.set(link.bound ? 1 : 0);
      },
    });
    new Gauge({
      name: 'omnihall_smpp_parts',
      help: 'Message parts waiting to be submitted (queued) and submitted but not yet answered (inflight)',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const p = link.pending;
        this.set({ state: 'queued' }, p.queued);
        this.set({ state: 'inflight' }, p.inflight);
      },
    });
    new Counter({
      name: 'omnihall_smpp_events_total',
      help: 'SMPP link events: binds, parts submitted, retried and failed, texts received, receipts',
      labelNames: ['event'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [event, n] of Object.entries(link.stats)) this.inc({ event }, n);
      },
    });
  }

  /**
   * Labels only these businesses by their id, every other id as `unknown`: a client calling made-up
   * ids must not add a series per id (each costs memory here and in Prometheus).
   */
  knownBusinesses(ids: Iterable<string>): void {
    this.known = new Set(ids);
  }

  observe(row: InteractionRow): void {
    const business = !this.known || this.known.has(row.businessId) ? row.businessId : UNKNOWN_BUSINESS;
    this.calls.inc({ channel: row.channel, business, outcome: row.outcome, code: row.errorCode ?? '' });
    this.latency.observe({ channel: row.channel, business }, row.latencyMs / 1000);
  }
}
