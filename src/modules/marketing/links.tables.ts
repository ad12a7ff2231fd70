// One-click links' tables: the signing key every node shares, and each link's short code.
import type { Timestamp } from '../../platform/db/database.ts';

export interface OfferLinkKeyTable {
  id: number;
  key: string;
}

export interface OfferLinkTable {
  /** The short code in the link: an id and its signature. */
  code: string;
  offerId: number;
  subscriberId: number;
  /** Where it was sent: `broadcast:3`, `sms`, `call-list:2`. */
  purpose: string;
  createdAt: Timestamp;
  expiresAt: Timestamp;
  /** When it signed its subscriber in (once only). */
  usedAt: Timestamp | null;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    offerLinkKey: OfferLinkKeyTable;
    offerLink: OfferLinkTable;
  }
}
