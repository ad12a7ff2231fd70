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
