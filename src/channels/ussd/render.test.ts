// The USSD renderer: every page fits its encoding's limit, nothing is lost across pages, and the
// page breaks do not move when a notice is shown.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { l10n, type Lang } from '../../platform/i18n.ts';
import { MENU_TEXT, type Screen } from '../menu.ts';
import { GSM7_LIMIT, measure, renderUssd, UCS2_LIMIT } from './render.ts';

function menu(labels: [string, string][], over: Partial<Screen> = {}): Screen {
  const title = l10n('订购业务：请选择', 'Order a pack: choose');
  return {
    kind: 'choice', title, long: title, final: false,
    items: labels.map(([zh, en], i) => ({ key: `c:${i}`, label: l10n(zh, en) })),
    ...over,
  };
}

function allPages(screen: Screen, lang: Lang): string[] {
  const first = renderUssd(screen, lang, 0);
  return Array.from({ length: first.pages }, (_, p) => renderUssd(screen, lang, p).text);
}

const packs: [string, string][] = Array.from({ length: 23 }, (_, i) => [`${i + 1}GB流量包（月包）${(i + 1) * 5}元`, `${i + 1} GB monthly data pack ¥${(i + 1) * 5}`]);

describe('encoding', () => {
  test('plain text is GSM-7 up to 182; extension characters take two septets', () => {
    assert.deepEqual(measure('Balance ¥12.00'), { encoding: 'gsm7', length: 14, limit: GSM7_LIMIT });
    assert.equal(measure('[x]').length, 5);
    assert.equal(measure('€').length, 2);
  });

  test('one character outside GSM-7 makes the whole screen UCS2 with 80', () => {
    assert.deepEqual(measure('余额12元'), { encoding: 'ucs2', length: 5, limit: UCS2_LIMIT });
    assert.equal(measure('month’s bill').encoding, 'ucs2');
    assert.equal(measure('ok 👍').length, 5, 'an emoji is two UTF-16 units');
  });
});

describe('pages', () => {
  for (const lang of ['zh-CN', 'en'] as const) {
    test(`a long ${lang} list pages with every screen within its limit and every item once`, () => {
      const pages = allPages(menu(packs), lang);
      assert.ok(pages.length > 1);
      const numbers: number[] = [];
      pages.forEach((text, i) => {
        const m = measure(text);
        assert.ok(m.length <= m.limit, `page ${i} is ${m.length} of ${m.limit} (${m.encoding}):\n${text}`);
        const last = i === pages.length - 1;
        assert.equal(text.includes(lang === 'en' ? '98 More' : '98下页'), !last, `page ${i} offers the next page unless it is the last`);
        for (const line of text.split('\n')) {
          const n = /^(\d+)\./.exec(line);
          if (n) numbers.push(Number(n[1]));
        }
      });
      assert.deepEqual(numbers, packs.map((_, i) => i + 1), 'numbered on from page to page, none missing or repeated');
    });
  }

  test('a long result is split over pages without losing a character, and ends on its last page', () => {
    const long = '您已成功订购视频定向流量包，扣费20.00元，当前余额3.45元，有效期至2026-12-14。退订请发送QX LLSP。'.repeat(4);
    const screen: Screen = { kind: 'result', title: l10n(long, long), long: l10n(long, long), items: [], final: true };
    const pages = [0, 1, 2, 3, 4, 5].map((p) => renderUssd(screen, 'zh-CN', p)).filter((r, i) => r.page === i);
    assert.ok(pages.length >= 3);
    for (const p of pages) assert.ok(measure(p.text).length <= UCS2_LIMIT, p.text);
    assert.deepEqual(pages.map((p) => p.end), pages.map((_, i) => i === pages.length - 1), 'END only on the last page');
    const body = pages.map((p) => p.text.split('\n').filter((l) => !/^(98下页|0返回)/.test(l)).join('')).join('');
    assert.equal(body.replace(/\s/g, ''), long.replace(/\s/g, ''));
  });

  test('a notice is shown on the same page without moving its page breaks', () => {
    const plain = menu(packs);
    const noticed = { ...plain, notice: MENU_TEXT.invalidOption };
    for (const p of [0, 1, 2]) {
      const a = renderUssd(plain, 'zh-CN', p).text;
      const b = renderUssd(noticed, 'zh-CN', p).text;
      assert.equal(b, `${MENU_TEXT.invalidOption['zh-CN']}\n${a}`);
      assert.ok(measure(b).length <= UCS2_LIMIT);
    }
  });

  test('a menu line longer than a screen is cut short, never overflowing', () => {
    const huge: [string, string][] = [['超'.repeat(200), 'x'.repeat(400)], ['短', 'short']];
    for (const lang of ['zh-CN', 'en'] as const) {
      for (const text of allPages(menu(huge), lang)) {
        const m = measure(text);
        assert.ok(m.length <= m.limit, text);
      }
    }
  });

  test('a page past the end shows the last page', () => {
    const r = renderUssd(menu(packs), 'zh-CN', 99);
    assert.equal(r.page, r.pages - 1);
  });
});
