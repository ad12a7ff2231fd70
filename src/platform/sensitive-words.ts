// The sensitive-word check every broadcast passes before approval (and every TMF681 marketing
// message before it is sent), and every mall review before it is published: an Aho-Corasick
// automaton over the list in sensitive-words.list.ts, run once over the text however many words
// there are. The text is folded first, full-width to half-width (NFKC), upper to lower case, and
// spaces, zero-width characters and the symbols people put between characters to slip past a
// filter (赌 博, 赌*博, 代-开-发-票) are skipped; each word found is reported with its place in the
// text as written.
import { SENSITIVE_WORDS, type SensitiveCategory } from './sensitive-words.list.ts';

export interface SensitiveHit {
  /** The listed word that matched. */
  word: string;
  category: SensitiveCategory;
  /** Where it is in the text as written: UTF-16 offsets, end exclusive (what `slice` takes). */
  start: number;
  end: number;
  /** The text as written at that place (with whatever was put between its characters). */
  found: string;
}

// Skipped between characters: white space of every kind, zero-width characters, and separators.
const SKIPPED = /[\s\u200b-\u200d\u2060\ufeff*\-_.·•|/\\~^'"`,，、。·]/u;

/** One character of the text as the matcher reads it: lower case, half-width; null when skipped. */
function fold(ch: string): string | null {
  const n = ch.normalize('NFKC').toLowerCase();
  if (n.length === 0 || SKIPPED.test(n)) return null;
  return n;
}

interface Node {
  next: Map<string, Node>;
  fail: Node | null;
  /** Words ending here (this node's and, through fail links, its suffixes'). */
  out: { word: string; category: SensitiveCategory; length: number }[];
}

const node = (): Node => ({ next: new Map(), fail: null, out: [] });

export class SensitiveWordMatcher {
  private readonly root = node();

  constructor(words: Readonly<Record<SensitiveCategory, readonly string[]>> = SENSITIVE_WORDS) {
    for (const [category, list] of Object.entries(words) as [SensitiveCategory, readonly string[]][]) {
      for (const word of list) this.add(word, category);
    }
    this.link();
  }

  private add(word: string, category: SensitiveCategory): void {
    const chars = [...word].map(fold).filter((c): c is string => c !== null).flatMap((c) => [...c]);
    if (chars.length === 0) return;
    let n = this.root;
    for (const c of chars) {
      let child = n.next.get(c);
      if (!child) n.next.set(c, (child = node()));
      n = child;
    }
    n.out.push({ word, category, length: chars.length });
  }

  /** Breadth-first: each node's fail link is the longest proper suffix that is also in the trie. */
  private link(): void {
    const queue: Node[] = [];
    for (const child of this.root.next.values()) {
      child.fail = this.root;
      queue.push(child);
    }
    while (queue.length) {
      const n = queue.shift()!;
      for (const [c, child] of n.next) {
        let f = n.fail;
        while (f && !f.next.has(c)) f = f.fail;
        child.fail = f?.next.get(c) ?? this.root;
        child.out = [...child.out, ...child.fail.out];
        queue.push(child);
      }
    }
  }

  /** Every listed word in the text, in order of where it ends; overlapping words are each reported. */
  find(text: string): SensitiveHit[] {
    // The folded characters with the offset in `text` each came from.
    const folded: { c: string; at: number; end: number }[] = [];
    let offset = 0;
    for (const ch of text) {
      const f = fold(ch);
      if (f !== null) for (const c of f) folded.push({ c, at: offset, end: offset + ch.length });
      offset += ch.length;
    }
    const hits: SensitiveHit[] = [];
    let n = this.root;
    for (let i = 0; i < folded.length; i++) {
      const c = folded[i]!.c;
      while (n !== this.root && !n.next.has(c)) n = n.fail!;
      n = n.next.get(c) ?? this.root;
      for (const o of n.out) {
        const start = folded[i - o.length + 1]!.at;
        const end = folded[i]!.end;
        hits.push({ word: o.word, category: o.category, start, end, found: text.slice(start, end) });
      }
    }
    return hits;
  }
}

let shared: SensitiveWordMatcher | undefined;

/** The listed words in a text (one matcher for the process, built on first use). */
export function findSensitiveWords(text: string): SensitiveHit[] {
  shared ??= new SensitiveWordMatcher();
  return shared.find(text);
}
