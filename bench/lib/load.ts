// The load generator: autocannon with N keep-alive connections and a request rotation.
// Latencies of 2xx answers are kept exactly (autocannon's own histogram rounds to whole
// milliseconds), so several runs can be summed into one result.
import autocannon from 'autocannon';

export interface NextRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface LoadOptions {
  port: number;
  connections: number;
  durationS: number;
  next(): NextRequest;
}

/** One autocannon run. */
export interface Slice {
  okCount: number;
  /** Latencies of the 2xx answers, ms. */
  latencies: Float64Array;
  non2xx: number;
  statuses: Record<string, number>;
  errors: number;
  durationS: number;
}

/** One or more runs summed up. */
export interface LoadResult {
  /** 2xx answers per second. */
  okPerSec: number;
  okCount: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers that were not 2xx, and their statuses. */
  non2xx: number;
  statuses: Record<string, number>;
  /** Connection errors, timeouts included. */
  errors: number;
  durationS: number;
}

export function runLoad(o: LoadOptions): Promise<Slice> {
  let latencies = new Float64Array(1 << 14);
  let ok = 0;
  const statuses: Record<string, number> = {};
  return new Promise((resolve, reject) => {
    const instance = autocannon({
      url: `http://127.0.0.1:${o.port}`,
      connections: o.connections,
      duration: o.durationS,
      requests: [{
        method: 'POST',
        setupRequest: (req) => {
          const n = o.next();
          return { ...req, path: n.path, headers: { ...n.headers, 'content-type': 'application/json' }, body: n.body };
        },
      }],
    }, (err: unknown, result) => {
      if (err) return reject(err instanceof Error ? err : new Error(String(err)));
      resolve({ okCount: ok, latencies: latencies.subarray(0, ok), non2xx: result.non2xx, statuses, errors: result.errors, durationS: result.duration });
    });
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) {
        if (ok === latencies.length) {
          const bigger = new Float64Array(latencies.length * 2);
          bigger.set(latencies);
          latencies = bigger;
        }
        latencies[ok++] = responseTime;
      } else {
        statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      }
    });
  });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function summarise(slices: Slice[]): LoadResult {
  const okCount = slices.reduce((n, s) => n + s.okCount, 0);
  const durationS = slices.reduce((n, s) => n + s.durationS, 0);
  const all = new Float64Array(okCount);
  let at = 0;
  for (const s of slices) {
    all.set(s.latencies, at);
    at += s.latencies.length;
  }
  all.sort();
  const statuses: Record<string, number> = {};
  for (const s of slices) for (const [k, v] of Object.entries(s.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
  return {
    okPerSec: durationS ? okCount / durationS : 0,
    okCount,
    p50Ms: percentile(all, 50),
    p99Ms: percentile(all, 99),
    non2xx: slices.reduce((n, s) => n + s.non2xx, 0),
    statuses,
    errors: slices.reduce((n, s) => n + s.errors, 0),
    durationS,
  };
}
