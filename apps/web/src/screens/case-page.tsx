import { Alert, Anchor, Button, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, dataOf } from '../api';
import { useConsole } from '../context';
import { formatDate, formatDateTime, formatNumber } from '../format';
import { paths, useLinkProps } from '../router';
import { ErrorNotice } from './error-notice';

const TIMELINE_PAGE = 50;

/**
 * One case, read-only: its profile (GET /cases/{caseId}, personal fields as the API decrypted
 * them for this caller: the API decides who sees them) and its timeline (GET
 * /cases/{caseId}/timeline, pages by revision). The page title names the case reference, never
 * the person.
 */
export default function CasePage({ caseId }: { caseId: string }) {
  const { t, i18n } = useTranslation();
  const { api } = useConsole();
  const back = useLinkProps(paths.cases());
  const detail = useQuery({
    queryKey: ['case', caseId],
    queryFn: async () => dataOf(await api.GET('/cases/{caseId}', { params: { path: { caseId } } })),
  });
  useDocumentTitle(
    detail.data
      ? `${t('case.title', { reference: detail.data.reference })} · ${t('app.name')}`
      : t('app.name'),
  );
  const language = i18n.language;

  let body: ReactNode;
  if (detail.isPending) body = <Loader aria-label={t('app.loading')} />;
  else if (detail.isError)
    body =
      detail.error instanceof ApiError && detail.error.status === 404 ? (
        <>
          <Title order={1}>{t('notFound.title')}</Title>
          <Alert color="yellow" role="status">
            {t('case.notFound')}
          </Alert>
        </>
      ) : (
        <ErrorNotice error={detail.error} onRetry={() => void detail.refetch()} />
      );
  else {
    const c = detail.data;
    const yesNo = (value: boolean) => (value ? t('common.yes') : t('common.no'));
    const rows: [string, ReactNode][] = [
      [t('case.reference'), c.reference],
      [t('case.status'), t(`status.${c.status}`)],
      [t('case.identification'), t(`identification.${c.identificationStatus}`)],
      [t('case.openedAt'), formatDateTime(language, c.openedAt)],
      [t('case.presumedMinor'), yesNo(c.presumedMinor)],
      [t('case.childNow'), yesNo(c.childNow)],
      [
        t('case.reflectionEnds'),
        c.reflectionPeriodEndsOn
          ? formatDate(language, c.reflectionPeriodEndsOn)
          : t('common.none'),
      ],
      [
        t('case.nextDeadline'),
        c.nextDeadline ? formatDate(language, c.nextDeadline) : t('common.none'),
      ],
      [t('case.caseworker'), c.assignedCaseworkerId ?? t('case.unassigned')],
      [t('case.openReferrals'), formatNumber(language, c.openReferrals)],
      [
        t('case.bestInterestsPending'),
        c.bestInterestsPending.length > 0 ? c.bestInterestsPending.join(', ') : t('common.none'),
      ],
    ];
    const personal = Object.entries(c.personal ?? {});
    body = (
      <Stack gap="lg">
        <Title order={1}>{t('case.title', { reference: c.reference })}</Title>
        {c.erased && (
          <Alert color="gray" role="status">
            {t('case.erased')}
          </Alert>
        )}
        <section aria-labelledby="case-profile">
          <Title order={2} id="case-profile" mb="xs">
            {t('case.profile')}
          </Title>
          <KeyValues rows={rows} />
        </section>
        <section aria-labelledby="case-personal">
          <Title order={2} id="case-personal" mb="xs">
            {t('case.personal')}
          </Title>
          {personal.length === 0 ? (
            <Text>{t('case.noPersonal')}</Text>
          ) : (
            <KeyValues
              rows={personal.flatMap(([topic, view]): [string, ReactNode][] =>
                view.erased || view.value === undefined
                  ? [[topic, t('case.personalErased')]]
                  : Object.entries(view.value as Record<string, unknown>).map(([field, value]) => [
                      field,
                      show(value),
                    ]),
              )}
            />
          )}
        </section>
        <Timeline caseId={caseId} />
      </Stack>
    );
  }
  return (
    <Stack gap="md">
      <Anchor {...back}>{t('case.back')}</Anchor>
      {body}
    </Stack>
  );
}

/** A personal field's value as text (the API's decrypted JSON). */
function show(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(show).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function KeyValues({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <Table variant="vertical" withTableBorder>
      <Table.Tbody>
        {rows.map(([label, value]) => (
          <Table.Tr key={label}>
            <Table.Th scope="row" w="16rem">
              {label}
            </Table.Th>
            <Table.Td>{value}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function Timeline({ caseId }: { caseId: string }) {
  const { t, i18n } = useTranslation();
  const { api } = useConsole();
  const timeline = useInfiniteQuery({
    queryKey: ['case', caseId, 'timeline'],
    initialPageParam: undefined as number | undefined,
    queryFn: async ({ pageParam }) =>
      dataOf(
        await api.GET('/cases/{caseId}/timeline', {
          params: {
            path: { caseId },
            query: {
              limit: TIMELINE_PAGE,
              ...(pageParam !== undefined ? { afterRevision: pageParam } : {}),
            },
          },
        }),
      ),
    getNextPageParam: (last) =>
      last.nextAfterRevision === null ? undefined : last.nextAfterRevision,
  });
  const events = timeline.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="case-timeline">
      <Title order={2} id="case-timeline" mb="xs">
        {t('case.timeline')}
      </Title>
      {timeline.isPending ? (
        <Loader aria-label={t('app.loading')} />
      ) : timeline.isError ? (
        <ErrorNotice error={timeline.error} onRetry={() => void timeline.refetch()} />
      ) : (
        <>
          <Text size="sm" mb="xs">
            {t('timeline.count', { count: events.length })}
          </Text>
          <Table.ScrollContainer minWidth="36rem">
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('timeline.col.event')}</Table.Th>
                  <Table.Th scope="col">{t('timeline.col.occurred')}</Table.Th>
                  <Table.Th scope="col">{t('timeline.col.recorded')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {events.map((event) => (
                  <Table.Tr key={event.revision}>
                    <Table.Td>
                      <code>{event.type}</code>
                    </Table.Td>
                    <Table.Td>{formatDateTime(i18n.language, event.occurredAt)}</Table.Td>
                    <Table.Td>{formatDateTime(i18n.language, event.recordedAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {timeline.hasNextPage && (
            <Button
              variant="default"
              mt="sm"
              loading={timeline.isFetchingNextPage}
              onClick={() => void timeline.fetchNextPage()}
            >
              {t('timeline.more')}
            </Button>
          )}
        </>
      )}
    </section>
  );
}
