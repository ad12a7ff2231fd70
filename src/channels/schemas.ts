// Input schemas every channel's routes share.
import { z } from 'zod';

/** Text PostgreSQL can store: no NUL and no lone surrogates, refused at the door rather than by the database. */
export function safeText(max: number) {
  return z.string().max(max).refine((v) => !/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(v), 'contains characters that cannot be stored');
}
