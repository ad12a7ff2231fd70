// The catalogue as this node last read it: every offering with its price, reloaded after a few
// seconds. Listing packs and quoting a price read it on every menu, SMS and web request, and it
// changes a few times a day; a charge still reads the database inside its own transaction.
import type { OfferingKind } from '../../platform/db/database.ts';
import type { OfferingView } from '../subscriber/bss.ts';

export const DEFAULT_CATALOGUE_CACHE_SECONDS = 5;

export interface CatalogueSnapshot {
  byId: ReadonlyMap<string, OfferingView>;
  /** Launched offerings in the loader's order (cheapest first, then by id, as `Bss.offerings`). */
  active: readonly OfferingView[];
}

export class CatalogueCache {
  private current: { snapshot: CatalogueSnapshot; loadedAt: number } | undefined;
  private loading: Promise<CatalogueSnapshot> | undefined;
  /** Bumped by `invalidate`, so a load that began before a change is not kept after it. */
  private generation = 0;

  /**
   * @param ttlMs how long a snapshot is served; 0 reads the database every time.
   * @param now a monotonic clock in ms (cache age is not business time, so not the Clock port).
   */
  constructor(
    /** Every offering, cheapest first and then by id (the database's collation decides ties). */
    private readonly load: () => Promise<OfferingView[]>,
    private readonly ttlMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Forgets the snapshot; this node's catalogue writes call it, other nodes wait out the TTL. */
  invalidate(): void {
    this.generation++;
    this.current = undefined;
    this.loading = undefined;
  }

  async snapshot(): Promise<CatalogueSnapshot> {
    const c = this.current;
    if (c && this.now() - c.loadedAt < this.ttlMs) return c.snapshot;
    // One load at a time: concurrent callers share it.
    this.loading ??= this.reload();
    return this.loading;
  }

  async offering(id: string): Promise<OfferingView | undefined> {
    return (await this.snapshot()).byId.get(id);
  }

  async offerings(kinds: readonly OfferingKind[]): Promise<OfferingView[]> {
    return (await this.snapshot()).active.filter((o) => kinds.includes(o.kind));
  }

  private async reload(): Promise<CatalogueSnapshot> {
    const generation = this.generation;
    const startedAt = this.now();
    try {
      // Shared by every request until the next load: frozen, so no caller can change it for the others.
      const all = (await this.load()).map((o) => {
        Object.freeze(o.eligibility);
        Object.freeze(o.channels);
        return Object.freeze(o);
      });
      const snapshot: CatalogueSnapshot = {
        byId: new Map(all.map((o) => [o.id, o])),
        active: all.filter((o) => o.lifecycleStatus === 'Active'),
      };
      if (generation === this.generation && this.ttlMs > 0) this.current = { snapshot, loadedAt: startedAt };
      return snapshot;
    } finally {
      if (generation === this.generation) this.loading = undefined;
    }
  }
}

