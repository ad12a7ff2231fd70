// Identity's tables: subscribers' one-time sign-in codes and the settings it keeps (the token key).
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

declare module '../../platform/db/database.ts' {
  interface Database {
    otpChallenge: OtpChallengeTable;
    setting: SettingTable;
  }
}
