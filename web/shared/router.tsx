// A small history router: the hall lives at `/…`, the kiosk at `/kiosk/…`; links inside either
// are written relative to its base so the same pages serve both.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

interface Router {
  /** The full path, e.g. `/kiosk/bills`. */
  path: string;
  /** `''` in the hall, `/kiosk` in the kiosk. */
  base: string;
  /** The path below the base, e.g. `/bills`. */
  sub: string;
  /** Goes to a path below the base. */
  navigate(to: string, opts?: { replace?: boolean }): void;
}

const RouterContext = createContext<Router | null>(null);

function currentPath(): string {
  return window.location.pathname;
}

export function RouterProvider({ base, children }: { base: string; children: ReactNode }) {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const onPop = () => setPath(currentPath());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = useCallback((to: string, opts: { replace?: boolean } = {}) => {
    const full = `${base}${to === '/' && base ? '' : to}` || '/';
    if (opts.replace) window.history.replaceState(null, '', full);
    else window.history.pushState(null, '', full);
    // The path alone: a query string (`/recharge?amount=3300`) is read by the page, not routed on.
    setPath(currentPath());
    window.scrollTo(0, 0);
  }, [base]);
  const value = useMemo<Router>(() => {
    const sub = path.startsWith(base) ? path.slice(base.length) || '/' : path;
    return { path, base, sub: sub.length > 1 ? sub.replace(/\/+$/, '') : sub, navigate };
  }, [path, base, navigate]);
  return <RouterContext.Provider value={value}>{children}</RouterContext.Provider>;
}

export function useRouter(): Router {
  const r = useContext(RouterContext);
  if (!r) throw new Error('useRouter outside RouterProvider');
  return r;
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string };

/** An anchor to a path below the base; plain clicks stay in the app, modified clicks open as usual. */
export function Link({ to, onClick, ...rest }: LinkProps) {
  const { base, navigate, sub } = useRouter();
  const href = `${base}${to === '/' && base ? '' : to}` || '/';
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  const current = sub === to ? 'page' : undefined;
  return <a href={href} aria-current={current} onClick={handle} {...rest} />;
}
