import { Alert, Anchor, Button, Loader, NativeSelect, Stack, Text, Title } from '@mantine/core';
import { useDirection } from '@mantine/core';
import { useDocumentTitle, useIdle } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useAccountLanguage, storeAccountLanguage } from './admin/account-language';
import { dataOf } from './api';
import type { EndReason } from './auth/session';
import { useAuthState, useConsole } from './context';
import { directionOf, ENDONYMS, LANGUAGES, switchLanguage, type Language } from './i18n';
import { paths, useLinkProps, useNavigation, type Route } from './router';

// One chunk per area: the case list and the case page load when first opened.
const CaseList = lazy(() => import('./screens/case-list'));
const CasePage = lazy(() => import('./cases/case-page'));
const OpenCase = lazy(() => import('./cases/open-case'));
const Search = lazy(() => import('./lists/search'));
const Reminders = lazy(() => import('./lists/reminders'));
const Referrals = lazy(() => import('./lists/referrals'));

/** Roles that work with cases (GET /cases, GET /cases/{id}: test/security/route-rules.ts). */
const CASE_ROLES = new Set(['caseworker', 'supervisor', 'legal_aid']);
/** Roles that may search for a person (POST /cases/search). */
const SEARCH_ROLES = new Set(['caseworker', 'supervisor']);
const AdminArea = lazy(() => import('./admin'));
const SupervisionArea = lazy(() => import('./supervisor'));
const StatisticsArea = lazy(() => import('./statistics'));
/** Roles of the supervision and administration areas (their own modules stay lazy). */
const SUPERVISION_ROLES = new Set(['supervisor']);
const ADMIN_ROLES = new Set(['org_admin', 'admin']);

/** Activity that keeps a session alive. */
const ACTIVITY: (keyof DocumentEventMap)[] = [
  'keydown',
  'pointerdown',
  'pointermove',
  'wheel',
  'touchstart',
  'scroll',
];

export function App() {
  const { route } = useNavigation();
  const state = useAuthState();
  const { auth, queryClient } = useConsole();
  useAccountLanguage();
  const idle = useIdle(auth.settings.idleTimeoutSeconds * 1000, {
    events: ACTIVITY,
    initialState: false,
  });
  useEffect(() => {
    if (idle && state.status === 'authenticated') auth.end('idle');
  }, [idle, state, auth]);
  // Whenever the session ends (idle, expiry, logout), every answer held in memory is dropped:
  // the screen shows nothing of the cases any more.
  useEffect(() => {
    if (state.status === 'anonymous') queryClient.clear();
  }, [state, queryClient]);

  if (route.name === 'callback') return <Callback />;
  if (state.status !== 'authenticated')
    return (
      <Shell authenticated={false}>
        <Login reason={state.reason} />
      </Shell>
    );
  return (
    <Shell authenticated>
      <Screen route={route} />
    </Shell>
  );
}

function Screen({ route }: { route: Route }) {
  const { t } = useTranslation();
  const fallback = <Loader aria-label={t('app.loading')} />;
  switch (route.name) {
    case 'cases':
      return (
        <Suspense fallback={fallback}>
          <CaseList />
        </Suspense>
      );
    case 'case':
      return (
        <Suspense fallback={fallback}>
          <CasePage caseId={route.caseId} />
        </Suspense>
      );
    case 'open-case':
      return (
        <Suspense fallback={fallback}>
          <OpenCase />
        </Suspense>
      );
    case 'search':
    case 'reminders':
    case 'referrals': {
      const ListScreen = { search: Search, reminders: Reminders, referrals: Referrals }[route.name];
      return (
        <Suspense fallback={fallback}>
          <ListScreen />
        </Suspense>
      );
    }
    case 'admin':
      return (
        <Suspense fallback={fallback}>
          <AdminArea rest={route.rest} />
        </Suspense>
      );
    case 'supervision':
      return (
        <Suspense fallback={fallback}>
          <SupervisionArea rest={route.rest} />
        </Suspense>
      );
    case 'statistics':
      return (
        <Suspense fallback={fallback}>
          <StatisticsArea rest={route.rest} />
        </Suspense>
      );
    case 'home':
      return <Home />;
    default:
      return <NotFound />;
  }
}

/** The login's return: once, even if React runs the effect twice. */
let completing: Promise<string> | undefined;

function Callback() {
  const { auth } = useConsole();
  const { navigate } = useNavigation();
  const { t } = useTranslation();
  useEffect(() => {
    completing ??= auth.completeLogin(new URL(window.location.href));
    // `replace`: the code and state leave the address bar and the history.
    completing.then(
      (path) => navigate(path, { replace: true }),
      () => navigate(paths.home(), { replace: true }),
    );
  }, [auth, navigate]);
  return (
    <main className="shell-main">
      <Loader aria-label={t('app.loading')} />
    </main>
  );
}

function Login({ reason }: { reason: EndReason | undefined }) {
  const { auth } = useConsole();
  const { t, i18n } = useTranslation();
  useDocumentTitle(`${t('login.title')}`);
  const message: Record<EndReason, string> = {
    idle: t('login.ended', { minutes: Math.round(auth.settings.idleTimeoutSeconds / 60) }),
    expired: t('login.expired'),
    failed: t('login.failed'),
    'logged-out': t('login.loggedOut'),
  };
  return (
    <Stack gap="md" maw="40rem">
      <Title order={1}>{t('login.title')}</Title>
      {reason && (
        <Alert color={reason === 'failed' ? 'red' : 'blue'} role="status">
          {message[reason]}
        </Alert>
      )}
      <Text>{t('login.intro')}</Text>
      <div>
        <Button
          onClick={() => void auth.login(window.location.pathname, i18n.language)}
          data-testid="login"
        >
          {t('login.button')}
        </Button>
      </div>
    </Stack>
  );
}

function Home() {
  const { t } = useTranslation();
  const roles = useRoles();
  const cases = useLinkProps(paths.cases());
  const admin = useLinkProps(paths.admin());
  const statistics = useLinkProps(paths.statistics());
  useDocumentTitle(`${t('home.title')} · ${t('app.name')}`);
  const mayCases = roles?.some((r) => CASE_ROLES.has(r));
  const mayAdmin = roles?.some((r) => ADMIN_ROLES.has(r));
  return (
    <Stack gap="md">
      <Title order={1}>{t('home.title')}</Title>
      {roles === undefined ? null : mayCases ? (
        <Anchor {...cases}>{t('home.open')}</Anchor>
      ) : mayAdmin ? (
        <Anchor {...admin}>{t('admin.navEntry')}</Anchor>
      ) : roles.includes('rapporteur') ? (
        <Anchor {...statistics}>{t('statistics.navEntry')}</Anchor>
      ) : (
        <Text>{t('home.noScreens')}</Text>
      )}
    </Stack>
  );
}

function NotFound() {
  const { t } = useTranslation();
  const home = useLinkProps(paths.home());
  useDocumentTitle(`${t('notFound.title')} · ${t('app.name')}`);
  return (
    <Stack gap="md">
      <Title order={1}>{t('notFound.title')}</Title>
      <Anchor {...home}>{t('notFound.back')}</Anchor>
    </Stack>
  );
}

/** The caller's roles (GET /session): the navigation offers the screens the API gives them. */
function useRoles(): readonly string[] | undefined {
  const { api } = useConsole();
  const session = useQuery({
    queryKey: ['session'],
    queryFn: async () => dataOf(await api.GET('/session')),
  });
  return session.data?.roles;
}

function Shell({ authenticated, children }: { authenticated: boolean; children: ReactNode }) {
  const { t } = useTranslation();
  const { auth } = useConsole();
  const { route } = useNavigation();
  const main = useRef<HTMLElement>(null);
  // A new screen: focus moves to it (screen readers announce it; the keyboard starts there).
  const first = useRef(true);
  useEffect(() => {
    if (first.current) first.current = false;
    else main.current?.focus();
  }, [route]);
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="shell-header">
        <Stack gap="xs">
          <div className="shell-bar">
            <Text component="span" fw={700} size="lg">
              {t('app.name')}
            </Text>
            {authenticated && <Navigation />}
            <LanguageSwitch />
            {authenticated && (
              <Button variant="outline" size="xs" onClick={() => void auth.logout()}>
                {t('header.logout')}
              </Button>
            )}
          </div>
        </Stack>
      </header>
      <main id="main" ref={main} tabIndex={-1} className="shell-main">
        {children}
      </main>
    </>
  );
}

function Navigation() {
  const { t } = useTranslation();
  const roles = useRoles();
  const { route } = useNavigation();
  const cases = useLinkProps(paths.cases());
  const openCase = useLinkProps(paths.openCase());
  const search = useLinkProps(paths.search());
  const reminders = useLinkProps(paths.reminders());
  const referrals = useLinkProps(paths.referrals());
  const supervision = useLinkProps(paths.supervision());
  const admin = useLinkProps(paths.admin());
  const statistics = useLinkProps(paths.statistics());
  if (!roles) return null;
  const items: ReactNode[] = [];
  const entry = (name: Route['name'], link: typeof cases, label: string) => (
    <li key={name}>
      <Anchor
        className="nav-link"
        {...link}
        aria-current={route.name === name ? 'page' : undefined}
      >
        {label}
      </Anchor>
    </li>
  );
  if (roles.some((r) => CASE_ROLES.has(r)))
    items.push(
      <li key="cases">
        <Anchor
          className="nav-link"
          {...cases}
          aria-current={route.name === 'cases' || route.name === 'case' ? 'page' : undefined}
        >
          {t('nav.cases')}
        </Anchor>
      </li>,
    );
  if (roles.some((r) => r === 'caseworker' || r === 'supervisor'))
    items.push(entry('open-case', openCase, t('casepage.openCase')));
  if (roles.some((r) => SEARCH_ROLES.has(r)))
    items.push(entry('search', search, t('lists.nav.search')));
  if (roles.some((r) => CASE_ROLES.has(r)))
    items.push(
      entry('reminders', reminders, t('lists.nav.reminders')),
      entry('referrals', referrals, t('lists.nav.referrals')),
    );
  if (roles.some((r) => SUPERVISION_ROLES.has(r)))
    items.push(
      <li key="supervision">
        <Anchor
          className="nav-link"
          {...supervision}
          aria-current={route.name === 'supervision' ? 'page' : undefined}
        >
          {t('supervisor.navEntry')}
        </Anchor>
      </li>,
    );
  if (roles.includes('rapporteur'))
    items.push(entry('statistics', statistics, t('statistics.navEntry')));
  if (roles.some((r) => ADMIN_ROLES.has(r)))
    items.push(
      <li key="admin">
        <Anchor
          className="nav-link"
          {...admin}
          aria-current={route.name === 'admin' ? 'page' : undefined}
        >
          {t('admin.navEntry')}
        </Anchor>
      </li>,
    );
  return (
    <nav aria-label={t('nav.label')} className="shell-nav">
      <ul>{items}</ul>
      <Text size="sm" c="dimmed" component="span">
        {t('header.roles', { roles: roles.map((r) => t(`role.${r}`)).join(', ') })}
      </Text>
    </nav>
  );
}

function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const { setDirection } = useDirection();
  const { api, queryClient } = useConsole();
  const authenticated = useAuthState().status === 'authenticated';
  return (
    <NativeSelect
      size="xs"
      label={t('header.language')}
      value={i18n.language}
      onChange={(event) => {
        const language = event.currentTarget.value as Language;
        void switchLanguage(i18n, language).then(() => setDirection(directionOf(language)));
        if (authenticated) void storeAccountLanguage(api, queryClient, language);
      }}
    >
      {LANGUAGES.map((language) => (
        <option key={language} value={language} lang={language}>
          {ENDONYMS[language]}
        </option>
      ))}
    </NativeSelect>
  );
}
