// Kannel's HTTP interface: MT texts out through its sendsms URL (one request per part, with the
// concatenation UDH, so parts are split exactly as over SMPP).
import { splitMessage } from './gsm-encoding.ts';
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
