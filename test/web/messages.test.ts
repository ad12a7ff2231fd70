// The web app's dictionary: both languages have the same keys and the same {placeholders}.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { messages } from '../../web/hall/messages.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('Chinese and English have exactly the same keys', () => {
  const zh = Object.keys(messages['zh-CN']).sort();
  const en = Object.keys(messages.en).sort();
  assert.deepEqual(en.filter((k) => !zh.includes(k)), [], 'keys only in English');
  assert.deepEqual(zh.filter((k) => !en.includes(k)), [], 'keys only in Chinese');
  assert.ok(zh.length > 100, 'the whole app’s texts are in the dictionary');
});

test('every text is filled in and uses the same placeholders in both languages', () => {
  for (const [key, zh] of Object.entries(messages['zh-CN'])) {
    const en = messages.en[key as keyof typeof messages.en];
    assert.ok(zh.trim() && en.trim(), `${key} is empty in a language`);
    assert.deepEqual(placeholders(en), placeholders(zh), `${key} has different placeholders`);
  }
});

test('the Chinese side is Chinese and the English side is not', () => {
  const han = /\p{Script=Han}/u;
  // Keys whose text is the same in both, or names the other language on purpose.
  const neutral = new Set(['lang.other', 'lang.switchTo', 'common.listSep', 'usage.messages']);
  const zhWithoutHan = Object.entries(messages['zh-CN']).filter(([k, v]) => !neutral.has(k) && !han.test(v)).map(([k]) => k);
  const enWithHan = Object.entries(messages.en).filter(([k, v]) => !neutral.has(k) && han.test(v)).map(([k]) => k);
  assert.deepEqual(zhWithoutHan, []);
  assert.deepEqual(enWithHan, []);
});
