import { Button, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { dataOf } from '../api';
import { useConsole } from '../context';
import { formatDate, formatDateTime, formatNumber } from '../format';
import { ErrorNotice } from '../screens/error-notice';
import { ListsDates, parseIsoDate } from './dates';
import { eventTypeMessage } from './event-types';
import { useCodeLists } from '../commands';
import { useOrganisationNames } from './labels';

const TIMELINE_PAGE = 50;

/**
 * A case's history on its page: the timeline (every event, when it occurred and when it was
 * recorded: a fact recorded late shows both) and the case as the system had recorded it at the
 * end of a chosen day (GET /cases/{caseId}/as-of).
 */
export function CaseHistory({ caseId }: { caseId: string }) {
  return (
    <ListsDates>
      <Stack gap="lg">
        <CaseTimeline caseId={caseId} />
        <CaseAsOf caseId={caseId} />
      </Stack>
    </ListsDates>
  );
}

export function CaseTimeline({ caseId }: { caseId: string }) {
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
  const language = i18n.language;
  return (
    <section aria-labelledby="case-timeline">
      <Title order={2} id="case-timeline" mb="xs">
        {t('lists.timeline.title')}
      </Title>
      {timeline.isPending ? (
        <Loader aria-label={t('app.loading')} />
      ) : timeline.isError ? (
        <ErrorNotice error={timeline.error} onRetry={() => void timeline.refetch()} />
      ) : (
        <>
          <Text size="sm" mb="xs">
            {t('lists.timeline.count', { count: events.length })}
          </Text>
          <Table.ScrollContainer minWidth="36rem">
            <Table striped data-testid="timeline">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('lists.timeline.event')}</Table.Th>
                  <Table.Th scope="col">{t('lists.timeline.occurred')}</Table.Th>
                  <Table.Th scope="col">{t('lists.timeline.recorded')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {events.map((event) => (
                  <Table.Tr key={event.revision} data-event-type={event.type}>
                    <Table.Td>{t(eventTypeMessage(event.type))}</Table.Td>
                    <Table.Td>{formatDateTime(language, event.occurredAt)}</Table.Td>
                    <Table.Td>{formatDateTime(language, event.recordedAt)}</Table.Td>
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
              {t('lists.timeline.more')}
            </Button>
          )}
        </>
      )}
    </section>
  );
}

/** The domain state the as-of route folds (readable facts only): the parts shown here. */
interface FoldedState {
  lifecycle?: 'not_opened' | 'open' | 'closed';
  victimStatus?: string;
  reflectionPeriod?: { endsOn?: string };
  age?: { presumedMinor?: boolean };
  liveConsents?: readonly string[];
  referrals?: Record<string, { toOrganisationId: string; status: string }>;
  guardians?: readonly string[];
  caseworkerId?: string;
  closureRequest?: unknown;
  erased?: boolean;
}

export function CaseAsOf({ caseId }: { caseId: string }) {
  const { t, i18n } = useTranslation();
  const { api } = useConsole();
  const [date, setDate] = useState<string | null>(null);
  const [shown, setShown] = useState<string | null>(null);
  // The end of the chosen day where the browser is: the case as it stood that evening.
  const recordedAt = shown ? dayjs(shown).endOf('day').toISOString() : undefined;
  const asOf = useQuery({
    queryKey: ['case', caseId, 'as-of', recordedAt],
    enabled: recordedAt !== undefined,
    queryFn: async () =>
      dataOf(
        await api.GET('/cases/{caseId}/as-of', {
          params: { path: { caseId }, query: { recordedAt: recordedAt! } },
        }),
      ),
  });
  const codes = useCodeLists();
  const organisation = useOrganisationNames();
  const language = i18n.language;
  const yesNo = (value: boolean) => (value ? t('common.yes') : t('common.no'));

  let body: ReactNode = null;
  if (shown && asOf.isPending) body = <Loader aria-label={t('app.loading')} />;
  else if (asOf.isError)
    body = <ErrorNotice error={asOf.error} onRetry={() => void asOf.refetch()} />;
  else if (asOf.data && shown) {
    const view = asOf.data;
    const state = view.state as FoldedState;
    const referrals = Object.values(state.referrals ?? {});
    const heading = t('lists.asOf.result', { date: formatDate(language, shown) });
    body =
      view.revision === null ? (
        <Text role="status">{t('lists.asOf.notYet', { date: formatDate(language, shown) })}</Text>
      ) : (
        <section aria-label={heading} data-testid="as-of">
          <Text role="status" fw={700} mb="xs">
            {heading}
          </Text>
          <Table variant="vertical" withTableBorder>
            <Table.Tbody>
              {(
                [
                  [t('lists.asOf.events'), formatNumber(language, view.events)],
                  [
                    t('lists.asOf.status'),
                    state.closureRequest
                      ? t('status.closure_requested')
                      : state.lifecycle === 'closed'
                        ? t('status.closed')
                        : t('status.open'),
                  ],
                  [
                    t('lists.asOf.victimStatus'),
                    state.victimStatus
                      ? codes.label('victim-statuses', state.victimStatus)
                      : t('common.none'),
                  ],
                  [t('lists.asOf.presumedMinor'), yesNo(Boolean(state.age?.presumedMinor))],
                  [
                    t('lists.asOf.reflectionEnds'),
                    state.reflectionPeriod?.endsOn
                      ? formatDate(language, state.reflectionPeriod.endsOn)
                      : t('common.none'),
                  ],
                  [
                    t('lists.asOf.consents'),
                    formatNumber(language, state.liveConsents?.length ?? 0),
                  ],
                  [
                    t('lists.asOf.referrals'),
                    referrals.length === 0
                      ? t('common.none')
                      : referrals
                          .map((r) =>
                            t('lists.asOf.referral', {
                              organisation: organisation(r.toOrganisationId),
                              status: t(`lists.referrals.status.${r.status}`),
                            }),
                          )
                          .join('; '),
                  ],
                  [t('lists.asOf.guardians'), formatNumber(language, state.guardians?.length ?? 0)],
                  [t('lists.asOf.assigned'), yesNo(Boolean(state.caseworkerId))],
                ] as [string, ReactNode][]
              ).map(([label, value]) => (
                <Table.Tr key={label}>
                  <Table.Th scope="row" w="16rem">
                    {label}
                  </Table.Th>
                  <Table.Td>{value}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </section>
      );
  }

  return (
    <section aria-labelledby="case-as-of">
      <Title order={2} id="case-as-of" mb="xs">
        {t('lists.asOf.title')}
      </Title>
      <Text size="sm" mb="xs">
        {t('lists.asOf.intro')}
      </Text>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (date) setShown(date);
        }}
      >
        <Group align="end" gap="sm" mb="sm">
          <DateInput
            label={t('lists.asOf.date')}
            description={t('lists.dateFormatHint')}
            value={date}
            onChange={setDate}
            dateParser={parseIsoDate}
            maxDate={dayjs().format('YYYY-MM-DD')}
            popoverProps={{ withinPortal: true }}
            w="16rem"
          />
          <Button type="submit" disabled={!date}>
            {t('lists.asOf.show')}
          </Button>
        </Group>
      </form>
      {body}
    </section>
  );
}
