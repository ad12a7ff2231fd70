// One-click links as a subscriber taps one in a text: the code signs them in once, for that one
// offer, which they take with the usual quote and confirmation, charged once; forged, tampered,
// expired and reused codes are refused with their own codes; the pass opens nothing else, and ten
// taps at once on one code sign in once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, balanceAndLedger, startTestEnv, type TestEnv } from './helpers.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import type { Actor } from '../src/platform/audit.ts';

let env: TestEnv;
let sub: { id: number; msisdn: string };
let offerId: number;
let otherOfferId: number;
const NOW = new Date('2026-11-20T04:00:00Z');

const exchange = (code: string) => env.app.inject({ method: 'POST', url: '/api/v1/offer-links/exchange', payload: { code } });
const withPass = (pass: string, method: 'GET' | 'POST', url: string, payload?: object, key?: string) =>
  env.app.inject({ method, url, headers: { authorization: `Bearer ${pass}`, ...(key ? { 'idempotency-key': key } : {}) }, ...(payload ? { payload } : {}) });

before(async () => {
  env = await startTestEnv({ now: NOW });
  const m = env.s.marketing;
  const a: Actor = { id: await createStaffUser(env.db, { username: 'ol1', displayName: 'ol1', password: 'correct horse battery', roles: ['marketing'] }), name: 'ol1', roles: ['marketing'] };
  const b: Actor = { id: await createStaffUser(env.db, { username: 'ol2', displayName: 'ol2', password: 'correct horse battery', roles: ['marketing'] }), name: 'ol2', roles: ['marketing'] };
  sub = await addSubscriber(env.db, { planId: 'PLAN-4G-58' });
  await m.mart.refreshAll();
  const terms = { startsAt: '2026-11-01T00:00:00Z', endsAt: '2026-12-31T00:00:00Z', budget: 100 };
  for (const o of [
    { offeringId: 'VAS-139MAIL', nameZh: '139邮箱首月1元', nameEn: '139 Mail for ¥1', pitchZh: '首月仅1元', pitchEn: '¥1 the first month', priceFen: 100, marginFen: 200 },
    { offeringId: 'VAS-CALLREM', nameZh: '来电提醒首月免费', nameEn: 'Missed-call alerts free', pitchZh: '首月免费', pitchEn: 'Free the first month', priceFen: 0, marginFen: 100 },
  ]) {
    const made = await m.offers.create(a, { ...terms, ...o });
    await m.offers.submit(a, made.id);
    await m.offers.review(b, made.id, { approve: true });
    if (offerId === undefined) offerId = made.id; else otherOfferId = made.id;
  }
  m.decisions.invalidate();
});
after(async () => { await env.close(); });

test('a link signs in once, for its one offer, which is quoted, then charged once when confirmed', async () => {
  const link = await env.s.marketing.links.mint(offerId, sub.id, 'sms');
  assert.match(link.path, /^\/o\/[A-Za-z0-9_-]{16}$/);
  assert.equal(link.expiresAt, new Date(NOW.getTime() + 72 * 3_600_000).toISOString());
  const r = await exchange(link.code);
  assert.equal(r.statusCode, 200, r.body);
  const { pass, offer } = r.json() as { pass: string; offer: { id: number; priceFen: number; available: boolean } };
  assert.deepEqual([offer.id, offer.priceFen, offer.available], [offerId, 100, true]);
  const again = await exchange(link.code);
  assert.equal(again.statusCode, 410);
  assert.equal(again.json().code, 'OFFER_LINK_USED');

  assert.equal((await withPass(pass, 'GET', '/api/v1/offer-links/offer')).json().id, offerId);
  const quote = await withPass(pass, 'POST', '/api/v1/offer-links/accept', {}, 'link-accept-01');
  assert.equal(quote.statusCode, 409);
  assert.equal(quote.json().code, 'CONFIRMATION_REQUIRED');
  assert.equal(quote.json().quote.priceFen, 100);
  const before = await balanceAndLedger(env.db, sub.id);
  const took = await withPass(pass, 'POST', '/api/v1/offer-links/accept', { confirm: true, quoteTerms: quote.json().quote.terms }, 'link-accept-01');
  assert.equal(took.statusCode, 200, took.body);
  assert.equal(took.json().result.offerId, offerId);
  const replay = await withPass(pass, 'POST', '/api/v1/offer-links/accept', { confirm: true, quoteTerms: quote.json().quote.terms }, 'link-accept-01');
  assert.equal(replay.json().replayed, true);
  assert.equal((await withPass(pass, 'POST', '/api/v1/offer-links/accept', { confirm: true }, 'link-accept-02')).json().code, 'OFFER_ALREADY_ACCEPTED');
  assert.equal((await withPass(pass, 'POST', '/api/v1/offer-links/accept', { confirm: true })).json().code, 'IDEMPOTENCY_KEY_REQUIRED');
  const afterIt = await balanceAndLedger(env.db, sub.id);
  assert.equal(afterIt.balanceFen, before.balanceFen - 100);
  assert.equal(afterIt.balanceFen, afterIt.ledgerFen);
  const resp = await env.db.selectFrom('offerResponse').select(['channel', 'response']).where('offerId', '=', offerId).execute();
  assert.deepEqual(resp, [{ channel: 'mobile', response: 'accepted' }]);
});

test('the pass opens that one offer only: no other business, no other offer, nothing after it expires', async () => {
  const link = await env.s.marketing.links.mint(otherOfferId, sub.id, 'broadcast:1');
  const { pass } = (await exchange(link.code)).json() as { pass: string };
  for (const [url, payload] of [
    ['/api/v1/businesses/balance.query', {}],
    ['/api/v1/businesses/offer.accept', { input: { offerId: otherOfferId }, confirm: true }],
    ['/api/v1/businesses/pack.subscribe', { input: { packId: 'PK-DATA-1G' }, confirm: true }],
  ] as const) {
    const r = await withPass(pass, 'POST', url, payload, 'pass-misuse-01');
    assert.equal(r.statusCode, 401, `${url}: ${r.body}`);
  }
  assert.equal((await withPass(pass, 'GET', `/tmf-api/customerManagement/v4/customer/${sub.id}`)).statusCode, 401);
  // No way to name another offer: the body takes none.
  const other = await withPass(pass, 'POST', '/api/v1/offer-links/accept', { confirm: true, offerId }, 'pass-misuse-02');
  assert.equal(other.statusCode, 400);
  assert.equal(other.json().code, 'INVALID_INPUT');
  // A pass whose payload was changed to another offer is forged.
  const [body, sig] = pass.split('.') as [string, string];
  const changed = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), o: offerId })).toString('base64url');
  assert.equal((await withPass(`${changed}.${sig}`, 'GET', '/api/v1/offer-links/offer')).statusCode, 401);
  assert.equal((await withPass(pass, 'GET', '/api/v1/offer-links/offer')).json().id, otherOfferId);
  env.clock.advance(31 * 60_000);
  const late = await withPass(pass, 'GET', '/api/v1/offer-links/offer');
  assert.equal(late.statusCode, 401);
  assert.equal(late.json().code, 'UNAUTHENTICATED');
  env.clock.set(NOW);
});

test('forged, tampered and expired codes are refused, each with its own answer; nothing is signed in', async () => {
  const link = await env.s.marketing.links.mint(offerId, sub.id, 'sms');
  const flip = link.code.slice(0, 15) + (link.code[15] === 'A' ? 'B' : 'A');
  for (const code of ['AAAAAAAAAAAAAAAA', flip, 'abc', `${link.code}x`, '../../etc/passwd']) {
    const r = await exchange(code);
    assert.equal(r.statusCode, 404, code);
    assert.equal(r.json().code, 'OFFER_LINK_INVALID');
    assert.match(r.json().detail, /链接无效/);
  }
  assert.equal((await exchange('x'.repeat(65))).statusCode, 400);
  const en = await env.app.inject({ method: 'POST', url: '/api/v1/offer-links/exchange', payload: { code: flip }, headers: { 'accept-language': 'en' } });
  assert.equal(en.json().detail, 'This link is not valid');
  env.clock.advance(72 * 3_600_000 + 1000);
  const late = await exchange(link.code);
  assert.equal(late.statusCode, 410);
  assert.equal(late.json().code, 'OFFER_LINK_EXPIRED');
  env.clock.set(NOW);
  const row = await env.db.selectFrom('offerLink').select('usedAt').where('code', '=', link.code).executeTakeFirstOrThrow();
  assert.equal(row.usedAt, null);
});

test('ten taps at once on one code sign in once', async () => {
  const link = await env.s.marketing.links.mint(offerId, sub.id, 'sms');
  const all = await Promise.all(Array.from({ length: 10 }, () => exchange(link.code)));
  assert.deepEqual(all.map((r) => r.statusCode).sort(), [200, 410, 410, 410, 410, 410, 410, 410, 410, 410]);
});
