// The catalogue as this node last read it: every offering with its price and the businesses
// withdrawn per channel, reloaded after a few
// seconds. Listing packs and quoting a price read it on every menu, SMS and web request, and it
// changes a few times a day; a charge still reads the database inside its own transaction.
import type { OfferingView } from './offering.ts';
import type { OfferingKind } from './tables.ts';

export const DEFAULT_CATALOGUE_CACHE_SECONDS = 5;

export interface CatalogueSnapshot {
  byId: ReadonlyMap<string, OfferingView>;
  /** Offerings on sale to someone (launched, or in test), in the loader's order (cheapest first, then by id). */
  listed: readonly OfferingView[];
  /** `businessId channel` of every registry business staff have withdrawn on a channel. */
  withdrawn: ReadonlySet<string>;
}

/** What the cache loads: every complete offering, and the businesses withdrawn per channel. */
export interface CatalogueLoad {
  offerings: OfferingView[];
  withdrawn: { businessId: string; channel: string }[];
}

export const withdrawnKey = (businessId: string, channel: string): string => `${businessId} ${channel}`;

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
    private readonly load: () => Promise<CatalogueLoad>,
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
    return (await this.snapshot()).listed.filter((o) => kinds.includes(o.kind));
  }

  /** The businesses staff have withdrawn on this channel. */
  async withdrawnOn(channel: string): Promise<ReadonlySet<string>> {
    const out = new Set<string>();
    for (const k of (await this.snapshot()).withdrawn) {
      const [businessId, ch] = k.split(' ');
      if (ch === channel) out.add(businessId!);
    }
    return out;
  }

  /** False when staff have withdrawn the business on this channel. */
  async businessEnabled(businessId: string, channel: string): Promise<boolean> {
    return !(await this.snapshot()).withdrawn.has(withdrawnKey(businessId, channel));
  }

  private async reload(): Promise<CatalogueSnapshot> {
    const generation = this.generation;
    const startedAt = this.now();
    try {
      // Shared by every request until the next load: frozen, so no caller can change it for the others.
      const loaded = await this.load();
      const all = loaded.offerings.map((o) => {
        Object.freeze(o.eligibility);
        Object.freeze(o.channels);
        Object.freeze(o.testMsisdns);
        return Object.freeze(o);
      });
      const snapshot: CatalogueSnapshot = {
        byId: new Map(all.map((o) => [o.id, o])),
        listed: all.filter((o) => o.lifecycleStatus === 'Launched' || o.lifecycleStatus === 'In test'),
        withdrawn: new Set(loaded.withdrawn.map((w) => withdrawnKey(w.businessId, w.channel))),
      };
      if (generation === this.generation && this.ttlMs > 0) this.current = { snapshot, loadedAt: startedAt };
      return snapshot;
    } finally {
      if (generation === this.generation) this.loading = undefined;
    }
  }
}

