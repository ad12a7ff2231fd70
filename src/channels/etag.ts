// Optimistic concurrency on HTTP: a resource's ETag is its revision, and a change names the one
// it read in If-Match, so a second concurrent edit gets 409 instead of overwriting the first.
import { AppError } from '../platform/errors.ts';
import { l10n } from '../platform/i18n.ts';

/** `If-Match: "7"` (or `7`, `W/"7"`) → 7; absent or `*` → null (no check); anything else is a bad request. */
export function ifMatch(header: string | undefined): number | null {
  if (header === undefined || header.trim() === '*') return null;
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!m) throw new AppError('INVALID_INPUT', { detail: l10n('If-Match 应为 ETag（资源的版本号）', 'If-Match must be the resource’s ETag (its revision)') });
  return Number(m[1]);
}

/** The ETag of a revision. */
export function etag(revision: number): string {
  return `"${revision}"`;
}
