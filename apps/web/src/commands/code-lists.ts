import type { components } from '@remedy/api-client';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { dataOf } from '../api';
import { useConsole } from '../context';

export type CodeListName = components['schemas']['CodeListDto']['name'];
export interface CodeOption {
  readonly value: string;
  readonly label: string;
}

/**
 * Every code list with its labels in the person's language (GET /code-lists?lang=): one request
 * per language, kept for the session. Selects show these labels, never raw codes.
 */
export function useCodeLists() {
  const { api } = useConsole();
  const { i18n } = useTranslation();
  const language = i18n.language;
  const query = useQuery({
    queryKey: ['code-lists', language],
    staleTime: Infinity,
    queryFn: async () =>
      dataOf(
        await api.GET('/code-lists', {
          params: { query: { lang: language }, header: { 'Accept-Language': language } },
        }),
      ),
  });
  const lists = new Map(
    (query.data?.lists ?? []).map((list) => [
      list.name,
      list.codes.map((c): CodeOption => ({ value: c.code, label: c.label })),
    ]),
  );
  const digits = new Map(
    (query.data?.lists.find((list) => list.name === 'currencies')?.codes ?? []).map((c) => [
      c.code,
      c.digits,
    ]),
  );
  return {
    ready: query.isSuccess,
    /**
     * A currency's ISO 4217 minor-unit digits as the API counts them (EUR 2, JPY 0, IQD 3; the
     * currencies list carries them): the digits to enter and show its money with, never Intl's.
     * Undefined while loading.
     */
    digits: (currency: string): number | undefined => digits.get(currency),
    /** The options of a list (empty while loading). */
    options: (name: CodeListName): readonly CodeOption[] => lists.get(name) ?? [],
    /** A code's label in the person's language (the code itself when the list lacks it). */
    label: (name: CodeListName, code: string | null | undefined): string =>
      code ? (lists.get(name)?.find((o) => o.value === code)?.label ?? code) : '',
  };
}

export type CodeLists = ReturnType<typeof useCodeLists>;

/** The organisation directory (GET /organisations): receivers of referrals, transfers, legal aid. */
export function useOrganisations() {
  const { api } = useConsole();
  return useQuery({
    queryKey: ['organisations'],
    staleTime: 5 * 60_000,
    queryFn: async () => dataOf(await api.GET('/organisations')).organisations,
  });
}

/** The person's session (GET /session): their organisation and roles. */
export function useSession() {
  const { api } = useConsole();
  return useQuery({
    queryKey: ['session'],
    queryFn: async () => dataOf(await api.GET('/session')),
  });
}

/**
 * The caseworkers and supervisors of the person's organisation, by display name (GET
 * /organisations/{id}/caseworkers): whom a case can be assigned to, and who holds it.
 */
export function useCaseworkers(enabled = true) {
  const { api } = useConsole();
  const organisationId = useSession().data?.organisationId;
  return useQuery({
    queryKey: ['caseworkers', organisationId],
    enabled: enabled && organisationId !== undefined,
    staleTime: 5 * 60_000,
    queryFn: async () =>
      dataOf(
        await api.GET('/organisations/{organisationId}/caseworkers', {
          params: { path: { organisationId: organisationId! } },
        }),
      ).items,
  });
}
