import type { components } from '@remedy/api-client';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { dataOf } from '../api';
import { useConsole } from '../context';

type CodeListName = components['schemas']['CodeListDto']['name'];

/**
 * A code list's labels in the interface language (GET /code-lists/{name}?lang=): a function from
 * a code to its label (the code itself while the list loads or for a code the list lacks).
 */
export function useCodeLabels(name: CodeListName): (code: string) => string {
  const { api } = useConsole();
  const { i18n } = useTranslation();
  const language = i18n.language;
  const list = useQuery({
    queryKey: ['code-list', name, language],
    queryFn: async () =>
      dataOf(
        await api.GET('/code-lists/{name}', {
          params: { path: { name }, query: { lang: language } },
        }),
      ),
    staleTime: Infinity,
  });
  const labels = new Map(list.data?.codes.map((c) => [c.code, c.label]));
  return (code: string) => labels.get(code) ?? code;
}

/** Organisations of the directory by id (GET /organisations): their names, not opaque ids. */
export function useOrganisationNames(): (organisationId: string) => string {
  const { api } = useConsole();
  const { t } = useTranslation();
  const directory = useQuery({
    queryKey: ['organisations'],
    queryFn: async () => dataOf(await api.GET('/organisations')).organisations,
    staleTime: 5 * 60_000,
  });
  const names = new Map(directory.data?.map((o) => [o.organisationId, o.name]));
  return (organisationId: string) => names.get(organisationId) ?? t('lists.unknownOrganisation');
}

/** The caller's session (GET /session): user id, organisation, roles. */
export function useSession() {
  const { api } = useConsole();
  return useQuery({
    queryKey: ['session'],
    queryFn: async () => dataOf(await api.GET('/session')),
  });
}
