// The subscriber behind a calling number, for the channels that know a caller only by the number
// the network gives (SMS, USSD, IVR). Numbers found are kept for a minute, so a burst of texts
// or a session's first screen costs no lookup; a number not found is looked up every time, so a
// new subscriber is served at once. A number closed within that minute still gets its greeting,
// but no business: the entry point reads the customer afresh and refuses a closed one. Lookups
// asked for in one turn of the event loop (a burst of sessions opening) are one statement.
import { sql } from 'kysely';
import { coalesced, type CoalesceOptions } from '../../platform/db/coalesce.ts';
import type { Db } from '../../platform/db/index.ts';
import type { Lang } from '../../platform/i18n.ts';
import type { Clock } from '../../platform/ports.ts';

export const CALLER_TTL_MS = 60_000;
const MAX_ENTRIES = 100_000;

export interface Caller {
  subscriberId: number;
  language: Lang;
}

export class CallerDirectory {
  private readonly found = new Map<string, Caller & { until: number }>();
  private readonly lookup: (msisdn: string) => Promise<{ id: number; status: string; language: string } | undefined>;

  constructor(db: Db, private readonly clock: Clock, opts: CoalesceOptions = {}) {
    this.lookup = coalesced(async (numbers) => {
      const rows = await db.selectFrom('subscriber').select(['id', 'msisdn', 'status', 'language'])
        .where(sql<boolean>`msisdn = any(${[...new Set(numbers)]}::bpchar[])`).execute();
      const byNumber = new Map(rows.map((r) => [r.msisdn, r]));
      return numbers.map((n) => byNumber.get(n));
    }, opts);
  }

  /** The subscriber for a national number (`13800000001`), or null if it is not (or no longer) ours. */
  async find(msisdn: string): Promise<Caller | null> {
    const now = this.clock.now().getTime();
    const hit = this.found.get(msisdn);
    if (hit && hit.until > now) return hit;
    const row = await this.lookup(msisdn);
    if (!row || row.status === 'closed') {
      this.found.delete(msisdn);
      return null;
    }
    const entry = { subscriberId: row.id, language: (row.language === 'en' ? 'en' : 'zh-CN') as Lang, until: now + CALLER_TTL_MS };
    // Oldest first out: a Map keeps insertion order.
    if (this.found.size >= MAX_ENTRIES) this.found.delete(this.found.keys().next().value!);
    this.found.set(msisdn, entry);
    return entry;
  }
}
