// SMS text encoding: GSM 03.38 (7-bit default alphabet, one septet per octet as SMPP carries it)
// or UCS-2, and splitting long texts into concatenated parts with an 8-bit-reference UDH.
//
// Written here rather than taken from a library: `smpp`'s own gsmCoder silently turns characters
// it cannot encode into spaces and neither counts septets nor splits; `split-sms` splits but does
// not encode. A part must never exceed its limit, so counting, splitting and encoding live in one
// place and are tested together.

/** GSM 03.38 basic character set: the character at each septet value (0x1B is the escape). */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1BÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** GSM 03.38 extension table: character → septet that follows the escape (so it costs 2). */
const GSM_EXTENSION: ReadonlyArray<readonly [string, number]> = [
  ['\f', 0x0a], ['^', 0x14], ['{', 0x28], ['}', 0x29], ['\\', 0x2f],
  ['[', 0x3c], ['~', 0x3d], [']', 0x3e], ['|', 0x40], ['€', 0x65],
];

const ESC = 0x1b;
const basicEnc = new Map<string, number>();
const basicDec: string[] = [];
for (let i = 0; i < GSM_BASIC.length; i++) {
  const ch = GSM_BASIC[i]!;
  basicDec[i] = ch;
  if (i !== ESC) basicEnc.set(ch, i);
}
const extEnc = new Map<string, number>(GSM_EXTENSION);
const extDec = new Map<number, string>(GSM_EXTENSION.map(([c, v]) => [v, c]));

export type SmsEncoding = 'gsm7' | 'ucs2';

/** SMPP data_coding for each: 0x00 (SMSC default alphabet, GSM 03.38) and 0x08 (UCS-2). */
export const DATA_CODING: Record<SmsEncoding, number> = { gsm7: 0x00, ucs2: 0x08 };

/** Units per part: septets for GSM-7, UTF-16 code units for UCS-2. */
export const LIMITS = {
  gsm7: { single: 160, multi: 153 },
  ucs2: { single: 70, multi: 67 },
} as const;

/** The most parts one concatenated message may have (the UDH counts them in one octet). */
export const MAX_PARTS = 255;

/** Septets a character costs in GSM-7: 1 (basic), 2 (extension), or 0 when it cannot be sent. */
function gsmCost(ch: string): 0 | 1 | 2 {
  if (basicEnc.has(ch)) return 1;
  if (extEnc.has(ch)) return 2;
  return 0;
}

/** Septets the text needs in GSM-7, or -1 when some character is not in GSM 03.38. */
export function gsm7Length(text: string): number {
  let n = 0;
  for (const ch of text) {
    const c = gsmCost(ch);
    if (c === 0) return -1;
    n += c;
  }
  return n;
}

export function encodingFor(text: string): SmsEncoding {
  return gsm7Length(text) >= 0 ? 'gsm7' : 'ucs2';
}

/** GSM-7 septets, one per octet (SMPP's unpacked form). Throws on a character outside GSM 03.38. */
export function encodeGsm7(text: string): Buffer {
  const out: number[] = [];
  for (const ch of text) {
    const b = basicEnc.get(ch);
    if (b !== undefined) {
      out.push(b);
      continue;
    }
    const e = extEnc.get(ch);
    if (e === undefined) throw new RangeError(`not in GSM 03.38: U+${ch.codePointAt(0)!.toString(16).toUpperCase()}`);
    out.push(ESC, e);
  }
  return Buffer.from(out);
}

/** Unpacked GSM-7 septets to text; an unknown escape decodes as its basic character (03.38 §6.2.1.1). */
export function decodeGsm7(buf: Uint8Array): string {
  let s = '';
  for (let i = 0; i < buf.length; i++) {
    const v = buf[i]! & 0x7f;
    if (v === ESC && i + 1 < buf.length) {
      const next = buf[++i]! & 0x7f;
      s += extDec.get(next) ?? basicDec[next] ?? '';
    } else if (v !== ESC) {
      s += basicDec[v] ?? '';
    }
  }
  return s;
}

/** UCS-2 big-endian (UTF-16BE: a character outside the BMP goes as its surrogate pair). */
export function encodeUcs2(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

export function decodeUcs2(buf: Uint8Array): string {
  const even = Buffer.from(buf.subarray(0, buf.length - (buf.length % 2)));
  return even.swap16().toString('utf16le');
}

export interface SmsPart {
  text: string;
  /** Septets (GSM-7) or code units (UCS-2) of the text, without the UDH. */
  units: number;
  /** The concatenation header, or null for a single-part message. */
  udh: Buffer | null;
  /** What goes in submit_sm's short_message: UDH (when any) then the encoded text. */
  shortMessage: Buffer;
}

export interface SplitMessage {
  encoding: SmsEncoding;
  dataCoding: number;
  parts: SmsPart[];
}

/** The 6-octet UDH for part `seq` (1-based) of `total`: IE 0x00, concatenation with an 8-bit reference. */
export function concatUdh(reference: number, total: number, seq: number): Buffer {
  return Buffer.from([0x05, 0x00, 0x03, reference & 0xff, total, seq]);
}

/** Splits text into chunks of at most `limit` units, never inside an escape sequence or surrogate pair. */
function chunk(text: string, encoding: SmsEncoding, limit: number): { text: string; units: number }[] {
  const out: { text: string; units: number }[] = [];
  let cur = '';
  let units = 0;
  // Iterating by code point keeps a surrogate pair together; a GSM extension character is one
  // code point costing two septets, so the escape and its septet stay in one part too.
  for (const ch of text) {
    const cost = encoding === 'gsm7' ? gsmCost(ch) : ch.length;
    if (units + cost > limit) {
      out.push({ text: cur, units });
      cur = '';
      units = 0;
    }
    cur += ch;
    units += cost;
  }
  if (cur || out.length === 0) out.push({ text: cur, units });
  return out;
}

/**
 * Encodes a text for SMS: GSM-7 when every character is in GSM 03.38, UCS-2 otherwise; one part
 * when it fits, else concatenated parts that share `reference` (0-255, one per message).
 *
 * @example splitMessage('您的余额为50.00元', 7).parts.length // 1
 */
export function splitMessage(text: string, reference: number): SplitMessage {
  const encoding = encodingFor(text);
  const limits = LIMITS[encoding];
  const total = encoding === 'gsm7' ? gsm7Length(text) : text.length;
  const encode = encoding === 'gsm7' ? encodeGsm7 : encodeUcs2;
  if (total <= limits.single) {
    return { encoding, dataCoding: DATA_CODING[encoding], parts: [{ text, units: total, udh: null, shortMessage: encode(text) }] };
  }
  const chunks = chunk(text, encoding, limits.multi);
  if (chunks.length > MAX_PARTS) throw new RangeError(`message needs ${chunks.length} parts; at most ${MAX_PARTS}`);
  const parts = chunks.map((c, i) => {
    const udh = concatUdh(reference, chunks.length, i + 1);
    return { text: c.text, units: c.units, udh, shortMessage: Buffer.concat([udh, encode(c.text)]) };
  });
  return { encoding, dataCoding: DATA_CODING[encoding], parts };
}

/** How many parts `splitMessage` would make, without encoding anything. */
export function partsNeeded(text: string): number {
  const encoding = encodingFor(text);
  const total = encoding === 'gsm7' ? gsm7Length(text) : text.length;
  return total <= LIMITS[encoding].single ? 1 : chunk(text, encoding, LIMITS[encoding].multi).length;
}

/** A concatenation header found in a received UDH: which message and which part. */
export interface ConcatInfo {
  reference: number;
  total: number;
  seq: number;
}

/**
 * Reads the concatenation IE (0x00 8-bit or 0x08 16-bit reference) from a UDH, if there is one.
 * `withLength`: the UDH starts with its length octet (UDHL), as on the air; false for bare IEs.
 */
export function readConcat(udh: Uint8Array, withLength = true): ConcatInfo | null {
  let i = withLength ? 1 : 0;
  while (i + 1 < udh.length) {
    const iei = udh[i]!;
    const len = udh[i + 1]!;
    const v = udh.subarray(i + 2, i + 2 + len);
    if (iei === 0x00 && len === 3) return { reference: v[0]!, total: v[1]!, seq: v[2]! };
    if (iei === 0x08 && len === 4) return { reference: (v[0]! << 8) | v[1]!, total: v[2]!, seq: v[3]! };
    i += 2 + len;
  }
  return null;
}
