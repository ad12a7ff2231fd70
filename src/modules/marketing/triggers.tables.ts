// The event triggers' tables: the rules, each time one fired, and the events processed.
import type { Generated, Selectable } from 'kysely';
import type { Json, Timestamp } from '../../platform/db/database.ts';

export type TriggerStatus = 'draft' | 'pending' | 'active' | 'paused' | 'ended' | 'rejected';
/**
 * sent/held/suppressed: an SMS trigger's text and what the contact policy said; placed: a USSD,
 * hall, IVR or kiosk trigger's offer waiting first in 我的优惠 until `placedUntil`; shown: that
 * placement seen; expired: past the window before it went out (rule WINDOW) or was seen (NOT_SHOWN).
 */
export type TriggerFireOutcome = 'sent' | 'held' | 'suppressed' | 'expired' | 'unavailable' | 'not_eligible' | 'placed' | 'shown';
/** sms: a text now (under the contact policy); ussd, hall (web and mobile), ivr, kiosk: first in 我的优惠 at the next visit. */
export type TriggerChannel = 'sms' | 'ussd' | 'hall' | 'ivr' | 'kiosk';

export interface MarketingTriggerTable {
  id: Generated<number>;
  nameZh: string;
  nameEn: string;
  /** The event subject it acts on (src/platform/events/subjects.ts). */
  event: string;
  /** Which of those events (a TriggerCondition, checked before it is saved). */
  condition: Json<unknown>;
  /** The offer it makes. */
  offerId: number;
  channel: TriggerChannel;
  /** The offer goes out within this long of the event, or not at all. */
  windowMinutes: number;
  /** At most once per subscriber. */
  once: boolean;
  status: TriggerStatus;
  createdBy: number;
  submittedBy: number | null;
  reviewedBy: number | null;
  reviewReason: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

/** One trigger meeting one event for one subscriber, and what came of it. */
export interface MarketingTriggerFireTable {
  id: Generated<number>;
  triggerId: number;
  subscriberId: number;
  /** Where its text goes and in which language, as they were when it fired (a held text is sent to them). */
  msisdn: string;
  language: 'zh-CN' | 'en';
  eventId: string;
  outcome: TriggerFireOutcome;
  /** The contact policy's rule that held or stopped it, or the gate's reason. */
  rule: string | null;
  contactId: number | null;
  once: boolean;
  at: Timestamp;
  sentAt: Timestamp | null;
  /** A placement's end: the event's time plus the trigger's window. */
  placedUntil: Timestamp | null;
}

export interface MarketingEventProcessedTable {
  consumer: string;
  eventId: string;
  at: Timestamp;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    marketingTrigger: MarketingTriggerTable;
    marketingTriggerFire: MarketingTriggerFireTable;
    marketingEventProcessed: MarketingEventProcessedTable;
  }
}

export type TriggerRow = Selectable<MarketingTriggerTable>;
