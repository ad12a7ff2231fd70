// Input schemas every channel's routes share.
import { z } from 'zod';
import { hasUnstorableText } from '../platform/text.ts';

/** Text PostgreSQL can store: no NUL and no lone surrogates, refused at the door rather than by the database. */
export function safeText(max: number) {
  return z.string().max(max).refine((v) => !hasUnstorableText(v), 'contains characters that cannot be stored');
}
