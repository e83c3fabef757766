import { Anchor, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { dataOf } from '../api';
import { useConsole } from '../context';
import { paths, useLinkProps } from '../router';

/**
 * A link to a case named by its reference (GET /cases/{caseId}, the case page's query, so it is
 * asked once); a case the caller can no longer read (404) says so instead.
 */
export function CaseReferenceLink({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const { api } = useConsole();
  const link = useLinkProps(paths.case(caseId));
  const detail = useQuery({
    queryKey: ['case', caseId],
    queryFn: async () => dataOf(await api.GET('/cases/{caseId}', { params: { path: { caseId } } })),
    retry: false,
  });
  if (detail.isError)
    return (
      <Text component="span" c="dimmed">
        {t('lists.caseGone')}
      </Text>
    );
  return <Anchor {...link}>{detail.data?.reference ?? t('lists.openCase')}</Anchor>;
}
