// Text for the IVR's text-to-speech: money read the way a prompt says it in each language.
import type { Lang } from '../../platform/i18n.ts';

/** 12345 fen → `123元4角5分`; 12305 → `123元零5分`; 12300 → `123元`; 50 → `5角`. */
export function spokenMoney(fen: number): string {
  const sign = fen < 0 ? '负' : '';
  const abs = Math.abs(Math.trunc(fen));
  const yuan = Math.trunc(abs / 100);
  const jiao = Math.trunc((abs % 100) / 10);
  const cents = abs % 10;
  if (jiao === 0 && cents === 0) return `${sign}${yuan}元`;
  let s = yuan > 0 ? `${yuan}元` : '';
  if (jiao > 0) s += `${jiao}角`;
  else if (yuan > 0) s += '零';
  if (cents > 0) s += `${cents}分`;
  return sign + s;
}

/** 12345 fen → `123 yuan 45 fen`; 12300 → `123 yuan`; 5 → `5 fen`; -500 → `minus 5 yuan`. */
export function spokenMoneyEn(fen: number): string {
  const sign = fen < 0 ? 'minus ' : '';
  const abs = Math.abs(Math.trunc(fen));
  const yuan = Math.trunc(abs / 100);
  const cents = abs % 100;
  if (cents === 0) return `${sign}${yuan} yuan`;
  return yuan > 0 ? `${sign}${yuan} yuan ${cents} fen` : `${sign}${cents} fen`;
}

/**
 * A business text as a prompt. Every `123.45元` the businesses write becomes `123元4角5分`, and
 * every `¥123.45` or `¥10` becomes `123 yuan 45 fen` or `10 yuan` (a TTS engine would otherwise
 * say "point four five", or read the sign as yen); a phone number is read digit by digit; data
 * amounts stay in MB/GB, which callers know.
 */
export function spoken(text: string, lang: Lang = 'zh-CN'): string {
  const out = lang === 'en'
    ? text.replace(/(-?)¥(-?)(\d+)(?:\.(\d{2}))?/g, (_m, s1: string, s2: string, y: string, c: string | undefined) =>
      spokenMoneyEn((s1 || s2 ? -1 : 1) * (Number(y) * 100 + Number(c ?? 0))))
    : text.replace(/(-?)(\d+)\.(\d{2})元/g, (_m, sign: string, y: string, c: string) => spokenMoney((sign ? -1 : 1) * (Number(y) * 100 + Number(c))));
  // A phone number is read digit by digit, not as "thirteen billion ..." (7 or more digits); a
  // slash is not spoken: 8元/月 is "8元每月", ¥8/month "8 yuan a month".
  // A masked number (139****0003) is said by its last four digits: 尾号0 0 0 3 / ending 0 0 0 3.
  const unmasked = out.replace(/\d{3}\*{4}(\d{4})/g, (_m, tail: string) => `${lang === 'en' ? 'ending ' : '尾号'}${tail.split('').join(' ')}`);
  // A list's group heading (【流量】 before its packs) is said as a heading, not as brackets.
  return unmasked.replace(/【([^】]+)】\s*/g, lang === 'en' ? '$1: ' : '$1：').replaceAll('/月', '每月').replaceAll('/month', ' a month').replace(/\d{7,}/g, (digits) => digits.split('').join(' ')).replace(/\s+/g, ' ').trim();
}
