// Kannel's HTTP interface: MT texts out through its sendsms URL (one request per part, with the
// concatenation UDH, so parts are split exactly as over SMPP), and what its sms-service get-url
// sends and expects back (the MO text's octets, the reply's coding).
import { decodeUcs2, encodingFor, splitMessage } from './gsm-encoding.ts';
import type { MtSender } from './mt-sender.ts';

export class KannelSendError extends Error {
  constructor(readonly status: number | null, message: string) {
    super(message);
    this.name = 'KannelSendError';
  }
}

export class KannelSender implements MtSender {
  private reference = 0;

  /**
   * @param sendsmsUrl e.g. `http://kannel:13013/cgi-bin/sendsms?username=omnihall&password=secret`;
   *   `to`, `from`, `text`, `charset`, `coding` and `udh` are added to it.
   */
  constructor(private readonly sendsmsUrl: string, private readonly from: string, private readonly timeoutMs = 10_000) {}

  async send(to: string, text: string): Promise<void> {
    this.reference = (this.reference + 1) & 0xff;
    const m = splitMessage(text, this.reference);
    for (const part of m.parts) {
      const url = new URL(this.sendsmsUrl);
      url.searchParams.set('to', to);
      url.searchParams.set('from', this.from);
      url.searchParams.set('text', part.text);
      url.searchParams.set('charset', 'UTF-8');
      // Kannel's coding: 0 = 7-bit (GSM), 2 = UCS-2; it converts the UTF-8 text to that.
      url.searchParams.set('coding', m.encoding === 'gsm7' ? '0' : '2');
      let href = url.toString();
      // The UDH is binary: percent-encode every octet ourselves (URLSearchParams would treat it as text).
      if (part.udh) href += `&udh=${[...part.udh].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('')}`;
      let res: Response;
      try {
        res = await fetch(href, { signal: AbortSignal.timeout(this.timeoutMs) });
      } catch (e) {
        throw new KannelSendError(null, `Kannel sendsms unreachable: ${(e as Error).message}`);
      }
      const body = await res.text();
      // Kannel answers 202 "0: Accepted for delivery" (or 200 with 0: queued); 4xx/5xx say why.
      if (!res.ok) throw new KannelSendError(res.status, `Kannel sendsms refused (${res.status}): ${body.trim().slice(0, 200)}`);
    }
  }
}

/**
 * The headers of a reply to Kannel's sms-service get-url. Kannel 1.4.5 sends a reply as 7-bit GSM
 * unless told otherwise, so Chinese would reach the handset as question marks: `X-Kannel-Coding`
 * says 2 (UCS-2) when some character is outside GSM 03.38 and 0 (GSM 7-bit) when none is, and the
 * Content-Type's charset is what Kannel converts from (without it, it takes the UTF-8 octets for
 * Latin-1). Kannel reads X-Kannel-* headers only when the sms-service has
 * `accept-x-kannel-headers = true`; it splits a long reply into concatenated parts with
 * `concatenation = true` and `max-messages` (README: the Kannel configuration).
 */
export function kannelReplyHeaders(text: string): { 'content-type': string; 'x-kannel-coding': '0' | '2' } {
  return { 'content-type': 'text/plain; charset=utf-8', 'x-kannel-coding': encodingFor(text) === 'gsm7' ? '0' : '2' };
}

/**
 * The text of a message as get-url's `text=%a` carries it. With `coding=2` Kannel puts the message's
 * UCS-2 octets there, URL-encoded as they are (smsbox's `mo-recode = true` turns them into UTF-8 and
 * says coding 0 instead), so they are read from the raw query string as UTF-16BE; a percent-decoded
 * query string would have taken them for UTF-8. Otherwise the parsed parameter is the text.
 *
 * @param rawUrl the request's URL as it arrived (path and query string)
 */
export function kannelMoText(rawUrl: string, coding: string | undefined, parsed: string | undefined): string {
  if (coding !== '2') return parsed ?? '';
  const query = rawUrl.slice(rawUrl.indexOf('?') + 1);
  const field = query.split('&').find((f) => f.startsWith('text='));
  if (field === undefined) return '';
  return decodeUcs2(urlOctets(field.slice('text='.length)));
}

/** A URL-encoded value's octets: `%XX` is the octet XX and `+` a space (0x20), as Kannel encodes. */
function urlOctets(value: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    const hex = c === '%' ? value.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/u.test(hex)) {
      out.push(parseInt(hex, 16));
      i += 2;
    } else if (c === '+') {
      out.push(0x20);
    } else {
      out.push(c.charCodeAt(0) & 0xff);
    }
  }
  return Buffer.from(out);
}
