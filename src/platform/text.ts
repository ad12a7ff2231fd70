// Text PostgreSQL cannot store: a NUL character, or half of a UTF-16 surrogate pair. Every
// channel refuses such text at its edge (src/channels/edge.ts), before anything runs.

const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when `text` holds a NUL or an unpaired surrogate. */
export function hasUnstorableText(text: string): boolean {
  return UNSTORABLE.test(text);
}

/**
 * Where in a parsed value (a JSON or form body, a query, params) such text is, keys included, as
 * paths like `productOrderItem.0.id`; empty when there is none. Looks at most `limit` places deep.
 */
export function unstorablePaths(value: unknown, prefix = '', depth = 0): string[] {
  if (typeof value === 'string') return hasUnstorableText(value) ? [prefix || '(value)'] : [];
  if (value === null || typeof value !== 'object' || depth > 64) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (hasUnstorableText(k)) out.push(path);
    else out.push(...unstorablePaths(v, path, depth + 1));
    if (out.length >= 10) break;
  }
  return out;
}
