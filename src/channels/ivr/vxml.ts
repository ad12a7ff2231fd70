// VoiceXML 2.1 documents for the IVR, built as an element tree so every document is well-formed
// and every text and URL is escaped: one DTMF field per screen, with re-prompts and a transfer.
import type { Screen } from '../menu.ts';
import { spoken } from './speech.ts';

export const VXML_NS = 'http://www.w3.org/2001/vxml';
/** DTMF keys 1–8 choose; 9 turns the page, `*` goes back, 0 is a human agent. */
export const IVR_PAGE_SIZE = 8;

interface XmlElement {
  name: string;
  attrs: Record<string, string | undefined>;
  children: XmlNode[];
}
type XmlNode = XmlElement | string;

function el(name: string, attrs: Record<string, string | undefined> = {}, ...children: XmlNode[]): XmlElement {
  return { name, attrs, children };
}

// Characters XML 1.0 forbids (controls, lone surrogates, U+FFFE/U+FFFF) are dropped, not escaped.
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text or a double-quoted attribute value, escaped. */
export function escapeXml(text: string): string {
  return text.replace(NOT_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function serialize(node: XmlNode): string {
  if (typeof node === 'string') return escapeXml(node);
  const attrs = Object.entries(node.attrs)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
  if (node.children.length === 0) return `<${node.name}${attrs}/>`;
  return `<${node.name}${attrs}>${node.children.map(serialize).join('')}</${node.name}>`;
}

function document(...children: XmlNode[]): string {
  const root = el('vxml', { xmlns: VXML_NS, version: '2.1', 'xml:lang': 'zh-CN' },
    el('property', { name: 'inputmodes', value: 'dtmf' }),
    el('property', { name: 'timeout', value: '6s' }),
    el('property', { name: 'interdigittimeout', value: '4s' }),
    ...children);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${serialize(root)}\n`;
}

/** An ECMAScript string literal for a `<var expr>`. */
function jsString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Where the documents of one call send the caller next; all on omnihall. */
export interface CallLinks {
  /** The plugin's prefix, e.g. `/channels/ivr`. */
  base: string;
  call: string;
  hop: number;
  caller: string;
  transferNumber: string;
}

function stepUrl(l: CallLinks, params: Record<string, string>): string {
  const q = new URLSearchParams({ call: l.call, h: String(l.hop), caller: l.caller, ...params });
  return `${l.base}/vxml/step?${q.toString()}`;
}

function prompt(text: string): XmlElement {
  return el('prompt', {}, text);
}

/** The agent form every menu document carries: `0` anywhere reaches a person. */
function agentForm(l: CallLinks): XmlElement {
  return el('form', { id: 'agent' },
    el('catch', { event: 'error.connection error.unsupported.transfer' },
      prompt('抱歉，人工座席暂时无法接通，请稍后再拨。'),
      el('goto', { next: stepUrl(l, { go: 'home' }) })),
    el('transfer', { name: 'xfer', dest: `tel:${l.transferNumber}`, type: 'blind' },
      prompt('正在为您转接人工服务，请稍候。')));
}

/** What each key does on a screen: the same mapping the server applies when the digits arrive. */
export interface KeyMap {
  /** Keys 1–8 for the items on this page, in order, with the menu item each chooses. */
  items: { digit: string; key: string; label: string }[];
  more: boolean;
  back: boolean;
}

export function ivrKeys(screen: Screen, page: number): KeyMap {
  const onPage = screen.kind === 'input' || screen.kind === 'result'
    ? screen.items
    : screen.items.slice(page * IVR_PAGE_SIZE, (page + 1) * IVR_PAGE_SIZE);
  return {
    items: onPage.map((it, i) => ({ digit: String(i + 1), key: it.key, label: it.label['zh-CN'] })),
    more: screen.kind !== 'input' && screen.kind !== 'result' && (page + 1) * IVR_PAGE_SIZE < screen.items.length,
    back: !(screen.kind === 'home' && page === 0),
  };
}

export function ivrPages(screen: Screen): number {
  return screen.kind === 'input' || screen.kind === 'result' ? 1 : Math.max(1, Math.ceil(screen.items.length / IVR_PAGE_SIZE));
}

function grammar(root: XmlElement): XmlElement {
  return el('grammar', { mode: 'dtmf', version: '1.0', root: 'keys', type: 'application/srgs+xml' }, root);
}

function keysGrammar(keys: string[]): XmlElement {
  return grammar(el('rule', { id: 'keys', scope: 'public' }, el('one-of', {}, ...keys.map((k) => el('item', {}, k)))));
}

function digitsGrammar(maxDigits: number): XmlElement {
  const digit = el('one-of', {}, ...'0123456789'.split('').map((k) => el('item', {}, k)));
  return grammar(el('rule', { id: 'keys', scope: 'public' },
    el('one-of', {},
      el('item', { repeat: `1-${Math.max(1, maxDigits)}` }, digit),
      el('item', {}, '*'))));
}

/** The spoken prompt and the keys the grammar accepts for one screen. */
function speech(screen: Screen, page: number, welcome: boolean): { say: string; keys: string[] | null } {
  const parts: string[] = [];
  if (welcome) parts.push('您好，欢迎致电自助服务热线。');
  if (screen.notice) parts.push(`${screen.notice['zh-CN']}。`);
  const k = ivrKeys(screen, page);
  const choose = k.items.map((it) => `${spoken(it.label)}，请按${it.digit}`);
  let keys: string[] | null;
  switch (screen.kind) {
    case 'input': {
      parts.push(`${spoken(screen.title['zh-CN'])}，输入完毕请按井号键。`);
      if (k.items.length) parts.push(`${k.items.map((it) => `${spoken(it.label)}请按${it.digit}再按井号键`).join('；')}。`);
      keys = null;
      break;
    }
    case 'result':
      parts.push(`${spoken(screen.long['zh-CN'])}`, '重听请按1，返回主菜单请按2。');
      keys = ['1', '2'];
      break;
    default:
      parts.push(`${spoken(screen.title['zh-CN'])}。`, `${choose.join('；')}。`);
      keys = k.items.map((it) => it.digit);
      if (k.more) {
        parts.push('更多选项请按9。');
        keys.push('9');
      }
  }
  if (k.back) {
    parts.push('返回上一级请按星号键。');
    keys?.push('*');
  }
  parts.push('人工服务请按0。');
  keys?.push('0');
  return { say: parts.join(''), keys };
}

/**
 * The document for one screen: one DTMF field whose answer is submitted back with the call id and
 * step number; `0` transfers in-document; no input or no match re-prompts once, then goes home
 * (on the home menu itself: a third silence says goodbye, a third wrong key reaches an agent).
 */
export function screenDocument(screen: Screen, page: number, links: CallLinks, opts: { welcome?: boolean } = {}): string {
  const { say, keys } = speech(screen, page, opts.welcome ?? false);
  const home = stepUrl(links, { go: 'home' });
  const atHome = screen.kind === 'home';
  const field = el('field', { name: 'd' },
    keys ? keysGrammar(keys) : digitsGrammar(screen.field?.maxDigits ?? 8),
    ...(keys ? [] : [el('property', { name: 'termchar', value: '#' })]),
    prompt(say),
    el('noinput', { count: '1' }, prompt('抱歉，没有收到您的按键。'), el('reprompt')),
    atHome ? el('noinput', { count: '2' }, el('reprompt')) : el('noinput', { count: '2' }, el('goto', { next: home })),
    ...(atHome ? [el('noinput', { count: '3' }, prompt('感谢您的来电，再见。'), el('disconnect'))] : []),
    el('nomatch', { count: '1' }, prompt('您的输入有误。'), el('reprompt')),
    atHome ? el('nomatch', { count: '2' }, prompt('您的输入有误。'), el('reprompt')) : el('nomatch', { count: '2' }, el('goto', { next: home })),
    ...(atHome ? [el('nomatch', { count: '3' }, el('goto', { next: '#agent' }))] : []),
    el('filled', {},
      el('if', { cond: "d == '0'" },
        el('goto', { next: '#agent' }),
        el('else'),
        el('submit', { next: `${links.base}/vxml/step`, method: 'get', namelist: 'call h caller d' }))));
  return document(
    el('var', { name: 'call', expr: jsString(links.call) }),
    el('var', { name: 'h', expr: jsString(String(links.hop)) }),
    el('var', { name: 'caller', expr: jsString(links.caller) }),
    el('form', { id: 'main' }, field),
    agentForm(links));
}

/** The transfer alone, for a `0` that reaches the server (a platform that submitted it). */
export function transferDocument(links: CallLinks): string {
  return document(el('form', { id: 'go' }, el('block', {}, el('goto', { next: '#agent' }))), agentForm(links));
}

/** Says one thing and hangs up: a refusal, or an apology when something broke. */
export function goodbyeDocument(text: string): string {
  return document(el('form', { id: 'bye' }, el('block', {}, prompt(spoken(text)), el('disconnect'))));
}
