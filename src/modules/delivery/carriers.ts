// The carriers behind a small port: a carrier has a code, names, the shared secret its webhook
// signs events with, and maybe a way to make tracking numbers (the built-in demo carrier does; a
// carrier whose waybills staff enter by hand has none). An operator plugs its own with
// `Delivery.addCarrier`, or names carriers and their secrets in DELIVERY_CARRIER_SECRETS.
import { createHmac } from 'node:crypto';
import { l10n, type L10n } from '../../platform/i18n.ts';
import type { Random } from '../../platform/ports.ts';
import { sameSecret } from '../../platform/secrets.ts';
import type { Shipment } from './tables.ts';

export interface Carrier {
  code: string;
  names: L10n;
  /** The shared secret its events are signed with (HMAC-SHA256 of the raw body). */
  secret: string;
  /** A waybill for a shipment (the carrier's order API); absent: staff enter the number. */
  trackingNumber?(s: Shipment): Promise<string>;
}

/** The hex HMAC-SHA256 of a webhook's raw body under the carrier's secret: the X-Carrier-Signature header. */
export function signEvent(secret: string, rawBody: string): string {
  return createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex');
}

/** Whether a webhook's signature is the body's, compared in constant time. */
export function verifyEvent(carrier: Carrier, rawBody: string, signature: string | undefined): boolean {
  return sameSecret(signature?.trim().toLowerCase(), signEvent(carrier.secret, rawBody));
}

/** The built-in demo carrier (演示快递): tracking numbers DM + 12 digits, events from its webhook. */
export function demoCarrier(secret: string, random: Random): Carrier {
  return {
    code: 'demo',
    names: l10n('演示快递', 'Demo Express'),
    secret,
    async trackingNumber() {
      return `DM${String(random.int(0, 1_000_000)).padStart(6, '0')}${String(random.int(0, 1_000_000)).padStart(6, '0')}`;
    },
  };
}

/** A carrier named in the configuration: its events are signed with its secret, staff enter its waybills. */
export function configuredCarrier(code: string, secret: string): Carrier {
  return { code, names: l10n(code, code), secret };
}
