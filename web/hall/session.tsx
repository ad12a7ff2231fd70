// Who is signed in. The hall keeps the token in localStorage so a reload stays signed in; the
// kiosk keeps it in memory only, so the terminal forgets the subscriber.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { createClient, type Client } from './api.ts';
import { useMediaQuery } from './hooks.ts';
import { useI18n } from './i18n.tsx';

const STORAGE_KEY = 'omnihall.session';

export interface Session {
  msisdn: string;
  token: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export type EndReason = 'expired' | 'idle' | 'user';

interface SessionState {
  session: Session | null;
  /** Why the last session ended, to say so on the sign-in page. */
  ended: EndReason | null;
  client: Client;
  start(msisdn: string, token: string, expiresInSeconds: number): void;
  end(reason: EndReason): void;
}

const SessionContext = createContext<SessionState | null>(null);

function isSession(v: unknown): v is Session {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.msisdn === 'string' && typeof o.token === 'string' && typeof o.expiresAt === 'number';
}

function load(): Session | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    const v: unknown = raw ? JSON.parse(raw) : null;
    return isSession(v) && v.expiresAt > Date.now() ? v : null;
  } catch {
    return null;
  }
}

function save(s: Session | null): void {
  try {
    if (s) localStorage.setItem(STORAGE_KEY, JSON.stringify(s));
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage may be unavailable (private mode); the session then lasts for this page.
  }
}

/** The hall a request comes from, sent as X-Omnihall-Channel so a business withdrawn there is gone. */
export type HallChannel = 'web' | 'mobile' | 'kiosk';

const PHONE = '(max-width: 640px)';

export function SessionProvider({ persist, kiosk, children }: { persist: boolean; kiosk?: boolean; children: ReactNode }) {
  const { lang } = useI18n();
  // The web hall on a phone-sized screen is the mobile hall (掌厅), as its layout says.
  const phone = useMediaQuery(PHONE);
  const channel: HallChannel = kiosk ? 'kiosk' : phone ? 'mobile' : 'web';
  const [session, setSession] = useState<Session | null>(() => (persist ? load() : null));
  const [ended, setEnded] = useState<EndReason | null>(null);

  const end = useCallback((reason: EndReason) => {
    setSession(null);
    setEnded(reason);
    if (persist) save(null);
  }, [persist]);

  const start = useCallback((msisdn: string, token: string, expiresInSeconds: number) => {
    const s = { msisdn, token, expiresAt: Date.now() + expiresInSeconds * 1000 };
    setSession(s);
    setEnded(null);
    if (persist) save(s);
  }, [persist]);

  const token = session?.token ?? null;
  const client = useMemo(() => createClient({ lang, token, channel, onUnauthorized: () => end('expired') }), [lang, token, channel, end]);
  const value = useMemo<SessionState>(() => ({ session, ended, client, start, end }), [session, ended, client, start, end]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}
