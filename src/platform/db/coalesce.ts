// Point reads that many requests make at once, coalesced into one statement: a burst of SMS or
// USSD hops reads its customers in one round trip instead of one each. Keys asked for in one turn
// of the event loop go together, and while `inFlight` batches of a loader are already running,
// new keys wait and join the next batch, so the busier the database, the bigger the batches
// (PGlite, one connection doing everything, gets the most from this). Nothing is cached: each
// key is read afresh, a turn or one batch later.
import DataLoader from 'dataloader';

export interface CoalesceOptions {
  /** Most keys in one statement (500). */
  maxBatch?: number;
  /** Batches of one loader running at once before new keys wait for the next (2). */
  inFlight?: number;
}

/**
 * A loader for one kind of read: `load(keys)` must answer each key in the order given (undefined
 * for a key with nothing), and is called with every key asked for since the last batch.
 */
export function coalesced<K, V>(load: (keys: readonly K[]) => Promise<V[]>, opts: CoalesceOptions = {}): (key: K) => Promise<V> {
  const inFlight = Math.max(1, opts.inFlight ?? 2);
  let running = 0;
  const waiting: (() => void)[] = [];
  const start = (dispatch: () => void) => {
    running++;
    setImmediate(dispatch);
  };
  const loader = new DataLoader<K, V>(async (keys) => {
    try {
      return await load(keys);
    } finally {
      running--;
      const next = waiting.shift();
      if (next) start(next);
    }
  }, {
    cache: false,
    maxBatchSize: opts.maxBatch ?? 500,
    batchScheduleFn: (dispatch) => (running < inFlight ? start(dispatch) : waiting.push(dispatch)),
  });
  return (key) => loader.load(key);
}
