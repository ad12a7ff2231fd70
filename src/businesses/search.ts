// What the hall's one search box matches a business by: its names, the phrasings people use
// (查话费, 办流量, 'top up') and the pinyin initials of its Chinese name (cz → 充值缴费).
import { pinyin } from 'pinyin-pro';
import type { Business } from './registry.ts';

/** `话费余额查询` → `hfyecx`; letters and digits already in the name are kept, lower-cased. */
export function pinyinInitials(zh: string): string {
  return pinyin(zh, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'consecutive' })
    .join('').toLowerCase().replace(/[^a-z0-9]/g, '');
}

export interface SearchTerms {
  keywords: string[];
  pinyinInitials: string;
}

const cache = new WeakMap<Business, SearchTerms>();

export function searchTerms(b: Business): SearchTerms {
  let t = cache.get(b);
  if (!t) {
    t = { keywords: [...(b.keywords ?? [])], pinyinInitials: pinyinInitials(b.names['zh-CN']) };
    cache.set(b, t);
  }
  return t;
}
