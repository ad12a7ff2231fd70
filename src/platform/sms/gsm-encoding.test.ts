// SMS encoding: GSM-7 or UCS-2 choice, septet counting, and that no concatenated part is over its limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LIMITS, concatUdh, decodeGsm7, decodeUcs2, encodeGsm7, encodeUcs2, encodingFor, gsm7Length, readConcat, splitMessage,
} from './gsm-encoding.ts';

test('GSM-7 when every character is in GSM 03.38, UCS-2 otherwise', () => {
  assert.equal(encodingFor('Your balance is 50.00 RMB'), 'gsm7');
  assert.equal(encodingFor('Price: €5 [promo] {x} ~ ^ | \\'), 'gsm7');
  assert.equal(encodingFor('您的余额为50.00元'), 'ucs2');
  assert.equal(encodingFor('balance ¥50'), 'gsm7'); // ¥ is in the basic table
  assert.equal(encodingFor('naïve'), 'ucs2'); // ï is not
  assert.equal(encodingFor('ok 😀'), 'ucs2');
});

test('extension characters count two septets', () => {
  assert.equal(gsm7Length('abc'), 3);
  assert.equal(gsm7Length('€'), 2);
  assert.equal(gsm7Length('[]{}'), 8);
  assert.equal(gsm7Length('中'), -1);
});

test('GSM-7 round-trips through its septets, with @ as 0x00 and € as escape + 0x65', () => {
  const s = '@Hello {world} €10 ¿¡ ÄÖÑÜ\nΔΩ';
  assert.deepEqual([...encodeGsm7('@€')], [0x00, 0x1b, 0x65]);
  assert.equal(decodeGsm7(encodeGsm7(s)), s);
  assert.throws(() => encodeGsm7('中'), RangeError);
});

test('UCS-2 is big-endian and keeps surrogate pairs', () => {
  assert.deepEqual([...encodeUcs2('余')], [0x4f, 0x59]);
  assert.equal(decodeUcs2(encodeUcs2('余额😀')), '余额😀');
});

test('one part up to 160 septets or 70 UCS-2 characters, without a UDH', () => {
  const g = splitMessage('a'.repeat(160), 1);
  assert.equal(g.parts.length, 1);
  assert.equal(g.parts[0]!.udh, null);
  assert.equal(g.dataCoding, 0x00);
  const u = splitMessage('余'.repeat(70), 1);
  assert.equal(u.parts.length, 1);
  assert.equal(u.dataCoding, 0x08);
  assert.equal(u.parts[0]!.shortMessage.length, 140);
});

test('longer texts split into 153-septet or 67-character parts with a 6-octet UDH', () => {
  const g = splitMessage('a'.repeat(161), 42);
  assert.deepEqual(g.parts.map((p) => p.units), [153, 8]);
  assert.deepEqual([...g.parts[0]!.udh!], [0x05, 0x00, 0x03, 42, 2, 1]);
  assert.deepEqual([...g.parts[1]!.udh!], [0x05, 0x00, 0x03, 42, 2, 2]);
  assert.equal(g.parts[0]!.shortMessage.length, 6 + 153);
  const u = splitMessage('余'.repeat(71), 300); // reference wraps to one octet
  assert.deepEqual(u.parts.map((p) => p.units), [67, 4]);
  assert.equal(u.parts[0]!.udh![3], 300 & 0xff);
  assert.equal(u.parts[0]!.shortMessage.length, 6 + 134);
});

test('an escape sequence is never split across parts', () => {
  // 152 plain septets then €: the escape and its septet would straddle 153, so € moves on.
  const g = splitMessage(`${'a'.repeat(152)}€${'b'.repeat(20)}`, 1);
  assert.equal(g.parts[0]!.units, 152);
  assert.equal(g.parts[0]!.text, 'a'.repeat(152));
  assert.ok(g.parts[1]!.text.startsWith('€'));
  for (const p of g.parts) assert.equal(decodeGsm7(p.shortMessage.subarray(6)), p.text);
});

test('a surrogate pair is never split across parts', () => {
  const u = splitMessage(`${'余'.repeat(66)}😀${'额'.repeat(10)}`, 1);
  assert.equal(u.parts[0]!.units, 66);
  assert.ok(u.parts[1]!.text.startsWith('😀'));
  for (const p of u.parts) assert.equal(decodeUcs2(p.shortMessage.subarray(6)), p.text);
});

test('no part is ever over its limit, and the parts join back to the text', () => {
  // A deterministic mix of every kind of character: basic, extension, CJK, astral.
  const alphabet = ['a', 'Z', '0', ' ', '€', '[', '^', '\\', '余', '额', '😀', '𠀀', 'é', '\n'];
  let seed = 20071009;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let round = 0; round < 400; round++) {
    const gsmOnly = round % 2 === 0;
    const pool = gsmOnly ? alphabet.filter((c) => gsm7Length(c) > 0) : alphabet;
    const len = next() % 700;
    let text = '';
    for (let i = 0; i < len; i++) text += pool[next() % pool.length];
    const m = splitMessage(text, round);
    const limits = LIMITS[m.encoding];
    const limit = m.parts.length === 1 ? limits.single : limits.multi;
    assert.equal(m.parts.map((p) => p.text).join(''), text);
    for (const p of m.parts) {
      const body = p.udh ? p.shortMessage.subarray(p.udh.length) : p.shortMessage;
      const units = m.encoding === 'gsm7' ? body.length : body.length / 2;
      assert.ok(units <= limit, `part of ${units} units over ${limit}`);
      assert.equal(units, p.units);
      assert.ok(p.shortMessage.length <= 140 || m.encoding === 'gsm7', 'UCS-2 part over 140 octets');
      assert.ok(p.shortMessage.length <= 160, 'part over 160 octets');
      const decoded = m.encoding === 'gsm7' ? decodeGsm7(body) : decodeUcs2(body);
      assert.equal(decoded, p.text);
      // No part ends on a lone high surrogate or a dangling escape.
      assert.ok(!/[\uD800-\uDBFF]$/.test(p.text));
      if (m.encoding === 'gsm7') assert.notEqual(body[body.length - 1], 0x1b);
    }
    if (m.parts.length > 1) {
      m.parts.forEach((p, i) => assert.deepEqual(readConcat(p.udh!), { reference: round & 0xff, total: m.parts.length, seq: i + 1 }));
    }
  }
});

test('reads both 8-bit and 16-bit concatenation headers, with or without the length octet', () => {
  assert.deepEqual(readConcat(concatUdh(9, 3, 2)), { reference: 9, total: 3, seq: 2 });
  assert.deepEqual(readConcat(Buffer.from([0x00, 0x03, 9, 3, 2]), false), { reference: 9, total: 3, seq: 2 });
  assert.deepEqual(readConcat(Buffer.from([0x06, 0x08, 0x04, 0x01, 0x02, 4, 1])), { reference: 0x0102, total: 4, seq: 1 });
  assert.equal(readConcat(Buffer.from([0x03, 0x24, 0x01, 0x01])), null);
});
