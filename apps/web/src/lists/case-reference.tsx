import { Anchor, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { caseQuery } from '../commands';
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
  // Asked again whenever shown: a case whose sharing ended is gone on the next page.
  const detail = useQuery({ ...caseQuery(api, caseId), retry: false, refetchOnMount: 'always' });
  if (detail.isError)
    return (
      <Text component="span" c="dimmed">
        {t('lists.caseGone')}
      </Text>
    );
  return <Anchor {...link}>{detail.data?.reference ?? t('lists.openCase')}</Anchor>;
}
