import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataAmount, money, yuan } from './i18n.ts';
import { cycleOf, nextCycleStart } from './cycle.ts';

test('fen are shown as yuan with integer arithmetic', () => {
  assert.equal(yuan(0), '0.00');
  assert.equal(yuan(5), '0.05');
  assert.equal(yuan(12_345), '123.45');
  assert.equal(yuan(-1_990), '-19.90');
  assert.equal(yuan(900_719_925_474_099), '9007199254740.99');
  assert.deepEqual(money(5_800), { 'zh-CN': '58.00元', en: '¥58.00' });
});

test('data amounts switch to GB at 1024 MB', () => {
  assert.equal(dataAmount(500), '500MB');
  assert.equal(dataAmount(1024), '1GB');
  assert.equal(dataAmount(1536), '1.5GB');
  assert.equal(dataAmount(30 * 1024), '30GB');
});

test('billing cycles follow Beijing time', () => {
  assert.equal(cycleOf(new Date('2026-11-30T15:59:59Z')), '2026-11');
  assert.equal(cycleOf(new Date('2026-11-30T16:00:00Z')), '2026-12');
  assert.equal(nextCycleStart(new Date('2026-12-31T10:00:00Z')), '2027-01-01');
});

test('a validity of n days runs to the end of the nth Beijing calendar day', async () => {
  const { validityEnd } = await import('./cycle.ts');
  const { dateText } = await import('./dates.ts');
  // 04:20 on 2 December in Beijing is 20:20 UTC on 1 December.
  const at = new Date('2026-12-01T20:20:00Z');
  const end = validityEnd(at, 30);
  assert.equal(end.toISOString(), '2026-12-31T15:59:59.000Z');
  assert.deepEqual(dateText(end), { 'zh-CN': '2026年12月31日', en: '31 Dec 2026' });
  assert.equal(validityEnd(new Date('2026-12-31T15:00:00Z'), 1).toISOString(), '2026-12-31T15:59:59.000Z', 'a day pack at 23:00 runs to midnight');
});
