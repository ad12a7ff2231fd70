// The USSD hall's dialogue: one gateway hop in, one screen out, with the dialogue's state kept in
// the session store under the gateway's session id between hops.
import type { Lang } from '../../platform/i18n.ts';
import type { Config } from '../../config.ts';
import type { Services } from '../../container.ts';
import { channelSetting, Menu, MENU_TEXT, callerMsisdn, type MenuAction, type MenuState, type Screen } from '../menu.ts';
import { renderUssd } from './render.ts';

export const DEFAULT_SERVICE_CODE = '*100#';
export const DEFAULT_IDLE_SECONDS = 180;
/** The whole `text` a gateway may send: about 100 hops of short answers. */
export const MAX_TEXT = 2000;
/** One answer: more than a handset lets anyone type on one screen. */
export const MAX_INPUT = 182;
const MAX_HOPS = 200;

export interface UssdSettings {
  serviceCode: string;
  idleMs: number;
}

export function ussdSettings(config: Config): UssdSettings {
  const idle = Number(channelSetting(config, 'ussdSessionIdleSeconds') ?? DEFAULT_IDLE_SECONDS);
  return {
    serviceCode: channelSetting(config, 'ussdServiceCode') ?? DEFAULT_SERVICE_CODE,
    idleMs: (Number.isFinite(idle) && idle > 0 ? idle : DEFAULT_IDLE_SECONDS) * 1000,
  };
}

/** One hop as Africa's Talking posts it: `text` is every answer so far, joined by `*`. */
export interface UssdHop {
  sessionId: string;
  serviceCode: string;
  phoneNumber: string;
  text: string;
}

export interface UssdReply {
  text: string;
  end: boolean;
}

interface UssdSession {
  msisdn: string;
  subscriberId: number;
  lang: Lang;
  menu: MenuState;
  page: number;
  /** How many pages the screen on the handset has, so the next answer is read without rendering it again. */
  pages: number;
  /** The gateway `text` this session has answered; the next hop's input is what follows it. */
  text: string;
  hop: number;
  /** The last answer, sent again when the gateway retries the same hop. */
  reply: string;
  ended: boolean;
}

function sameCode(a: string, b: string): boolean {
  return a.replace(/\s/g, '').toLowerCase() === b.replace(/\s/g, '').toLowerCase();
}

/** A one-screen goodbye in both languages, for callers whose language is not known yet. */
function farewell(text: { 'zh-CN': string; en: string }): UssdReply {
  const screen: Screen = { kind: 'result', title: text, long: text, items: [], final: true };
  const zh = renderUssd(screen, 'zh-CN', 0).text;
  const both = renderUssd({ ...screen, title: { 'zh-CN': `${text['zh-CN']} ${text.en}`, en: text.en } }, 'zh-CN', 0);
  return { text: both.pages === 1 ? both.text : zh, end: true };
}

export class UssdHall {
  constructor(
    private readonly s: Pick<Services, 'callers' | 'sessions'>,
    private readonly menu: Menu,
    private readonly settings: UssdSettings,
  ) {}

  async hop(req: UssdHop): Promise<UssdReply> {
    if (req.serviceCode !== '' && !sameCode(req.serviceCode, this.settings.serviceCode)) {
      return farewell({ 'zh-CN': `请拨打${this.settings.serviceCode}`, en: `Please dial ${this.settings.serviceCode}` });
    }
    const key = `ussd:${req.sessionId}`;
    const session = await this.s.sessions.get<UssdSession>(key);
    if (session && callerMsisdn(req.phoneNumber) !== session.msisdn) return farewell(MENU_TEXT.badRequest);
    // The gateway sent this exact hop before (it timed out waiting, or retried): same answer,
    // nothing run again.
    if (session && req.text === session.text) return { text: session.reply, end: session.ended };
    if (!session || session.ended) return this.open(key, req);
    if (req.text.length > MAX_TEXT || session.hop >= MAX_HOPS) {
      await this.s.sessions.delete(key);
      return farewell(MENU_TEXT.tooLong);
    }

    // Only what follows the text already answered is new: a `*` typed inside an answer is part
    // of that answer, not a separator. Text that does not continue the dialogue is not guessed at.
    const prefix = session.text === '' ? '' : `${session.text}*`;
    const input = req.text.startsWith(prefix) ? req.text.slice(prefix.length) : null;
    const hop = session.hop + 1;
    const next = input === null
      ? { menu: { stack: session.menu.stack }, page: session.page, lang: session.lang }
      : await this.answer(session, input, req.sessionId, hop);
    const view = renderUssd(this.menu.screen(next.menu), next.lang, next.page);
    const saved: UssdSession = {
      ...session, menu: next.menu, page: view.page, pages: view.pages, lang: next.lang, text: req.text, hop, reply: view.text, ended: view.end,
    };
    await this.s.sessions.set(key, saved, this.settings.idleMs);
    return { text: view.text, end: view.end };
  }

  private async open(key: string, req: UssdHop): Promise<UssdReply> {
    const msisdn = callerMsisdn(req.phoneNumber);
    const caller = msisdn ? await this.s.callers.find(msisdn) : null;
    if (!msisdn || !caller) return farewell(MENU_TEXT.notSubscriber);
    const menu = await this.menu.start({ subscriberId: caller.subscriberId, channel: 'ussd' });
    const view = renderUssd(this.menu.screen(menu), caller.language, 0);
    const session: UssdSession = {
      msisdn, subscriberId: caller.subscriberId, lang: caller.language, menu, page: 0, pages: view.pages, text: req.text, hop: 0, reply: view.text, ended: view.end,
    };
    await this.s.sessions.set(key, session, this.settings.idleMs);
    return { text: view.text, end: view.end };
  }

  /** Maps one answer to a page turn, a language switch or a menu action, and applies it. */
  private async answer(session: UssdSession, input: string, sessionId: string, hop: number): Promise<{ menu: MenuState; page: number; lang: Lang }> {
    const state: MenuState = { stack: session.menu.stack };
    const screen = this.menu.screen(state);
    const view = { page: session.page, pages: session.pages };
    const t = input.trim();
    const stay = { menu: state, page: view.page, lang: session.lang };
    let action: MenuAction;
    if (input.length > MAX_INPUT) action = { kind: 'invalid', notice: MENU_TEXT.tooLong };
    else if (t === '00') action = { kind: 'home' };
    else if (t === '0' && view.page > 0) return { ...stay, page: view.page - 1 };
    else if (t === '0') action = { kind: 'back' };
    else if ((t === '98' || t === '#') && view.page < view.pages - 1) return { ...stay, page: view.page + 1 };
    else if (t === '99' && screen.kind === 'home' && view.page === 0) return { ...stay, page: 0, lang: session.lang === 'en' ? 'zh-CN' : 'en' };
    else if (/^\d{1,2}$/.test(t) && Number(t) >= 1 && Number(t) <= screen.items.length) action = { kind: 'select', key: screen.items[Number(t) - 1]!.key };
    else if (screen.kind === 'input' && t !== '') action = { kind: 'value', text: t };
    else action = { kind: 'invalid', notice: screen.kind === 'input' ? MENU_TEXT.invalidValue : MENU_TEXT.invalidOption };

    const menu = await this.menu.act(state, action, { subscriberId: session.subscriberId, channel: 'ussd', stepKey: `ussd:${sessionId}:${hop}` });
    return { menu, page: action.kind === 'invalid' || (menu.notice && menu.stack === state.stack) ? view.page : 0, lang: session.lang };
  }
}
