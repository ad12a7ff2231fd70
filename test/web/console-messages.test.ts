// The staff console's dictionary: both languages have the same keys and {placeholders}, Chinese
// is Chinese and English is not, and every status, kind, channel and role the API names has a name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { messages } from '../../web/console/messages.ts';
import { CHANNELS, KINDS, LIFECYCLE, STAFF_ROLES } from '../../web/console/types.ts';
import { navFor, route } from '../../web/console/nav.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('Chinese and English have the same keys, filled in, with the same placeholders', () => {
  const zh = messages['zh-CN'];
  const en = messages.en;
  assert.deepEqual(Object.keys(en).sort(), Object.keys(zh).sort());
  for (const [key, text] of Object.entries(zh)) {
    const other = en[key as keyof typeof en];
    assert.ok(text.trim() && other.trim(), `${key} is empty in a language`);
    assert.deepEqual(placeholders(other), placeholders(text), `${key} has different placeholders`);
  }
});

test('the Chinese side is Chinese and the English side is not', () => {
  const han = /\p{Script=Han}/u;
  // Texts that name the other language on purpose, or are the same code in both.
  const neutral = new Set(['lang.other', 'lang.switch', 'offering.historyBy', 'businesses.switch']);
  assert.deepEqual(Object.entries(messages['zh-CN']).filter(([k, v]) => !neutral.has(k) && !han.test(v)).map(([k]) => k), []);
  assert.deepEqual(Object.entries(messages.en).filter(([k, v]) => !neutral.has(k) && han.test(v)).map(([k]) => k), []);
});

test('every lifecycle status, kind, channel and role has a name in both languages', () => {
  for (const [prefix, codes] of [['lifecycle', LIFECYCLE], ['kind', KINDS], ['channel', CHANNELS], ['role', STAFF_ROLES]] as const) {
    for (const code of codes) assert.ok(`${prefix}.${code}` in messages.en, `${prefix}.${code}`);
  }
});

test('the side menu follows the roles', () => {
  // The mall's group (商城) is checked on its own below, so a page added to it leaves this list alone.
  const keys = (roles: string[]) => navFor(roles).filter((n) => n.group !== 'mall').map((n) => n.key);
  assert.deepEqual(keys(['admin']), ['home', 'offerings', 'reviews', 'businesses', 'staff', 'audit', 'mktFeatures', 'mktSegments', 'mktOffers', 'mktDecisions', 'mktContacts', 'mktTriggers', 'mktBroadcasts', 'mktCallLists', 'mktMyCalls', 'mktResults']);
  assert.deepEqual(keys(['product']), ['home', 'offerings', 'reviews', 'businesses']);
  assert.deepEqual(keys(['marketing']), ['home', 'offerings', 'mktFeatures', 'mktSegments', 'mktOffers', 'mktDecisions', 'mktContacts', 'mktTriggers', 'mktBroadcasts', 'mktCallLists', 'mktResults']);
  assert.deepEqual(keys(['agent']), ['home', 'offerings', 'mktFeatures', 'mktDecisions', 'mktTriggers', 'mktMyCalls']);
  assert.deepEqual(keys(['ops']), ['home', 'businesses']);
  assert.deepEqual(keys(['agent', 'ops']), ['home', 'offerings', 'businesses', 'mktFeatures', 'mktDecisions', 'mktTriggers', 'mktMyCalls']);
});

test('the mall group shows goods and stock to product managers, payments and shipping to ops and agents', () => {
  const mall = (roles: string[]) => navFor(roles).filter((n) => n.group === 'mall').map((n) => n.key);
  const has = (roles: string[], keys: string[]) => keys.every((k) => (mall(roles) as string[]).includes(k));
  assert.ok(has(['admin'], ['mallGoods', 'mallStock', 'mallOrders', 'mallPayments', 'mallShipments']));
  assert.ok(has(['product'], ['mallGoods', 'mallStock', 'mallOrders']));
  assert.ok(!mall(['product']).includes('mallPayments'));
  assert.ok(has(['ops'], ['mallGoods', 'mallStock', 'mallOrders', 'mallPayments', 'mallShipments']));
  assert.ok(has(['agent'], ['mallPayments', 'mallShipments']));
  assert.ok(!mall(['agent']).includes('mallStock'));
  assert.deepEqual(mall(['marketing']).filter((k) => ['mallGoods', 'mallStock', 'mallOrders', 'mallPayments', 'mallShipments'].includes(k)), []);
});

test('a mall page is also shown for one item at its path and an id', () => {
  assert.deepEqual(route('/mall/goods'), { key: 'mallGoods' });
  assert.deepEqual(route('/mall/goods/12'), { key: 'mallGoods', id: '12' });
  assert.deepEqual(route('/mall/orders/MO2026120212345678'), { key: 'mallOrders', id: 'MO2026120212345678' });
  assert.deepEqual(route('/mall/nothing/1'), { key: 'notFound' });
  assert.deepEqual(route('/mall/goods/1/2'), { key: 'notFound' });
});
