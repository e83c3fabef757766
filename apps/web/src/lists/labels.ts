import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { dataOf } from '../api';
import { useOrganisations } from '../commands';
import { useConsole } from '../context';

/** Organisations of the directory by id (the commands layer's directory query): their names. */
export function useOrganisationNames(): (organisationId: string) => string {
  const { t } = useTranslation();
  const directory = useOrganisations();
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
