// Request coalescing (合并请求) for one flash sale's buyers on this node: the buyers who ask while
// the sale's transactions are busy wait here and are served together, a batch in one transaction
// (its units taken in one update of a shard, its orders written in one insert), instead of one
// transaction each. At most `batches` batches of at most `size` buyers run at once; a buyer is in
// one batch at a time (a buyer's second request waits for the first's batch to end). A request
// the batch could not serve yet (the units left are held by other batches) goes back to the front.
// A batch whose transaction fails is tried again one request at a time (`solo`), so each request
// gets its own answer and no request is harmed by another's.

export interface BatchAsk<R> {
  /** The buyer: one batch holds one request of each. */
  buyer: number;
  /** Serve this request in a batch of its own (after its batch failed). */
  solo?: boolean;
  resolve(r: R): void;
  reject(e: unknown): void;
}

export class Batches<A extends BatchAsk<unknown>> {
  private waiting: A[] = [];
  private running = 0;
  private readonly busy = new Set<number>();

  constructor(
    /** Serves a batch: answers each of its requests, or hands it back with `again`. */
    private readonly serve: (batch: A[], again: (a: A) => void) => Promise<void>,
    private readonly limits: { batches: number; size: number },
    /** Nothing waits and nothing runs any more. */
    private readonly idle: () => void = () => {},
  ) {}

  add(a: A): void {
    this.waiting.push(a);
    this.pump();
  }

  private pump(): void {
    while (this.running < this.limits.batches && this.waiting.length) {
      const batch: A[] = [];
      const rest: A[] = [];
      const buyers = new Set<number>();
      for (const a of this.waiting) {
        const fits = batch.length < this.limits.size && !buyers.has(a.buyer) && !this.busy.has(a.buyer) && !(a.solo && batch.length) && !batch[0]?.solo;
        if (fits) {
          batch.push(a);
          buyers.add(a.buyer);
        } else rest.push(a);
      }
      if (!batch.length) return;
      this.waiting = rest;
      for (const b of buyers) this.busy.add(b);
      this.running++;
      const again: A[] = [];
      this.serve(batch, (a) => again.push(a))
        .catch((e: unknown) => { for (const a of batch) a.reject(e); })
        .finally(() => {
          this.running--;
          for (const b of buyers) this.busy.delete(b);
          this.waiting = [...again, ...this.waiting];
          if (!this.running && !this.waiting.length) this.idle();
          else this.pump();
        });
    }
  }
}
