import type { operations } from '@remedy/api-client';
import {
  Anchor,
  Button,
  Checkbox,
  Group,
  Loader,
  NativeSelect,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { dataOf } from '../api';
import { useConsole } from '../context';
import { formatDate, formatDateTime, formatNumber } from '../format';
import { paths, useLinkProps } from '../router';
import { useSession } from '../lists/labels';
import { ErrorNotice } from './error-notice';

type ListQuery = NonNullable<operations['CasesController_list']['parameters']['query']>;
type CaseListItem =
  operations['CasesController_list']['responses'][200]['content']['application/json']['items'][number];

const STATUSES = ['open', 'closure_requested', 'closed'] as const;
const IDENTIFICATIONS = [
  'PossibleVictimOfTrafficking',
  'ActualVictimOfTrafficking',
  'NotAVictimOfTrafficking',
  'not_identified',
] as const;
const SORTS = ['last_activity', 'reference', 'next_deadline'] as const;
const PAGE_SIZE = 25;

interface Filters {
  readonly status: ListQuery['status'] | '';
  readonly identificationStatus: ListQuery['identificationStatus'] | '';
  readonly child: boolean;
  readonly hasOpenReferrals: boolean;
  /** Only the cases assigned to the person (their opaque user id: GET /session). */
  readonly mine: boolean;
  readonly sort: NonNullable<ListQuery['sort']>;
}

const NO_FILTERS: Filters = {
  status: '',
  identificationStatus: '',
  child: false,
  hasOpenReferrals: false,
  mine: false,
  sort: 'last_activity',
};

/**
 * The organisation's cases (GET /cases): filters and sort as the API offers them, keyset pages
 * (`nextCursor`; earlier pages from the cursors already seen), the next deadline. Filters are
 * kept in memory, not in the URL (the URL stays free of anything about a person).
 */
export default function CaseList({
  preset = {},
  heading,
}: {
  /** Fixed filters (the cases behind a dashboard figure), besides the person's own. */
  readonly preset?: Pick<ListQuery, 'figure' | 'caseworkerId' | 'identificationStatus'>;
  /** What the list shows, under the title (e.g. the figure). */
  readonly heading?: string;
} = {}) {
  const { t, i18n } = useTranslation();
  const { api } = useConsole();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  // cursors[i]: the cursor of page i (page 0 has none).
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const page = cursors.length - 1;
  const session = useSession();
  useDocumentTitle(`${t('cases.title')} · ${t('app.name')}`);

  const query: ListQuery = {
    limit: PAGE_SIZE,
    sort: filters.sort,
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.identificationStatus ? { identificationStatus: filters.identificationStatus } : {}),
    ...(filters.child ? { child: true } : {}),
    ...(filters.hasOpenReferrals ? { hasOpenReferrals: true } : {}),
    ...(filters.mine && session.data ? { caseworkerId: session.data.userId } : {}),
    ...(cursors[page] ? { cursor: cursors[page] } : {}),
    ...preset,
  };
  const list = useQuery({
    queryKey: ['cases', query],
    queryFn: async () => dataOf(await api.GET('/cases', { params: { query } })),
    placeholderData: keepPreviousData,
  });

  const change = (next: Partial<Filters>) => {
    setFilters({ ...filters, ...next });
    setCursors([undefined]);
  };

  return (
    <>
      <Title order={1} mb="md">
        {t('cases.title')}
      </Title>
      {heading && <Text mb="md">{heading}</Text>}
      <section aria-labelledby="case-filters">
        <Title order={2} size="h4" id="case-filters">
          {t('cases.filters')}
        </Title>
        <Group align="end" gap="md" my="sm">
          <NativeSelect
            label={t('cases.filter.status')}
            value={filters.status}
            onChange={(e) => change({ status: e.currentTarget.value as Filters['status'] })}
            data={[
              { value: '', label: t('cases.filter.any') },
              ...STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) })),
            ]}
          />
          <NativeSelect
            label={t('cases.filter.identification')}
            value={filters.identificationStatus}
            onChange={(e) =>
              change({
                identificationStatus: e.currentTarget.value as Filters['identificationStatus'],
              })
            }
            data={[
              { value: '', label: t('cases.filter.any') },
              ...IDENTIFICATIONS.map((s) => ({ value: s, label: t(`identification.${s}`) })),
            ]}
          />
          <NativeSelect
            label={t('cases.sort')}
            value={filters.sort}
            onChange={(e) => change({ sort: e.currentTarget.value as Filters['sort'] })}
            data={SORTS.map((s) => ({ value: s, label: t(`cases.sort.${s}`) }))}
          />
          <Checkbox
            label={t('cases.filter.child')}
            checked={filters.child}
            onChange={(e) => change({ child: e.currentTarget.checked })}
          />
          <Checkbox
            label={t('cases.filter.openReferrals')}
            checked={filters.hasOpenReferrals}
            onChange={(e) => change({ hasOpenReferrals: e.currentTarget.checked })}
          />
          <Checkbox
            label={t('lists.cases.mine')}
            checked={filters.mine}
            disabled={!session.data}
            onChange={(e) => change({ mine: e.currentTarget.checked })}
          />
        </Group>
      </section>
      {list.isPending ? (
        <Loader aria-label={t('app.loading')} />
      ) : list.isError ? (
        <ErrorNotice error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <>
          <Text role="status" size="sm" my="xs">
            {t('lists.cases.page', { page: page + 1 })} ·{' '}
            {t('cases.count', { count: list.data.items.length })}
          </Text>
          {list.data.items.length === 0 ? (
            <Text>{t('cases.empty')}</Text>
          ) : (
            <Table.ScrollContainer minWidth="48rem">
              <Table striped highlightOnHover data-testid="case-list">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('cases.col.reference')}</Table.Th>
                    <Table.Th scope="col">{t('cases.col.status')}</Table.Th>
                    <Table.Th scope="col">{t('cases.col.identification')}</Table.Th>
                    <Table.Th scope="col">{t('cases.col.child')}</Table.Th>
                    <Table.Th scope="col">{t('cases.col.referrals')}</Table.Th>
                    <Table.Th scope="col">{t('cases.col.deadline')}</Table.Th>
                    <Table.Th scope="col">{t('cases.col.activity')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.data.items.map((item) => (
                    <CaseRow key={item.caseId} item={item} language={i18n.language} />
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          <nav aria-label={t('cases.pages')}>
            <Group gap="sm" mt="md">
              <Button
                variant="default"
                disabled={page === 0}
                onClick={() => setCursors([undefined])}
              >
                {t('cases.first')}
              </Button>
              <Button
                variant="default"
                disabled={page === 0}
                onClick={() => setCursors(cursors.slice(0, -1))}
              >
                {t('cases.previous')}
              </Button>
              <Button
                variant="default"
                disabled={!list.data.nextCursor}
                onClick={() => setCursors([...cursors, list.data.nextCursor ?? undefined])}
              >
                {t('cases.next')}
              </Button>
            </Group>
          </nav>
        </>
      )}
    </>
  );
}

function CaseRow({ item, language }: { item: CaseListItem; language: string }) {
  const { t } = useTranslation();
  const link = useLinkProps(paths.case(item.caseId));
  return (
    <Table.Tr>
      <Table.Th scope="row">
        <Anchor {...link}>{item.reference}</Anchor>
      </Table.Th>
      <Table.Td>{t(`status.${item.status}`)}</Table.Td>
      <Table.Td>{t(`identification.${item.identificationStatus}`)}</Table.Td>
      <Table.Td>{item.childNow ? t('common.yes') : t('common.no')}</Table.Td>
      <Table.Td>{formatNumber(language, item.openReferrals)}</Table.Td>
      <Table.Td>
        {item.nextDeadline ? formatDate(language, item.nextDeadline) : t('common.none')}
      </Table.Td>
      <Table.Td>{formatDateTime(language, item.lastActivity)}</Table.Td>
    </Table.Tr>
  );
}
