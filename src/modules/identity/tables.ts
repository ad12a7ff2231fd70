// Identity's tables: subscribers' one-time sign-in codes, the settings it keeps (the token key),
// ended sessions and the sign-in limits' counters.
import type { Generated } from 'kysely';
import type { Timestamp } from '../../platform/db/database.ts';

export interface OtpChallengeTable {
  id: Generated<number>;
  msisdn: string;
  codeHash: string;
  attempts: number;
  createdAt: Timestamp;
  expiresAt: Timestamp;
  consumedAt: Timestamp | null;
}

export interface SettingTable {
  key: string;
  value: string;
}

/** A principal's generation: tokens issued at a lower one are ended. */
export interface AuthGenerationTable {
  kind: 's' | 'u';
  principalId: number;
  generation: number;
  /** Set by the database (clock_timestamp()) when written. */
  changedAt: Timestamp;
}

/** A signed-out session, kept until its token would have expired anyway. */
export interface AuthSessionRevocationTable {
  sessionId: string;
  expiresAt: Timestamp;
  /** Set by the database (clock_timestamp()) when written. */
  revokedAt: Timestamp;
}

/** One sign-in limit's counter for one subject (a source address, a number), when there is no Redis. */
export interface AuthRateLimitTable {
  name: string;
  subject: string;
  windowStart: Timestamp;
  hits: number;
  strikes: number;
  lastStrikeAt: Timestamp | null;
  blockedUntil: Timestamp | null;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    otpChallenge: OtpChallengeTable;
    setting: SettingTable;
    authGeneration: AuthGenerationTable;
    authSessionRevocation: AuthSessionRevocationTable;
    authRateLimit: AuthRateLimitTable;
  }
}
