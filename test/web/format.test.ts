// Money, numbers and times as the web apps show and read them: yuan typed by a person become
// integer fen without floats (through the server's one parser), times show in Beijing time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { formatBeijing, formatCycle, fromBeijing, formatData, formatDate, formatFen, formatMonthShort, formatPrice, formatRate, maskMsisdn, normaliseMsisdn, parseYuan } from '../../web/shared/format.ts';

test('a typed yuan amount becomes integer fen', () => {
  const cases: [string, number | null][] = [
    ['12', 1200], ['12.5', 1250], ['12.50', 1250], ['0.1', 10], ['0.07', 7], [' ¥1000.05 ', 100005],
    ['￥3', 300], ['50元', 5000], ['¥ 8', 800], ['8 元', 800], ['１２．５', 1250],
    // 0.1 + 0.2 style float traps: parsed digit by digit, so exact.
    ['0.29', 29], ['1.15', 115], ['4.35', 435], ['9999999.99', 999999999],
    ['', null], ['abc', null], ['1.234', null], ['-5', null], ['1e3', null], ['.5', null], ['12 34', null], ['1,00', null],
    // The server's parser is the one parser: no half-typed decimals, no grouping commas.
    ['12.', null], ['1,000.05', null],
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
  assert.equal(normaliseMsisdn('+86 138 0000 0001'), '13800000001');
  assert.equal(normaliseMsisdn('１３８-0000-0001'), '13800000001');
  assert.equal(normaliseMsisdn('138000000o1'), null);
});

test('times show in Beijing time whatever the clock of the machine', () => {
  assert.equal(formatBeijing('2026-11-15T02:00:00Z'), '2026-11-15 10:00');
  assert.equal(formatBeijing('2026-11-15T16:30:05Z', { seconds: true }), '2026-11-16 00:30:05');
  assert.equal(formatBeijing('2026-12-31T16:00:00.000Z', { date: true }), '2027-01-01');
  assert.equal(formatBeijing('not a time'), 'not a time');
});

test('a Beijing minute typed by staff becomes the instant, and only a real one', () => {
  assert.equal(fromBeijing('2026-12-03 10:00'), '2026-12-03T02:00:00.000Z');
  assert.equal(fromBeijing(' 2026-12-01 00:30 '), '2026-11-30T16:30:00.000Z', 'the day before in UTC');
  assert.equal(fromBeijing('2026-12-03T10:00'), '2026-12-03T02:00:00.000Z');
  for (const bad of ['', '2026-02-30 10:00', '2026-12-03 24:00', '2026-12-03 10:60', '2026-12-3 10:00', '10:00', '2026-12-03 10:00:00', 'abc']) {
    assert.equal(fromBeijing(bad), null, bad);
  }
  const at = new Date('2026-06-15T07:45:00Z');
  assert.equal(fromBeijing(formatBeijing(at)), at.toISOString(), 'the inverse of formatBeijing');
});

test('catalogue prices say when they are monthly; rates are percentages', () => {
  assert.equal(formatPrice(800, 'oneTime', '/月'), '¥8.00');
  assert.equal(formatPrice(3800, 'recurring', '/月'), '¥38.00/月');
  assert.equal(formatRate(0.98765), '98.8%');
  assert.equal(formatRate(1), '100.0%');
  assert.equal(formatRate(null), '—');
});

test('dates show in the operator zone in one format per language, whatever zone the machine is in', () => {
  assert.equal(formatDate('2026-12-31T16:00:00.000Z', 'zh-CN'), '2027年1月1日');
  assert.equal(formatDate('2026-12-31T15:59:59.000Z', 'zh-CN'), '2026年12月31日');
  assert.equal(formatDate('2026-12-31T15:59:59.000Z', 'en'), '31 Dec 2026');
  assert.equal(formatDate('2026-12-30T20:20:00.000Z', 'en'), '31 Dec 2026', 'an order at 04:20 Beijing time is on the 31st');
  assert.equal(formatDate('2026-12-31', 'zh-CN'), '2026年12月31日', 'a calendar date is shown as written');
  assert.equal(formatDate('2026-03-05', 'en'), '5 Mar 2026');
  assert.equal(formatDate(Date.UTC(2026, 5, 30, 17), 'en'), '1 Jul 2026');
  assert.equal(formatDate('2026-12-31T12:00:00.000Z', 'en', 'America/Los_Angeles'), '31 Dec 2026');
  assert.equal(formatDate('2026-12-31T06:00:00.000Z', 'en', 'America/Los_Angeles'), '30 Dec 2026');
  assert.equal(formatDate('soon', 'en'), 'soon');
  assert.equal(formatCycle('2026-11', 'zh-CN'), '2026年11月');
  assert.equal(formatCycle('2026-11', 'en'), 'Nov 2026');
  assert.equal(formatMonthShort('2026-05', 'zh-CN'), '5月');
  assert.equal(formatMonthShort('2026-05', 'en'), 'May');
});

test('the same dates come out with the browser in New York, London or Beijing', () => {
  const script = `import { formatDate, formatBeijing } from ${JSON.stringify(new URL('../../web/shared/format.ts', import.meta.url).href)};
    console.log(JSON.stringify([formatDate('2026-12-30T20:20:00.000Z', 'zh-CN'), formatDate('2026-12-31T16:30:00.000Z', 'en'), formatBeijing('2026-11-15T02:00:00Z'), new Date().getTimezoneOffset()]));`;
  for (const tz of ['America/New_York', 'Europe/London', 'Pacific/Kiritimati', 'Asia/Shanghai']) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, TZ: tz } });
    assert.equal(r.status, 0, r.stderr);
    const [zh, en, beijing, offset] = JSON.parse(r.stdout) as [string, string, string, number];
    assert.equal(zh, '2026年12月31日', tz);
    assert.equal(en, '1 Jan 2027', tz);
    assert.equal(beijing, '2026-11-15 10:00', tz);
    if (tz === 'America/New_York') assert.ok(offset > 0, 'the child really runs in New York time');
  }
});
