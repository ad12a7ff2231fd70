// Idempotency records: a transaction's answer, written once with its key in the same database
// transaction as the work, and looked up before any work when a request repeats a key.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import { FixedQuery } from '../../platform/db/fixed-query.ts';

// Compiled once (platform/db/fixed-query.ts): every transaction writes one, every retry reads one.
const recordAnswer = new FixedQuery((q: Db, principal: string, key: string, businessId: string, requestHash: string, response: string, createdAt: Date) => q
  .insertInto('idempotencyRecord')
  .values({ principal, key, businessId, requestHash, response, createdAt })
  .onConflict((oc) => oc.columns(['principal', 'key']).doNothing())
  .returning('key'));
// The recorded answers of many keys at once: requests arriving together look theirs up together.
const recordedAnswers = new FixedQuery((q: Db, principals: string[], keys: string[]) => q
  .selectFrom('idempotencyRecord').select(['principal', 'key', 'requestHash', 'response'])
  .where(sql<boolean>`(principal, key) in (select * from unnest(${principals}::text[], ${keys}::text[]))`));

export const IdempotencyRecords = {
  /** Records the answer under its key; false when the key was taken (by a duplicate that got there first). */
  async record(q: Db, principal: string, key: string, businessId: string, requestHash: string, response: string, at: Date): Promise<boolean> {
    return (await recordAnswer.first(q, principal, key, businessId, requestHash, response, at)) !== undefined;
  },

  answers(q: Db, principals: string[], keys: string[]) {
    return recordedAnswers.execute(q, principals, keys);
  },
};
