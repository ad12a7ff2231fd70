// Money as the web app shows and reads it: yuan typed by a person become integer fen without floats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatData, formatFen, maskMsisdn, parseYuan } from '../../web/shared/format.ts';

test('a typed yuan amount becomes integer fen', () => {
  const cases: [string, number | null][] = [
    ['12', 1200], ['12.5', 1250], ['12.50', 1250], ['0.1', 10], ['0.07', 7], ['12.', 1200],
    [' ¥1,000.05 ', 100005], ['￥3', 300], ['50元', 5000], ['¥ 8', 800], ['8 元', 800], ['１２．５', 1250],
    // 0.1 + 0.2 style float traps: parsed digit by digit, so exact.
    ['0.29', 29], ['1.15', 115], ['4.35', 435], ['9999999.99', 999999999],
    ['', null], ['abc', null], ['1.234', null], ['-5', null], ['1e3', null], ['.5', null], ['12 34', null], ['1,00', null],
  ];
  for (const [text, fen] of cases) assert.equal(parseYuan(text), fen, JSON.stringify(text));
});

test('fen print as yuan with two decimals and grouped thousands', () => {
  assert.equal(formatFen(0), '¥0.00');
  assert.equal(formatFen(5), '¥0.05');
  assert.equal(formatFen(1250), '¥12.50');
  assert.equal(formatFen(123456789), '¥1,234,567.89');
  assert.equal(formatFen(-1999), '-¥19.99');
});

test('data amounts and masked numbers', () => {
  assert.equal(formatData(500), '500MB');
  assert.equal(formatData(2300), '2.2GB');
  assert.equal(formatData(40 * 1024), '40GB');
  assert.equal(maskMsisdn('13800000001'), '138****0001');
});
