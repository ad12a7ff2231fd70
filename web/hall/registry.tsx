// The business registry as the server lists it: every business, its names and input schema.
// Loaded once; a business added on the server shows up here with no page written for it.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { toApiError, type ApiError } from './api.ts';
import { useSession } from './session.tsx';
import type { BusinessInfo } from '../shared/types.ts';

type RegistryState =
  | { status: 'loading' }
  | { status: 'error'; error: ApiError }
  | { status: 'ok'; businesses: BusinessInfo[] };

interface Registry {
  state: RegistryState;
  get(id: string): BusinessInfo | undefined;
  reload(): void;
}

const RegistryContext = createContext<Registry | null>(null);

export function RegistryProvider({ children }: { children: ReactNode }) {
  const { client } = useSession();
  const [state, setState] = useState<RegistryState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    setState({ status: 'loading' });
    client.businesses().then(
      (businesses) => live && setState({ status: 'ok', businesses }),
      (e: unknown) => live && setState({ status: 'error', error: toApiError(e) }),
    );
    return () => {
      live = false;
    };
    // The list depends on neither who is signed in nor the language: load it once per attempt.
  }, [attempt]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  const value = useMemo<Registry>(() => ({
    state,
    get: (id) => (state.status === 'ok' ? state.businesses.find((b) => b.id === id) : undefined),
    reload,
  }), [state, reload]);
  return <RegistryContext.Provider value={value}>{children}</RegistryContext.Provider>;
}

export function useRegistry(): Registry {
  const v = useContext(RegistryContext);
  if (!v) throw new Error('useRegistry outside RegistryProvider');
  return v;
}
