// Prometheus metrics at /metrics: business calls by channel, business and outcome, and latency.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { InteractionRow } from '../businesses/interaction-log.ts';

export class Metrics {
  readonly registry = new Registry();
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

  observe(row: InteractionRow): void {
    this.calls.inc({ channel: row.channel, business: row.businessId, outcome: row.outcome, code: row.errorCode ?? '' });
    this.latency.observe({ channel: row.channel, business: row.businessId }, row.latencyMs / 1000);
  }
}
