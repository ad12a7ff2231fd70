// The IVR's dialogue: a call's menu state kept in the session store under a call id, DTMF digits
// in, the next VoiceXML document out.
import type { Config } from '../../config.ts';
import type { Lang } from '../../platform/i18n.ts';
import type { Services } from '../../container.ts';
import { channelSetting, Menu, MENU_TEXT, callerMsisdn, type MenuAction, type MenuState } from '../menu.ts';
import { goodbyeDocument, ivrKeys, ivrPages, screenDocument, transferDocument, type CallLinks } from './vxml.ts';

/** Where `0` sends a caller unless the operator configures another number: the 10086 hotline. */
export const DEFAULT_TRANSFER_NUMBER = '10086';
export const DEFAULT_CALL_IDLE_SECONDS = 600;
/** More digits than any input takes: anything longer is a re-prompt, not a value. */
export const MAX_DIGITS = 32;

export interface IvrSettings {
  transferNumber: string;
  idleMs: number;
  /** The platform's shared secret, when configured: every document's URLs carry it. */
  token?: string;
}

export function ivrSettings(config: Config): IvrSettings {
  const configured = channelSetting(config, 'ivrTransferNumber');
  const idle = Number(channelSetting(config, 'ivrCallIdleSeconds') ?? DEFAULT_CALL_IDLE_SECONDS);
  return {
    // Only a dialable number goes into the `tel:` URI.
    transferNumber: configured && /^\+?[0-9]{3,20}$/.test(configured) ? configured : DEFAULT_TRANSFER_NUMBER,
    idleMs: (Number.isFinite(idle) && idle > 0 ? idle : DEFAULT_CALL_IDLE_SECONDS) * 1000,
    token: config.ivrPlatformToken,
  };
}

interface IvrCall {
  msisdn: string;
  subscriberId: number;
  /** The caller's language: the subscriber's own, until `*` on the main menu switches it. */
  lang?: Lang;
  menu: MenuState;
  page: number;
  /** The step the documents now with the caller carry; a step is processed once. */
  hop: number;
  /** The last document, sent again when the platform fetches the same step twice. */
  doc: string;
  /** The step at which the caller was handed to the agents, so a re-fetch is not counted again. */
  transferredAt?: number;
}

export interface IvrStep {
  call?: string;
  h?: string;
  caller?: string;
  d?: string;
  go?: string;
}

/** The interaction row's business for a caller handed to the agents (not a registry business). */
export const AGENT_TRANSFER = 'agent.transfer';

/** What the IVR uses of omnihall's services. */
export type IvrDeps = Pick<Services, 'callers' | 'clock' | 'interactions' | 'random' | 'sessions'>;

export class IvrCalls {
  constructor(
    private readonly s: IvrDeps,
    private readonly menu: Menu,
    private readonly settings: IvrSettings,
    private readonly base: string,
  ) {}

  private links(call: string, hop: number, caller: string, lang: Lang): CallLinks {
    return { base: this.base, call, hop, caller, transferNumber: this.settings.transferNumber, lang, token: this.settings.token };
  }

  /** The root document: a new call from `caller` starts at the home menu. */
  async open(callerRaw: string | undefined): Promise<string> {
    const msisdn = callerRaw ? callerMsisdn(callerRaw) : null;
    const caller = msisdn ? await this.s.callers.find(msisdn) : null;
    if (!msisdn || !caller) return goodbyeDocument(MENU_TEXT.notSubscriber);
    const id = this.s.random.token(12);
    const lang = caller.language;
    const menu = await this.menu.start({ subscriberId: caller.subscriberId, channel: 'ivr' });
    const doc = screenDocument(this.menu.screen(menu), 0, this.links(id, 0, msisdn, lang), { welcome: true });
    await this.s.sessions.set<IvrCall>(`ivr:${id}`, { msisdn, subscriberId: caller.subscriberId, lang, menu, page: 0, hop: 0, doc }, this.settings.idleMs);
    return doc;
  }

  /**
   * Hands the caller to the agents, and records it with the interactions: how many callers the
   * phone hall could not help is what the operator measures self-service by (it shows in
   * /metrics as business `agent.transfer` on channel `ivr`).
   */
  private async transfer(call: IvrCall, id: string): Promise<string> {
    if (call.transferredAt !== call.hop) {
      this.s.interactions.record({
        at: this.s.clock.now(), channel: 'ivr', subscriberId: call.subscriberId, businessId: AGENT_TRANSFER, outcome: 'ok', errorCode: null, latencyMs: 0,
      });
      await this.s.sessions.set<IvrCall>(`ivr:${id}`, { ...call, transferredAt: call.hop }, this.settings.idleMs);
    }
    return transferDocument(this.links(id, call.hop, call.msisdn, call.lang ?? 'zh-CN'));
  }

  /** One answer from a document: digits `d`, `go=home` from a re-prompt that gave up, `go=agent`. */
  async step(q: IvrStep): Promise<string> {
    const key = `ivr:${q.call ?? ''}`;
    const call = q.call ? await this.s.sessions.get<IvrCall>(key) : undefined;
    // An unknown or expired call starts again at the home menu for the same caller.
    if (!call || !q.call) return this.open(q.caller);
    // The platform fetched a step already answered (a retry), or an old document answered: the
    // caller hears where they are, and nothing runs twice.
    const hop = Number(q.h);
    if (hop !== call.hop) return call.doc;

    const state: MenuState = { stack: call.menu.stack };
    const screen = this.menu.screen(state);
    const keys = ivrKeys(screen, call.page);
    const d = (q.d ?? '').replace(/\s+/g, '');
    let lang: Lang = call.lang ?? 'zh-CN';
    let page = 0;
    let action: MenuAction | null = null;
    if (q.go === 'home') action = { kind: 'home' };
    else if (d === '0' || q.go === 'agent') return this.transfer(call, q.call);
    else if (d === '*' && keys.language) lang = lang === 'en' ? 'zh-CN' : 'en';
    else if (d.length === 0 || d.length > MAX_DIGITS || !/^[0-9*#]+$/.test(d)) action = { kind: 'invalid', notice: MENU_TEXT.invalidOption };
    else if (d === '*' && call.page > 0 && screen.kind !== 'input') page = call.page - 1;
    else if (d === '*') action = { kind: 'back' };
    else if (d === '9' && keys.more) page = call.page + 1;
    else if (screen.kind === 'result' && d === '1') page = 0; // hear it again
    else if (screen.kind === 'result' && d === '2') action = { kind: 'home' };
    else if (screen.kind !== 'result' && keys.items.some((it) => it.digit === d)) {
      action = { kind: 'select', key: keys.items.find((it) => it.digit === d)!.key };
    } else if (screen.kind === 'input') action = { kind: 'value', text: d.replace(/#$/, '') };
    else action = { kind: 'invalid', notice: MENU_TEXT.invalidOption };

    let menu: MenuState = state;
    if (action) {
      menu = await this.menu.act(state, action, { subscriberId: call.subscriberId, channel: 'ivr', stepKey: `ivr:${q.call}:${hop}` });
      if (action.kind === 'invalid') page = call.page;
    }
    const next = this.menu.screen(menu);
    page = Math.min(page, ivrPages(next) - 1);
    const doc = screenDocument(next, page, this.links(q.call, hop + 1, call.msisdn, lang));
    await this.s.sessions.set<IvrCall>(key, { ...call, lang, menu, page, hop: hop + 1, doc }, this.settings.idleMs);
    return doc;
  }
}
