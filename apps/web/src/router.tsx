import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';

/**
 * The console's few client routes (the API serves index.html for them: apps/api serve-console.ts
 * CONSOLE_CLIENT_ROUTES). Paths hold opaque ids only, never personal data (they reach the
 * browser's history).
 */
export type Route =
  | { readonly name: 'home' }
  | { readonly name: 'callback' }
  | { readonly name: 'cases' }
  | { readonly name: 'open-case' }
  | { readonly name: 'case'; readonly caseId: string }
  | { readonly name: 'search' }
  | { readonly name: 'reminders' }
  | { readonly name: 'referrals' }
  | { readonly name: 'admin'; readonly rest: string }
  | { readonly name: 'supervision'; readonly rest: string }
  | { readonly name: 'statistics'; readonly rest: string }
  | { readonly name: 'not-found' };

export const paths = {
  home: () => '/',
  cases: () => '/console/cases',
  openCase: () => '/console/cases/new',
  case: (caseId: string) => `/console/cases/${encodeURIComponent(caseId)}`,
  search: () => '/console/search',
  reminders: () => '/console/reminders',
  referrals: () => '/console/referrals',
  /** Administration (apps/web/src/admin): its own sub-paths after /console/admin. */
  admin: (rest = '') => `/console/admin${rest}`,
  /** Supervision (apps/web/src/supervisor): its own sub-paths after /console/supervision. */
  supervision: (rest = '') => `/console/supervision${rest}`,
  /** The rapporteur's statistics (apps/web/src/statistics): its own sub-paths. */
  statistics: (rest = '') => `/console/statistics${rest}`,
};

export function routeOf(pathname: string): Route {
  if (pathname === '/' || pathname === '/console' || pathname === '/console/')
    return { name: 'home' };
  if (pathname === '/callback') return { name: 'callback' };
  if (pathname === '/console/cases') return { name: 'cases' };
  if (pathname === '/console/cases/new') return { name: 'open-case' };
  if (pathname === '/console/search') return { name: 'search' };
  if (pathname === '/console/reminders') return { name: 'reminders' };
  if (pathname === '/console/referrals') return { name: 'referrals' };
  const match = /^\/console\/cases\/([A-Za-z0-9-]{1,128})$/.exec(pathname);
  if (match) return { name: 'case', caseId: match[1]! };
  const area = /^\/console\/(admin|supervision|statistics)((?:\/[A-Za-z0-9-]{1,128})*)\/?$/.exec(
    pathname,
  );
  if (area) return { name: area[1] as 'admin' | 'supervision' | 'statistics', rest: area[2]! };
  return { name: 'not-found' };
}

interface Navigation {
  readonly route: Route;
  navigate(path: string, options?: { replace?: boolean }): void;
}

const NavigationContext = createContext<Navigation | undefined>(undefined);

/** The History API: pushState on navigate, popstate on back/forward. */
export function RouterProvider({ children }: { children: ReactNode }) {
  const [pathname, setPathname] = useState(() => window.location.pathname);
  useEffect(() => {
    const onPop = () => setPathname(window.location.pathname);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = useCallback((path: string, options: { replace?: boolean } = {}) => {
    if (options.replace) window.history.replaceState(null, '', path);
    else window.history.pushState(null, '', path);
    setPathname(new URL(path, window.location.origin).pathname);
  }, []);
  return (
    <NavigationContext.Provider value={{ route: routeOf(pathname), navigate }}>
      {children}
    </NavigationContext.Provider>
  );
}

export function useNavigation(): Navigation {
  const navigation = useContext(NavigationContext);
  if (!navigation) throw new Error('useNavigation outside RouterProvider');
  return navigation;
}

/** A real link (opens in a new tab, shows its target) that navigates in place on a plain click. */
export function useLinkProps(path: string) {
  const { navigate } = useNavigation();
  return {
    href: path,
    onClick: (event: React.MouseEvent<HTMLAnchorElement>) => {
      if (event.defaultPrevented || event.button !== 0) return;
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      navigate(path);
    },
  };
}
