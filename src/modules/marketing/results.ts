// Campaign results (营销效果): per offer and channel, how often it was shown, taken and refused, its
// conversion and the revenue its acceptances brought (each at the offer's own price, in fen), a
// series per Beijing day for the console's charts, and the uplift of each call list against its
// holdout. Read from the module's own tables: impressions, responses and call-list rows.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import { operatorTimeZone } from '../../platform/dates.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n, type L10n } from '../../platform/i18n.ts';
import type { Clock } from '../../platform/ports.ts';
import type { CallListService } from './call-lists.service.ts';
import type { Uplift } from './holdout.ts';

const DAY = 86_400_000;
/** The longest window one question may cover. */
export const MAX_RESULTS_DAYS = 366;

export interface ResultCell {
  offerId: number;
  names: L10n;
  channel: string;
  impressions: number;
  accepts: number;
  declines: number;
  /** accepts / impressions (an acceptance that came without a recorded impression counts as one). */
  conversionRate: number;
  revenueFen: number;
}

export interface ResultPoint {
  /** A Beijing calendar day, YYYY-MM-DD. */
  day: string;
  offerId: number;
  channel: string;
  impressions: number;
  accepts: number;
  revenueFen: number;
}

export interface Results {
  from: string;
  to: string;
  items: ResultCell[];
  /** Per offer, every channel together. */
  offers: (Omit<ResultCell, 'channel'>)[];
  series: ResultPoint[];
  /** Each call list of these offers against its control group. */
  uplift: { callListId: number; offerId: number; names: L10n; uplift: Uplift }[];
}

const ratio = (n: number, d: number) => (d === 0 ? 0 : Math.round((n / d) * 10_000) / 10_000);

export class ResultsService {
  constructor(private readonly deps: { db: Db; clock: Clock; callLists: CallListService }) {}

  /**
   * Results in [from, to) (default: the last 30 days), for one offer or all, optionally one channel.
   *
   *   await results.query({ offerId: 3 })  // USSD and web side by side, a point per day
   */
  async query(opts: { from?: Date; to?: Date; offerId?: number; channel?: string } = {}): Promise<Results> {
    const to = opts.to ?? this.deps.clock.now();
    const from = opts.from ?? new Date(to.getTime() - 30 * DAY);
    if (!(from < to) || to.getTime() - from.getTime() > MAX_RESULTS_DAYS * DAY) {
      throw new AppError('INVALID_INPUT', { detail: l10n(`时间范围须在${MAX_RESULTS_DAYS}天以内且起点早于终点`, `The window must start before it ends and span at most ${MAX_RESULTS_DAYS} days`), extra: { path: 'from' } });
    }
    const { db } = this.deps;
    const tz = operatorTimeZone();
    const day = (col: string) => sql<string>`to_char(${sql.ref(col)} at time zone ${tz}, 'YYYY-MM-DD')`;
    let shown = db.selectFrom('offerImpression').select(['offerId', 'channel', day('at').as('day'), sql<number>`count(*)::int`.as('n')])
      .where('at', '>=', from).where('at', '<', to).groupBy(['offerId', 'channel', sql`3`]);
    let said = db.selectFrom('offerResponse').select(['offerId', 'channel', 'response', day('at').as('day'), sql<number>`count(*)::int`.as('n')])
      .where('at', '>=', from).where('at', '<', to).groupBy(['offerId', 'channel', 'response', sql`4`]);
    if (opts.offerId !== undefined) { shown = shown.where('offerId', '=', opts.offerId); said = said.where('offerId', '=', opts.offerId); }
    if (opts.channel !== undefined) { shown = shown.where('channel', '=', opts.channel); said = said.where('channel', '=', opts.channel); }
    const [impressions, responses] = await Promise.all([shown.execute(), said.execute()]);
    const offerIds = [...new Set([...impressions, ...responses].map((r) => r.offerId))];
    const offers = new Map((offerIds.length ? await db.selectFrom('offer').select(['id', 'nameZh', 'nameEn', 'priceFen']).where('id', 'in', offerIds).execute() : []).map((o) => [o.id, o]));

    const points = new Map<string, ResultPoint & { declines: number }>();
    const point = (offerId: number, channel: string, d: string) => {
      const k = `${offerId}\n${channel}\n${d}`;
      let p = points.get(k);
      if (!p) { p = { day: d, offerId, channel, impressions: 0, accepts: 0, revenueFen: 0, declines: 0 }; points.set(k, p); }
      return p;
    };
    for (const r of impressions) point(r.offerId, r.channel, r.day).impressions += Number(r.n);
    for (const r of responses) {
      const p = point(r.offerId, r.channel, r.day);
      if (r.response === 'accepted') { p.accepts += Number(r.n); p.revenueFen += Number(r.n) * (offers.get(r.offerId)?.priceFen ?? 0); }
      else p.declines += Number(r.n);
    }

    const cells = new Map<string, ResultCell>();
    const perOffer = new Map<number, Omit<ResultCell, 'channel'>>();
    const names = (id: number) => { const o = offers.get(id); return o ? l10n(o.nameZh, o.nameEn) : l10n(`优惠${id}`, `Offer ${id}`); };
    for (const p of points.values()) {
      const k = `${p.offerId}\n${p.channel}`;
      const c = cells.get(k) ?? { offerId: p.offerId, names: names(p.offerId), channel: p.channel, impressions: 0, accepts: 0, declines: 0, conversionRate: 0, revenueFen: 0 };
      c.impressions += p.impressions; c.accepts += p.accepts; c.declines += p.declines; c.revenueFen += p.revenueFen;
      cells.set(k, c);
      const o = perOffer.get(p.offerId) ?? { offerId: p.offerId, names: names(p.offerId), impressions: 0, accepts: 0, declines: 0, conversionRate: 0, revenueFen: 0 };
      o.impressions += p.impressions; o.accepts += p.accepts; o.declines += p.declines; o.revenueFen += p.revenueFen;
      perOffer.set(p.offerId, o);
    }
    for (const c of [...cells.values(), ...perOffer.values()]) c.conversionRate = ratio(c.accepts, Math.max(c.impressions, c.accepts));

    const lists = offerIds.length || opts.offerId !== undefined
      ? await db.selectFrom('callList').selectAll().where('offerId', 'in', opts.offerId !== undefined ? [opts.offerId] : offerIds).where('activatedAt', 'is not', null).orderBy('id').execute()
      : [];
    const uplift = await Promise.all(lists.map(async (l) => ({ callListId: l.id, offerId: l.offerId, names: l10n(l.nameZh, l.nameEn), uplift: await this.deps.callLists.uplift(l) })));

    const byKey = <T extends { offerId: number; channel?: string; day?: string }>(a: T, b: T) =>
      a.offerId - b.offerId || (a.day ?? '').localeCompare(b.day ?? '') || (a.channel ?? '').localeCompare(b.channel ?? '');
    return {
      from: from.toISOString(), to: to.toISOString(),
      items: [...cells.values()].sort(byKey),
      offers: [...perOffer.values()].sort((a, b) => a.offerId - b.offerId),
      series: [...points.values()].map(({ declines: _d, ...p }) => p).sort(byKey),
      uplift,
    };
  }
}
