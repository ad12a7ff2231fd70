// The one MSISDN normaliser: what people type and gateways send, to the 11 digits omnihall stores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskMsisdn, msisdnProblem, normaliseMsisdn } from './msisdn.ts';

test('a number in any of the ways it is written becomes its 11 digits', () => {
  for (const text of [
    '13800000001', '+86 13800000001', '+8613800000001', '8613800000001', '008613800000001', '0086-138-0000-0001',
    '+86 138 0000 0001', '(+86) 138 0000 0001', '１３８０００００００１', '＋８６ １３８　００００　０００１', '138 0000 0001', ' 13800000001 ',
  ]) assert.equal(normaliseMsisdn(text), '13800000001', JSON.stringify(text));
});

test('anything else is refused, letters never dropped', () => {
  for (const text of [
    '', '10086', '1380000000', '138000000012', '23800000001', '138000000o1', 'tel13800000001', '+1 13800000001', '+86+8613800000001',
    '13800000001\u0000', '١٣٨٠٠٠٠٠٠٠١', '1.3800000001', '+86 138 0000 0001x',
  ]) assert.equal(normaliseMsisdn(text), null, JSON.stringify(text));
});

test('numbers are masked on shared screens', () => {
  assert.equal(maskMsisdn('13800000001'), '138****0001');
  assert.equal(maskMsisdn('10086'), '10086');
});

test('a refusal says why: letters are named, a wrong length asks for 11 digits', () => {
  assert.equal(msisdnProblem('+86 138-0000-0001'), null);
  assert.equal(msisdnProblem('１３８００００００01'), null);
  assert.match(msisdnProblem('138000000o1')!['zh-CN'], /不能有字母/);
  assert.match(msisdnProblem('tel13800000001')!.en, /no letters/);
  assert.match(msisdnProblem('1380000000')!['zh-CN'], /11位/);
  assert.match(msisdnProblem('+86 1380000')!.en, /11-digit/);
  assert.match(msisdnProblem('23800000001')!['zh-CN'], /不是有效的手机号码/);
});
