// Time and randomness come through these ports so tests can control them.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock a test can move. */
export class ManualClock implements Clock {
  constructor(private t: Date) {}
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t = new Date(this.t.getTime() + ms);
  }
  set(t: Date): void {
    this.t = new Date(t);
  }
}

export interface Random {
  uuid(): string;
  /** An integer in [min, max). */
  int(min: number, max: number): number;
  token(bytes: number): string;
}

export const cryptoRandom: Random = {
  uuid: () => randomUUID(),
  int: (min, max) => randomInt(min, max),
  token: (bytes) => randomBytes(bytes).toString('base64url'),
};
