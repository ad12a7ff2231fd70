// The one yuan → fen parser every channel, TMF620 and the web app use: exact, never a float.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_FEN, formatYuan, parseYuanToFen, readYuan, yuanNumberToFen } from './money.ts';

test('yuan as people type them become exact fen', () => {
  const cases: [string, number][] = [
    ['0.05', 5], ['19.9', 1990], ['19.90', 1990], ['20', 2000], ['0', 0], ['0.29', 29], ['1.15', 115],
    ['１０', 1000], ['１９．９', 1990], ['¥20', 2000], ['￥ 20', 2000], ['20元', 2000], [' 20 元 ', 2000], ['¥20元', 2000],
    ['007', 700], ['100000000', MAX_FEN],
  ];
  for (const [text, fen] of cases) assert.equal(parseYuanToFen(text), fen, JSON.stringify(text));
});

test('what is not an amount of yuan with at most two decimals is refused, and says why', () => {
  const cases: [string, string][] = [
    ['1.234', 'decimals'], ['0.001', 'decimals'],
    ['-5', 'format'], ['-0.05', 'format'], ['', 'format'], [' ', 'format'], ['abc', 'format'], ['1e3', 'format'], ['.5', 'format'],
    ['12.', 'format'], ['1,000', 'format'], ['12 34', 'format'], ['0x10', 'format'], ['Infinity', 'format'], ['NaN', 'format'],
    ['1\u0000', 'format'], ['\u00001', 'format'], ['٣', 'format'], ['20元元', 'format'], ['¥¥20', 'format'],
    ['100000000.01', 'range'], ['1000000000', 'range'], ['9'.repeat(400), 'range'],
  ];
  for (const [text, problem] of cases) {
    assert.deepEqual(readYuan(text), { problem }, JSON.stringify(text));
    assert.equal(parseYuanToFen(text), null, JSON.stringify(text));
  }
});

test('a JSON number of yuan is taken only when it has at most two decimals', () => {
  assert.equal(yuanNumberToFen(19.9), 1990);
  assert.equal(yuanNumberToFen(0.07), 7);
  assert.equal(yuanNumberToFen(1.234), null);
  assert.equal(yuanNumberToFen(-1), null);
  assert.equal(yuanNumberToFen(1e21), null);
  assert.equal(yuanNumberToFen(Number.NaN), null);
});

test('fen print as yuan with two decimals', () => {
  assert.equal(formatYuan(5), '0.05');
  assert.equal(formatYuan(1990), '19.90');
  assert.equal(formatYuan(-500), '-5.00');
});
