// Next-best-offer benchmark: decisions per second and p99 for one subscriber at a time over 1,000
// live offers with their gates (targeting by channel, city and segment rules; the catalogue's
// eligibility; applicability; suitability) and the ranking, in process, beside the same offers
// written as json-rules-engine rules (one rule per offer: the same conditions, the same segment
// rules translated to its operators), in one run on the same subscribers. Both must pick the same
// offers for every subscriber; the run says so before it prints the ratio.
//
// A share of the subscribers (BENCH_PLACED, 10%) have one or two live placements from event
// triggers, as USSD's decision reads them (decisions.ts): a placed offer skips the suitability
// gate, and one not yet shown weighs PLACED_CONTEXT and goes first; the peer's rules say the same.
// The placements' lookup itself is one indexed query per decision on a placement channel, sent
// beside the features, memberships and offers-taken reads (one round trip, no more); neither side
// here reads a database, so none of those reads is in either loop.
//
//   npx tsx bench/nbo.ts          BENCH_OFFERS=1000 BENCH_SUBSCRIBERS=2000 BENCH_SEGMENTS=60 BENCH_PLACED=0.1
//
// The contact policy is not in this loop: it is one check per subscriber under a database lock
// (test/marketing-contact-policy.test.ts), not a per-offer rule.
import { Engine, type TopLevelCondition, type NestedCondition } from 'json-rules-engine';
import { rankOffers, ruleToPredicate, PLACED_CONTEXT, PRIOR_CONVERSION, PRIOR_STRENGTH, type Features, type Placement, type SegmentRule, type Snapshot } from '../src/modules/marketing/index.ts';
import type { OfferingView } from '../src/modules/catalogue/index.ts';
import type { OfferView } from '../src/modules/marketing/index.ts';

const OFFERS = Number(process.env.BENCH_OFFERS ?? 1000);
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 2000);
const SEGMENTS = Number(process.env.BENCH_SEGMENTS ?? 60);
const PLACED = Number(process.env.BENCH_PLACED ?? 0.1);
const CHANNEL = 'ussd' as const;
const AT = new Date('2026-11-20T04:00:00Z');

// A seeded generator, so both engines see the same world every run.
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const CITIES = ['广州', '深圳', '佛山', '东莞', '珠海', '汕头', '湛江', '江门'];
const PLANS = [['PLAN-4G-18', 1800], ['PLAN-4G-38', 3800], ['PLAN-4G-58', 5800], ['PLAN-4G-88', 8800], ['PLAN-4G-128', 12800], ['PLAN-5G-128', 12800]] as const;
const CHANNELS = ['web', 'mobile', 'kiosk', 'sms', 'ussd', 'ivr', 'api'];

function offering(i: number): OfferingView {
  const kind = pick(['data_pack', 'data_pack', 'voice_pack', 'vas', 'sms_pack', 'plan'] as const);
  return {
    id: `OFR-${i}`, kind, code: `C${i}`, nameZh: `产品${i}`, nameEn: `Product ${i}`, descriptionZh: '', descriptionEn: '',
    priceFen: kind === 'plan' ? pick(PLANS)[1] : 500 + Math.floor(rnd() * 50) * 100, priceType: 'oneTime',
    dataMb: kind === 'data_pack' ? 1024 : 0, voiceMin: kind === 'voice_pack' ? 100 : 0, sms: 0, validityDays: 30,
    eligibility: rnd() < 0.3 ? { plans: [pick(PLANS)[0], pick(PLANS)[0]] } : rnd() < 0.2 ? { accountTypes: ['prepaid'] } : {},
    channels: rnd() < 0.9 ? CHANNELS : ['web'], lifecycleStatus: 'Launched', testMsisdns: [], launchAt: null, retireAt: null,
  };
}

function segmentRule(): SegmentRule {
  const conds: SegmentRule[] = [
    { feature: 'planFeeFen', op: 'ge', value: pick([1800, 3800, 5800, 8800]) },
    { feature: 'dataUsageRatio', op: 'gt', value: pick([0.5, 0.7, 0.9]) },
    { feature: 'arpuFen', op: 'ge', value: pick([3000, 5000, 8000]) },
    { feature: 'accountType', op: 'eq', value: pick(['prepaid', 'postpaid']) },
    { feature: 'city', op: 'in', value: [pick(CITIES), pick(CITIES)] },
    { feature: 'tenureDays', op: 'ge', value: pick([90, 365, 1000]) },
    { feature: 'channels90d', op: 'contains', value: pick(['ussd', 'web', 'sms']) },
  ];
  const n = 2 + Math.floor(rnd() * 3);
  const chosen = Array.from({ length: n }, () => pick(conds));
  return rnd() < 0.7 ? { all: chosen } : { any: chosen };
}

function features(id: number): Features {
  const [planId, planFeeFen] = pick(PLANS);
  return {
    subscriberId: id, msisdn: String(13800000000 + id), planId, planFeeFen, accountType: rnd() < 0.7 ? 'prepaid' : 'postpaid',
    city: pick(CITIES), status: rnd() < 0.95 ? 'active' : 'suspended', language: 'zh-CN', tenureDays: Math.floor(rnd() * 3000),
    arpuFen: Math.floor(rnd() * 15_000), balanceFen: Math.floor(rnd() * 20_000) - 2000,
    dataUsageRatio: Math.round(rnd() * 1200) / 1000, dataUsageRatioLast: Math.round(rnd() * 1200) / 1000,
    voiceUsageRatio: Math.round(rnd() * 1200) / 1000, voiceUsageRatioLast: Math.round(rnd() * 1200) / 1000,
    recharges90d: Math.floor(rnd() * 6), channels90d: CHANNELS.filter(() => rnd() < 0.3), lastContactAt: AT, lastPurchaseAt: null,
    packsHeld: Array.from({ length: Math.floor(rnd() * 3) }, () => `OFR-${Math.floor(rnd() * OFFERS)}`), offeringsAsked3d: [], points: Math.floor(rnd() * 5000), refreshedAt: AT,
  };
}

// ---- the world ----
const segmentRules = Array.from({ length: SEGMENTS }, segmentRule);
const offerings = Array.from({ length: OFFERS }, (_, i) => offering(i));
const offers: { view: OfferView; offering: OfferingView; channels: Set<string>; cities: Set<string>; segmentIds: number[] }[] = offerings.map((o, i) => {
  const segmentIds = rnd() < 0.8 ? [1 + Math.floor(rnd() * SEGMENTS)] : [];
  const cities = rnd() < 0.3 ? [pick(CITIES)] : [];
  const channels = rnd() < 0.2 ? ['web'] : [];
  const view: OfferView = {
    id: i + 1, offeringId: o.id, names: { 'zh-CN': o.nameZh, en: o.nameEn }, pitch: { 'zh-CN': '', en: '' }, priceFen: o.priceFen, validityDays: 30,
    budget: 1000, accepted: 0, left: 1000, segmentIds, cities, channels, marginFen: 100 + Math.floor(rnd() * 2000), lever: pick([1, 1, 1, 1.5, 2]),
    startsAt: AT.toISOString(), endsAt: AT.toISOString(), status: 'active', createdBy: 1, submittedBy: 1, reviewedBy: 2, reviewReason: null,
  };
  return { view, offering: o, channels: new Set(channels), cities: new Set(cities), segmentIds };
});
const snapshot: Snapshot = {
  offers,
  dynamic: new Map(segmentRules.map((r, i) => [i + 1, ruleToPredicate(r)])),
  staticIds: new Set(),
  outcomes: new Map(offers.filter(() => rnd() < 0.5).map((o) => [`${o.view.id}:${o.segmentIds[0] ?? 0}:${CHANNEL}`, { shown: 100 + Math.floor(rnd() * 900), accepted: Math.floor(rnd() * 100) }])),
};
const people = Array.from({ length: SUBSCRIBERS }, (_, i) => features(i + 1));
// Live placements: one or two offers a trigger placed for the subscriber's next USSD visit, one in
// four seen already. As the trigger engine places them: offers that pass every gate but
// suitability for this subscriber (ranked already, or removed only as unsuitable).
let fireId = 0;
const placements = new Map<number, ReadonlyMap<number, Placement>>();
for (const f of people) {
  if (rnd() >= PLACED) continue;
  const d = rankOffers(snapshot, f, new Set(), new Set(), CHANNEL, AT, true);
  const open = [...d.ranked.map((r) => r.offer.id), ...d.removed.filter((r) => r.gate === 'suitability').map((r) => r.offer.id)];
  if (!open.length) continue;
  const mine = new Map<number, Placement>();
  for (let k = 1 + Math.floor(rnd() * 2); k > 0; k--) mine.set(pick(open), { triggerId: 1, fireId: ++fireId, shown: rnd() < 0.25 });
  placements.set(f.subscriberId, mine);
}
const NONE_PLACED: ReadonlyMap<number, Placement> = new Map();
const placedOf = (f: Features) => placements.get(f.subscriberId) ?? NONE_PLACED;

// ---- the same offers as json-rules-engine rules ----
const JRE_OP: Record<string, string> = { eq: 'equal', ne: 'notEqual', lt: 'lessThan', le: 'lessThanInclusive', gt: 'greaterThan', ge: 'greaterThanInclusive', in: 'in', notIn: 'notIn', contains: 'contains' };
function jreSegment(r: SegmentRule): NestedCondition {
  if ('all' in r) return { all: r.all.map(jreSegment) };
  if ('any' in r) return { any: r.any.map(jreSegment) };
  if ('not' in r) return { not: jreSegment(r.not) };
  return { fact: r.feature, operator: JRE_OP[r.op]!, value: r.value as never };
}
function jreRule(o: (typeof offers)[number]): TopLevelCondition {
  const all: NestedCondition[] = [];
  if (o.channels.size) all.push({ fact: 'channel', operator: 'in', value: [...o.channels] });
  if (o.cities.size) all.push({ fact: 'city', operator: 'in', value: [...o.cities] });
  if (o.segmentIds.length) all.push({ any: o.segmentIds.map((id) => jreSegment(segmentRules[id - 1]!)) });
  // eligibility, as the catalogue says it
  if (!o.offering.channels.includes(CHANNEL)) all.push({ fact: 'channel', operator: 'in', value: o.offering.channels as string[] });
  all.push({ fact: 'status', operator: 'equal', value: 'active' });
  if (o.offering.eligibility.plans) all.push({ fact: 'planId', operator: 'in', value: o.offering.eligibility.plans });
  if (o.offering.eligibility.accountTypes) all.push({ fact: 'accountType', operator: 'in', value: o.offering.eligibility.accountTypes });
  // applicability
  all.push({ fact: 'packsHeld', operator: 'doesNotContain', value: o.offering.id });
  all.push({ fact: 'planId', operator: 'notEqual', value: o.offering.id });
  if (o.offering.kind === 'plan') all.push({ fact: 'planFeeFen', operator: 'lessThanInclusive', value: o.offering.priceFen });
  // suitability, unless a trigger placed the offer (its event says it suits them)
  const placed: NestedCondition = { fact: 'placed', operator: 'contains', value: o.view.id };
  if (o.offering.kind === 'data_pack') all.push({ any: [placed, { fact: 'maxDataRatio', operator: 'greaterThanInclusive', value: 0.7 }] });
  if (o.offering.kind === 'voice_pack') all.push({ any: [placed, { fact: 'maxVoiceRatio', operator: 'greaterThanInclusive', value: 0.7 }] });
  return { all };
}
const engine = new Engine([], { allowUndefinedFacts: true });
for (const o of offers) engine.addRule({ conditions: jreRule(o), event: { type: 'offer', params: { id: o.view.id } }, name: String(o.view.id) });

function jrePriority(o: (typeof offers)[number], f: Features, segmentId: number, first: boolean): number {
  const seen = snapshot.outcomes.get(`${o.view.id}:${segmentId}:${CHANNEL}`);
  const prior = PRIOR_CONVERSION[CHANNEL]!;
  const p = ((seen?.accepted ?? 0) + prior * PRIOR_STRENGTH) / ((seen?.shown ?? 0) + PRIOR_STRENGTH);
  const kind = o.offering.kind;
  const context = first ? PLACED_CONTEXT : (kind === 'data_pack' && f.dataUsageRatio >= 0.9) || (kind === 'voice_pack' && f.voiceUsageRatio >= 0.9) ? 1.5 : 1;
  return p * context * (Math.max(o.view.marginFen, 1) / 100) * o.view.lever;
}
const byId = new Map(offers.map((o) => [o.view.id, o]));
async function jreDecide(f: Features): Promise<number[]> {
  const mine = placedOf(f);
  const facts = { ...f, channel: CHANNEL, maxDataRatio: Math.max(f.dataUsageRatio, f.dataUsageRatioLast), maxVoiceRatio: Math.max(f.voiceUsageRatio, f.voiceUsageRatioLast), placed: [...mine.keys()] };
  const { events } = await engine.run(facts);
  const atMs = AT.getTime();
  const ranked = events.map((e) => {
    const o = byId.get((e.params as { id: number }).id)!;
    const segmentId = o.segmentIds.find((id) => snapshot.dynamic.get(id)!(f, atMs)) ?? 0;
    const first = mine.get(o.view.id)?.shown === false;
    return { id: o.view.id, first, priority: jrePriority(o, f, segmentId, first) };
  });
  ranked.sort((a, b) => Number(b.first) - Number(a.first) || b.priority - a.priority || a.id - b.id);
  return ranked.map((r) => r.id);
}
// As offers.mine decides: the ranked offers, without the removed ones' explanations.
const omnihallDecide = (f: Features) => rankOffers(snapshot, f, new Set(), new Set(), CHANNEL, AT, false, placedOf(f)).ranked.map((r) => r.offer.id);

// ---- check they agree, then measure each ----
// The first 200 and the first 200 with a placement (whose ranking the placement changes).
const checked = [...people.slice(0, 200), ...people.filter((f) => placements.has(f.subscriberId)).slice(0, 200)];
let mismatches = 0;
let firstPlaced = 0;
for (const f of checked) {
  const a = omnihallDecide(f);
  const b = await jreDecide(f);
  if (a.join() !== b.join()) mismatches++;
  if (placedOf(f).get(a[0]!)?.shown === false) firstPlaced++;
}

function pct(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

async function measure(name: string, decide: (f: Features) => unknown, minMs: number) {
  for (const f of people.slice(0, 200)) await decide(f); // warm-up
  const lat: number[] = [];
  const start = process.hrtime.bigint();
  let n = 0;
  let shown = 0;
  while (Number(process.hrtime.bigint() - start) / 1e6 < minMs || n < 200) {
    const f = people[n % people.length]!;
    const t = process.hrtime.bigint();
    const out = (await decide(f)) as number[];
    lat.push(Number(process.hrtime.bigint() - t) / 1e6);
    shown += out.length;
    n++;
  }
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  return { name, decisions: n, perSecond: n / secs, p50: pct(lat, 0.5), p99: pct(lat, 0.99), offersPerDecision: shown / n };
}

const peer = await measure('json-rules-engine 7', jreDecide, 5000);
const ours = await measure('omnihall rankOffers', omnihallDecide, 3000);
const explained = await measure('omnihall, explained', (f: Features) => rankOffers(snapshot, f, new Set(), new Set(), CHANNEL, AT, true, placedOf(f)).ranked.map((r) => r.offer.id), 3000);
const ratio = ours.perSecond / peer.perSecond;
console.log(`next best offer over ${OFFERS} live offers, ${SEGMENTS} segment rules, ${SUBSCRIBERS} subscribers, channel ${CHANNEL}`);
console.log(`${placements.size} of ${SUBSCRIBERS} subscribers with a live placement (${fireId} in all); one put first for ${firstPlaced} of those checked`);
console.log(`same offers, same order on ${checked.length - mismatches} of ${checked.length} subscribers${mismatches ? `  ← ${mismatches} MISMATCHES` : ''}`);
for (const r of [ours, explained, peer]) {
  console.log(`${r.name.padEnd(22)} ${r.perSecond.toFixed(0).padStart(8)} decisions/s   p50 ${r.p50.toFixed(3)} ms   p99 ${r.p99.toFixed(3)} ms   (${r.decisions} decisions, ${r.offersPerDecision.toFixed(1)} offers pass)`);
}
console.log(`ratio (omnihall / json-rules-engine decisions per second): ${ratio.toFixed(1)}× (with every removal explained: ${(explained.perSecond / peer.perSecond).toFixed(1)}×)   target ≥ 100×; omnihall p99 ${ours.p99.toFixed(3)} ms, target < 5 ms`);
if (mismatches) process.exitCode = 1;
