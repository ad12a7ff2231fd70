// VoiceXML 2.1 documents for the IVR, built as an element tree so every document is well-formed
// and every text and URL is escaped: one DTMF field per screen, with re-prompts and a transfer,
// spoken in the caller's language (zh-CN first, English on `*` at the start of the main menu).
import { l10n, type L10n, type Lang } from '../../platform/i18n.ts';
import type { Screen } from '../menu.ts';
import { spoken } from './speech.ts';

/** What the IVR itself says, apart from the menu's and the businesses' texts. */
export const IVR_TEXT = {
  welcome: l10n('您好，欢迎致电自助服务热线。', 'Welcome to the self-service line.'),
  inputDone: l10n('输入完毕请按井号键。', 'Press the pound key when you are done.'),
  again: l10n('重听请按1，返回主菜单请按2。', 'To hear this again, press 1. For the main menu, press 2.'),
  more: l10n('更多选项请按9。', 'For more options, press 9.'),
  back: l10n('返回上一级请按星号键。', 'To go back, press star.'),
  agent: l10n('人工服务请按0。', 'To speak to an agent, press 0.'),
  /** Said in the other language, so a caller who does not understand this one can switch. */
  otherLanguage: l10n('For English, press star.', '中文服务请按星号键。'),
  noInput: l10n('抱歉，没有收到您的按键。', 'Sorry, we did not hear a key.'),
  noMatch: l10n('您的输入有误。', 'That key is not an option.'),
  goodbye: l10n('感谢您的来电，再见。', 'Thank you for calling. Goodbye.'),
  agentUnavailable: l10n('抱歉，人工座席暂时无法接通，请稍后再拨。', 'Sorry, no agent can take your call now. Please call again later.'),
  transferring: l10n('正在为您转接人工服务，请稍候。', 'Connecting you to an agent. Please hold.'),
} as const;

/** The `xml:lang` of a document or prompt in each language. */
export function xmlLang(lang: Lang): string {
  return lang === 'en' ? 'en-US' : 'zh-CN';
}

/** A sentence as it ends in each language. */
function sentence(text: string, lang: Lang): string {
  const t = text.trim();
  if (lang === 'en') return /[.!?]$/.test(t) ? t : `${t}.`;
  return /[。！？]$/.test(t) ? t : `${t}。`;
}

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

function document(lang: Lang, ...children: XmlNode[]): string {
  const root = el('vxml', { xmlns: VXML_NS, version: '2.1', 'xml:lang': xmlLang(lang) },
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
  lang: Lang;
  /** The platform's shared secret, carried on to every URL when one is configured. */
  token?: string;
}

function stepUrl(l: CallLinks, params: Record<string, string>): string {
  const q = new URLSearchParams({ call: l.call, h: String(l.hop), caller: l.caller, ...(l.token ? { token: l.token } : {}), ...params });
  return `${l.base}/vxml/step?${q.toString()}`;
}

/** A prompt; `lang` only when it is not the document's language. */
function prompt(text: string, lang?: Lang): XmlElement {
  return el('prompt', lang ? { 'xml:lang': xmlLang(lang) } : {}, text);
}

/** The agent form every menu document carries: `0` anywhere reaches a person. */
function agentForm(l: CallLinks): XmlElement {
  return el('form', { id: 'agent' },
    el('catch', { event: 'error.connection error.unsupported.transfer' },
      prompt(IVR_TEXT.agentUnavailable[l.lang]),
      el('goto', { next: stepUrl(l, { go: 'home' }) })),
    el('transfer', { name: 'xfer', dest: `tel:${l.transferNumber}`, type: 'blind' },
      prompt(IVR_TEXT.transferring[l.lang])));
}

/** What each key does on a screen: the same mapping the server applies when the digits arrive. */
export interface KeyMap {
  /** Keys 1–8 for the items on this page, in order, with the menu item each chooses. */
  items: { digit: string; key: string; label: L10n }[];
  more: boolean;
  back: boolean;
  /** `*` switches the language (the first page of the main menu, where there is no back). */
  language: boolean;
}

export function ivrKeys(screen: Screen, page: number): KeyMap {
  const onPage = screen.kind === 'input' || screen.kind === 'result'
    ? screen.items
    : screen.items.slice(page * IVR_PAGE_SIZE, (page + 1) * IVR_PAGE_SIZE);
  return {
    items: onPage.map((it, i) => ({ digit: String(i + 1), key: it.key, label: it.label })),
    more: screen.kind !== 'input' && screen.kind !== 'result' && (page + 1) * IVR_PAGE_SIZE < screen.items.length,
    back: !(screen.kind === 'home' && page === 0),
    language: screen.kind === 'home' && page === 0,
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

/** The spoken prompt, the keys the grammar accepts, and what is said in the other language. */
function speech(screen: Screen, page: number, welcome: boolean, lang: Lang): { say: string; keys: string[] | null; other: string | null } {
  const en = lang === 'en';
  const say = (text: string) => spoken(text, lang);
  const parts: string[] = [];
  if (welcome) parts.push(IVR_TEXT.welcome[lang]);
  if (screen.notice) parts.push(sentence(screen.notice[lang], lang));
  const k = ivrKeys(screen, page);
  let keys: string[] | null;
  switch (screen.kind) {
    case 'input': {
      parts.push(`${en ? sentence(say(screen.title.en), lang) : `${say(screen.title['zh-CN'])}，`}${IVR_TEXT.inputDone[lang]}`);
      if (k.items.length) {
        parts.push(en
          ? `${k.items.map((it, i) => `${i ? 'for' : 'For'} ${say(it.label.en)}, press ${it.digit} then pound`).join('; ')}.`
          : `${k.items.map((it) => `${say(it.label['zh-CN'])}请按${it.digit}再按井号键`).join('；')}。`);
      }
      keys = null;
      break;
    }
    case 'result':
      parts.push(sentence(say(screen.long[lang]), lang), IVR_TEXT.again[lang]);
      keys = ['1', '2'];
      break;
    default:
      parts.push(sentence(say(screen.title[lang]), lang), en
        ? `${k.items.map((it, i) => `${i ? 'for' : 'For'} ${say(it.label.en)}, press ${it.digit}`).join('; ')}.`
        : `${k.items.map((it) => `${say(it.label['zh-CN'])}，请按${it.digit}`).join('；')}。`);
      keys = k.items.map((it) => it.digit);
      if (k.more) {
        parts.push(IVR_TEXT.more[lang]);
        keys.push('9');
      }
  }
  if (k.back) {
    parts.push(IVR_TEXT.back[lang]);
    keys?.push('*');
  }
  parts.push(IVR_TEXT.agent[lang]);
  keys?.push('0');
  if (k.language) keys?.push('*');
  return { say: parts.join(en ? ' ' : ''), keys, other: k.language ? IVR_TEXT.otherLanguage[lang] : null };
}

/**
 * The document for one screen: one DTMF field whose answer is submitted back with the call id and
 * step number (`0` too: omnihall answers it with the transfer and counts it); no input or no match
 * re-prompts once, then goes home (on the home menu itself: a third silence says goodbye, a third
 * wrong key reaches an agent).
 */
export function screenDocument(screen: Screen, page: number, links: CallLinks, opts: { welcome?: boolean } = {}): string {
  const lang = links.lang;
  const other = lang === 'en' ? 'zh-CN' : 'en';
  const { say, keys, other: otherSay } = speech(screen, page, opts.welcome ?? false, lang);
  const home = stepUrl(links, { go: 'home' });
  const atHome = screen.kind === 'home';
  const field = el('field', { name: 'd' },
    keys ? keysGrammar(keys) : digitsGrammar(screen.field?.maxDigits ?? 8),
    ...(keys ? [] : [el('property', { name: 'termchar', value: '#' })]),
    prompt(say),
    ...(otherSay ? [prompt(otherSay, other)] : []),
    el('noinput', { count: '1' }, prompt(IVR_TEXT.noInput[lang]), el('reprompt')),
    atHome ? el('noinput', { count: '2' }, el('reprompt')) : el('noinput', { count: '2' }, el('goto', { next: home })),
    ...(atHome ? [el('noinput', { count: '3' }, prompt(IVR_TEXT.goodbye[lang]), el('disconnect'))] : []),
    el('nomatch', { count: '1' }, prompt(IVR_TEXT.noMatch[lang]), el('reprompt')),
    atHome ? el('nomatch', { count: '2' }, prompt(IVR_TEXT.noMatch[lang]), el('reprompt')) : el('nomatch', { count: '2' }, el('goto', { next: home })),
    // A third wrong key on the main menu, like `0`, goes by omnihall, which counts the transfer.
    ...(atHome ? [el('nomatch', { count: '3' }, el('goto', { next: stepUrl(links, { go: 'agent' }) }))] : []),
    el('filled', {},
      el('submit', { next: `${links.base}/vxml/step`, method: 'get', namelist: links.token ? 'call h caller token d' : 'call h caller d' })));
  return document(lang,
    el('var', { name: 'call', expr: jsString(links.call) }),
    el('var', { name: 'h', expr: jsString(String(links.hop)) }),
    el('var', { name: 'caller', expr: jsString(links.caller) }),
    ...(links.token ? [el('var', { name: 'token', expr: jsString(links.token) })] : []),
    el('form', { id: 'main' }, field),
    agentForm(links));
}

/** The transfer to the agents, for a `0` or a caller the menu could not help. */
export function transferDocument(links: CallLinks): string {
  return document(links.lang, el('form', { id: 'go' }, el('block', {}, el('goto', { next: '#agent' }))), agentForm(links));
}

/**
 * Says one thing and hangs up: a refusal, or an apology when something broke. Without a language
 * (a caller not known yet) it is said in Chinese, then in English.
 */
export function goodbyeDocument(text: L10n, lang?: Lang): string {
  const said = lang ? [prompt(spoken(text[lang], lang))] : [prompt(spoken(text['zh-CN'])), prompt(spoken(text.en, 'en'), 'en')];
  return document(lang ?? 'zh-CN', el('form', { id: 'bye' }, el('block', {}, ...said, el('disconnect'))));
}
