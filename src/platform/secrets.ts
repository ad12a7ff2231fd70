// Shared secrets that gateways carry in the URLs they call (Kannel, the USSD gateway, the voice
// platform): compared in constant time.
import { timingSafeEqual } from 'node:crypto';

export function sameSecret(given: string | undefined, want: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(want);
  return a.length === b.length && timingSafeEqual(a, b);
}
