// Text for the IVR's text-to-speech: money read as 元/角/分 the way a Chinese prompt says it.

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

/**
 * A business text as a prompt: every `123.45元` the businesses write becomes `123元4角5分` (a TTS
 * engine would say "point four five"); data amounts stay in MB/GB, which callers know.
 */
export function spoken(text: string): string {
  return text
    .replace(/(-?)(\d+)\.(\d{2})元/g, (_m, sign: string, y: string, c: string) => spokenMoney((sign ? -1 : 1) * (Number(y) * 100 + Number(c))))
    .replace(/\s+/g, ' ')
    .trim();
}
