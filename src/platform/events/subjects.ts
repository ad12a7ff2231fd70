// The events omnihall publishes and what each carries. Subjects are dotted; NATS puts the
// deployment's prefix before them.

export const EVENT_SUBJECTS = {
  /** A business was called on a channel (the interaction log, after its row is written). */
  businessCalled: 'interaction.called',
  /** A subscriber's use of an allowance crossed a share of it this cycle (data ≥ 90%). */
  usageThreshold: 'usage.threshold',
  /** A prepaid balance fell below the low mark. */
  balanceLow: 'balance.low',
  /** A bill was issued. */
  billIssued: 'bill.issued',
} as const;

export interface BusinessCalledEvent {
  interactionId: number;
  at: string;
  channel: string;
  subscriberId: number;
  businessId: string;
  outcome: 'ok' | 'error' | 'confirmation_required';
  errorCode: string | null;
  /** The offering the call was about (a pack asked about, ordered or cancelled), when there was one. */
  offeringId: string | null;
}

export interface UsageThresholdEvent {
  subscriberId: number;
  /** Which allowance. */
  allowance: 'data' | 'voice';
  /** The share it crossed, e.g. 0.9. */
  threshold: number;
  /** What is used now over what the plan and packs give. */
  usedRatio: number;
  cycle: string;
  at: string;
}

export interface BalanceLowEvent {
  subscriberId: number;
  balanceFen: number;
  thresholdFen: number;
  at: string;
}

export interface BillIssuedEvent {
  subscriberId: number;
  month: string;
  amountFen: number;
  at: string;
}
