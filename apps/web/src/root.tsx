import { DirectionProvider, MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { i18n } from 'i18next';
import { useMemo } from 'react';
import { I18nextProvider } from 'react-i18next';
import { createApi } from './api';
import { App } from './app';
import type { ConsoleAuth } from './auth/session';
import { memoryColorScheme } from './color-scheme';
import { ConsoleContext } from './context';
import { directionOf, type Language } from './i18n';
import { RouterProvider } from './router';

/**
 * The providers: Mantine (accessible components; right to left by its DirectionProvider), its
 * theme variables from CSS files only (no <style> element: the CSP has no 'unsafe-inline'),
 * i18next, TanStack Query over the typed client, the router.
 */
export function Root({ auth, i18n }: { auth: ConsoleAuth; i18n: i18n }) {
  const queryClient = useMemo(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            staleTime: 30_000,
            refetchOnWindowFocus: false,
            // 503 (a dependency down) is retried; other errors are answers to show.
            retry: (failures, error) =>
              failures < 3 && (error as { status?: number }).status === 503,
          },
        },
      }),
    [],
  );
  const api = useMemo(() => createApi(auth), [auth]);
  return (
    <MantineProvider
      withCssVariables={false}
      withGlobalClasses={false}
      colorSchemeManager={memoryColorScheme}
      forceColorScheme="light"
    >
      <DirectionProvider
        initialDirection={directionOf(i18n.language as Language)}
        detectDirection={false}
      >
        <I18nextProvider i18n={i18n}>
          <QueryClientProvider client={queryClient}>
            <ConsoleContext.Provider value={{ auth, api, queryClient }}>
              <RouterProvider>
                <App />
              </RouterProvider>
            </ConsoleContext.Provider>
          </QueryClientProvider>
        </I18nextProvider>
      </DirectionProvider>
    </MantineProvider>
  );
}
