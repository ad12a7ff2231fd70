// The sensitive-word matcher that broadcasts and mall reviews share: words found where they are
// written, through the forms people use to slip past a filter; a category left out is not looked for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findSensitiveWords, SensitiveWordMatcher } from './sensitive-words.ts';
import { SENSITIVE_WORDS } from './sensitive-words.list.ts';

test('finds listed words where they are, through full-width forms, case, spaces and symbols', () => {
  const text = '全网最佳！赌 博、代-开-发-票，ＮＯ．１';
  const hits = findSensitiveWords(text);
  assert.deepEqual(hits.map((h) => [h.word, h.category, text.slice(h.start, h.end)]), [
    ['最佳', 'adLaw', '最佳'], ['赌博', 'gambling', '赌 博'], ['代开发票', 'fraud', '代-开-发-票'], ['NO.1', 'adLaw', 'ＮＯ．１'],
  ]);
});

test('an ordinary offer text passes (首月, 第一个月 are not absolute terms)', () => {
  assert.deepEqual(findSensitiveWords('李明您好，首月仅1元，第一个月免费试用。回TD退订'), []);
});

test('a matcher of some categories finds only those', () => {
  const matcher = new SensitiveWordMatcher({ ...SENSITIVE_WORDS, adLaw: [] });
  assert.deepEqual(matcher.find('最佳手机，可以刷单').map((h) => [h.word, h.start, h.end]), [['刷单', 7, 9]]);
});
