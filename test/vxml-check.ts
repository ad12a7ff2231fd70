// Checks a VoiceXML document the way an IVR platform would first see it: well-formed XML, a
// VoiceXML 2.1 root, and every `next` (goto, submit, choice) pointing back at omnihall.
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

type Node = Record<string, unknown>;

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', preserveOrder: true, trimValues: false });

export interface ParsedVxml {
  /** Every element, depth first, as [name, attributes, text content]. */
  elements: { name: string; attrs: Record<string, string>; text: string }[];
}

function walk(nodes: Node[], out: ParsedVxml['elements']): string {
  let text = '';
  for (const n of nodes) {
    for (const [key, value] of Object.entries(n)) {
      if (key === ':@') continue;
      if (key === '#text') {
        text += String(value);
        continue;
      }
      const attrs = Object.fromEntries(Object.entries((n[':@'] ?? {}) as Record<string, unknown>).map(([k, v]) => [k.slice(1), String(v)]));
      const entry = { name: key, attrs, text: '' };
      out.push(entry);
      entry.text = walk(value as Node[], out);
      text += entry.text;
    }
  }
  return text;
}

/** Parses and checks one document; returns its elements for further assertions. */
export function checkVxml(body: string, base = '/channels/ivr/vxml', lang?: 'zh-CN' | 'en-US'): ParsedVxml {
  const valid = XMLValidator.validate(body);
  assert.equal(valid, true, `well-formed XML: ${JSON.stringify(valid)}\n${body}`);
  const elements: ParsedVxml['elements'] = [];
  walk(parser.parse(body) as Node[], elements);
  const root = elements.find((e) => e.name !== '?xml');
  assert.ok(root);
  assert.equal(root.name, 'vxml');
  assert.equal(root.attrs.xmlns, 'http://www.w3.org/2001/vxml');
  assert.equal(root.attrs.version, '2.1');
  if (lang) assert.equal(root.attrs['xml:lang'], lang);
  else assert.ok(['zh-CN', 'en-US'].includes(root.attrs['xml:lang'] ?? ''), `xml:lang ${root.attrs['xml:lang']}`);
  for (const e of elements) {
    if (e.name === 'prompt' && e.attrs['xml:lang'] !== undefined) assert.ok(['zh-CN', 'en-US'].includes(e.attrs['xml:lang']), 'a prompt in a language of ours');
  }
  for (const e of elements) {
    const next = e.attrs.next;
    if (next !== undefined) assert.ok(next.startsWith('#') || next.startsWith(base), `<${e.name} next="${next}"> goes back to omnihall`);
    if (e.name === 'submit') assert.ok(next?.startsWith(base), 'a submit goes to omnihall');
    if (e.name === 'transfer') assert.match(e.attrs.dest ?? '', /^tel:\+?\d+$/);
  }
  return { elements };
}

/** Everything the document says, in order. */
export function prompts(doc: ParsedVxml): string {
  return doc.elements.filter((e) => e.name === 'prompt').map((e) => e.text).join(' | ');
}

/** The first prompt of the main field: what the caller hears on arrival. */
export function mainPrompt(doc: ParsedVxml): string {
  return doc.elements.find((e) => e.name === 'prompt')?.text ?? '';
}

/** The value of a document-level `<var>` (`call`, `h`, `caller`). */
export function docVar(doc: ParsedVxml, name: string): string {
  const v = doc.elements.find((e) => e.name === 'var' && e.attrs.name === name);
  assert.ok(v, `var ${name}`);
  return (v.attrs.expr ?? '').replace(/^'|'$/g, '');
}
