import { useDirection } from '@mantine/core';
import type { RemedyClient } from '@remedy/api-client';
import { useQuery, type QueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { dataOf } from '../api';
import { useAuthState, useConsole } from '../context';
import { directionOf, LANGUAGES, switchLanguage, type Language } from '../i18n';

/**
 * The account's language: before login the console speaks the browser's language
 * (`navigator.languages`, main.tsx); once logged in, the language stored on the account
 * (GET /session `language`) takes over, once per login. Never browser storage.
 */
export function useAccountLanguage(): void {
  const { api } = useConsole();
  const { i18n } = useTranslation();
  const { setDirection } = useDirection();
  const state = useAuthState();
  const authenticated = state.status === 'authenticated';
  const session = useQuery({
    queryKey: ['session'],
    queryFn: async () => dataOf(await api.GET('/session')),
    enabled: authenticated,
  });
  const appliedFor = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (!authenticated) appliedFor.current = undefined;
  }, [authenticated]);
  const language = session.data?.language;
  const userId = session.data?.userId;
  useEffect(() => {
    if (!authenticated || !userId || appliedFor.current === userId) return;
    appliedFor.current = userId;
    if (!language || !(LANGUAGES as readonly string[]).includes(language)) return;
    if (language === i18n.language) return;
    void switchLanguage(i18n, language).then(() => setDirection(directionOf(language)));
  }, [authenticated, userId, language, i18n, setDirection]);
}

/**
 * Keeps a language the person chose on their account (PUT /session/language), when logged in.
 * An account the embedded provider does not hold (an external provider's) answers 422: the
 * choice then lasts for this page only.
 */
export async function storeAccountLanguage(
  api: RemedyClient,
  queryClient: QueryClient,
  language: Language,
): Promise<void> {
  const answer = await api.PUT('/session/language', { body: { language } });
  if (!answer.response.ok) return;
  queryClient.setQueryData(['session'], (old: object | undefined) =>
    old ? { ...old, language } : old,
  );
}
