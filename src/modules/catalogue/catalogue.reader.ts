// How other modules read offerings: from this node's snapshot outside a transaction, from the
// database inside one (what is charged must be what the database says now).
import type { Db } from '../../platform/db/index.ts';
import { CatalogueCache, type CatalogueLoad } from './catalogue-cache.ts';
import * as repo from './catalogue.repository.ts';
import type { OfferingView } from './offering.ts';
import type { OfferingKind } from './tables.ts';

/** What the catalogue cache loads: every complete offering and the businesses withdrawn per channel. */
export async function loadCatalogue(q: Db): Promise<CatalogueLoad> {
  const [offerings, channels] = await Promise.all([repo.loadViews(q), repo.businessChannels(q)]);
  return { offerings, withdrawn: channels.filter((c) => !c.enabled) };
}

export class CatalogueReader {
  constructor(readonly cache: CatalogueCache) {}

  offering(q: Db, id: string): Promise<OfferingView | undefined> {
    return q.isTransaction ? repo.viewById(q, id) : this.cache.offering(id);
  }

  /** Offerings on sale to someone (launched, or in test to its testers) of these kinds, cheapest first. */
  offerings(q: Db, kinds: readonly OfferingKind[]): Promise<OfferingView[]> {
    return q.isTransaction ? repo.listedViews(q, kinds) : this.cache.offerings(kinds);
  }

  async offeringsByIds(q: Db, ids: readonly string[]): Promise<Map<string, OfferingView>> {
    if (q.isTransaction) return new Map((await repo.viewsByIds(q, ids)).map((o) => [o.id, o]));
    return this.cachedByIds(ids);
  }

  /** Offerings by id from this node's snapshot (a few seconds old at most): for showing, not charging. */
  async cachedByIds(ids: readonly string[]): Promise<Map<string, OfferingView>> {
    const snap = await this.cache.snapshot();
    const out = new Map<string, OfferingView>();
    for (const id of ids) {
      const o = snap.byId.get(id);
      if (o) out.set(id, o);
    }
    return out;
  }

  withdrawnOn(channel: string): Promise<ReadonlySet<string>> {
    return this.cache.withdrawnOn(channel);
  }

  businessEnabled(businessId: string, channel: string): Promise<boolean> {
    return this.cache.businessEnabled(businessId, channel);
  }
}
