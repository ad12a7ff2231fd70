// Who is signed in to the console: the staff token and user, kept in localStorage until they
// expire or the server answers 401, and the API client that carries the token.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { createConsoleClient, type ConsoleClient } from './api.ts';
import { useI18n } from './i18n.tsx';
import type { StaffRole, StaffUser } from './types.ts';

const STORAGE_KEY = 'omnihall.console.session';

interface Session {
  token: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  user: StaffUser;
}

export type EndReason = 'expired' | 'user';

interface AuthState {
  session: Session | null;
  ended: EndReason | null;
  client: ConsoleClient;
  start(token: string, expiresInSeconds: number, user: StaffUser): void;
  end(reason: EndReason): void;
  /** Does the signed-in user hold any of these roles? (admin holds every right.) */
  can(...roles: StaffRole[]): boolean;
}

const AuthContext = createContext<AuthState | null>(null);

function load(): Session | null {
  try {
    const v = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as Session | null;
    return v && typeof v.token === 'string' && typeof v.expiresAt === 'number' && v.expiresAt > Date.now() && v.user ? v : null;
  } catch {
    return null;
  }
}

function save(s: Session | null): void {
  try {
    if (s) localStorage.setItem(STORAGE_KEY, JSON.stringify(s));
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage unavailable: the session lasts for this page.
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const { lang } = useI18n();
  const [session, setSession] = useState<Session | null>(load);
  const [ended, setEnded] = useState<EndReason | null>(null);
  const end = useCallback((reason: EndReason) => {
    setSession(null);
    setEnded(reason);
    save(null);
  }, []);
  const start = useCallback((token: string, expiresInSeconds: number, user: StaffUser) => {
    const s = { token, expiresAt: Date.now() + expiresInSeconds * 1000, user };
    setSession(s);
    setEnded(null);
    save(s);
  }, []);
  const token = session?.token ?? null;
  const client = useMemo(() => createConsoleClient({ lang, token, onUnauthorized: () => end('expired') }), [lang, token, end]);

  // The roles may have changed since the last visit: ask who this token is once it is loaded.
  useEffect(() => {
    if (!token) return;
    let live = true;
    client.me().then((user) => {
      if (!live) return;
      setSession((s) => {
        if (!s || s.token !== token) return s;
        const next = { ...s, user };
        save(next);
        return next;
      });
    }, () => undefined);
    return () => {
      live = false;
    };
    // Once per token; a language change needs no new answer.
  }, [token]);

  const roles = session?.user.roles;
  const can = useCallback((...want: StaffRole[]) => !!roles && (roles.includes('admin') || want.some((r) => roles.includes(r))), [roles]);
  const value = useMemo<AuthState>(() => ({ session, ended, client, start, end, can }), [session, ended, client, start, end, can]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}
