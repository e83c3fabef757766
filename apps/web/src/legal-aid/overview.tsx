import { Calendar, DatesProvider } from '@mantine/dates';
import { Button, Group, Indicator, Loader, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { dataOf } from '../api';
import { latestPositionHeader, useCodeLists } from '../commands';
import { useConsole } from '../context';
import { formatDate, formatShare } from '../format';
import { ErrorNotice } from '../screens/error-notice';
import { CaseLink, Section, TotalsTable, useMoney } from './shared';

/** dayjs's locale names for the console's languages (as the command forms). */
const DAYJS_LOCALE: Record<string, string> = { zh: 'zh-cn' };
const WINDOWS = ['30', '90', '366'] as const;

/** A read's loading and failure states; `children` once it answered. */
function Loaded<T>({
  query,
  children,
}: {
  query: {
    isPending: boolean;
    isError: boolean;
    error: unknown;
    data: T | undefined;
    refetch: () => unknown;
  };
  children: (data: T) => ReactNode;
}) {
  const { t } = useTranslation();
  if (query.isPending) return <Loader aria-label={t('app.loading')} />;
  if (query.isError || query.data === undefined)
    return <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />;
  return <>{children(query.data)}</>;
}

/**
 * The lawyer's overview (/console/legal-aid): the cases the organisation reaches, the portfolio by
 * avenue and status (per currency), the deadlines as a list and a calendar, and the outcome
 * figures by avenue and year.
 */
export function LegalAidOverview() {
  const { t } = useTranslation();
  useDocumentTitle(`${t('legalaid.title')} · ${t('app.name')}`);
  return (
    <Stack gap="xl">
      <Title order={1}>{t('legalaid.title')}</Title>
      <Cases />
      <PortfolioSection />
      <DeadlinesSection />
      <OutcomesSection />
    </Stack>
  );
}

function Cases() {
  const { t } = useTranslation();
  const { api } = useConsole();
  const codes = useCodeLists();
  const cases = useQuery({
    queryKey: ['legal-aid', 'cases', latestPositionHeader()],
    queryFn: async () =>
      dataOf(
        await api.GET('/legal-aid/cases', {
          params: { query: { limit: 200 }, header: latestPositionHeader() },
        }),
      ),
  });
  return (
    <Section id="legalaid-cases" title={t('legalaid.cases.title')}>
      <Loaded query={cases}>
        {(data) =>
          data.items.length === 0 ? (
            <Text>{t('legalaid.cases.none')}</Text>
          ) : (
            <Table.ScrollContainer minWidth="30rem">
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('legalaid.col.reference')}</Table.Th>
                    <Table.Th scope="col">{t('legalaid.col.access')}</Table.Th>
                    <Table.Th scope="col">{t('legalaid.col.identification')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.items.map((c) => (
                    <Table.Tr key={c.caseId}>
                      <Table.Td>
                        <CaseLink caseId={c.caseId} reference={c.reference} />
                      </Table.Td>
                      <Table.Td>{t(`legalaid.access.${c.access}`)}</Table.Td>
                      <Table.Td>
                        {c.identificationStatus === 'not_identified'
                          ? t('legalaid.notIdentified')
                          : codes.label('victim-statuses', c.identificationStatus)}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )
        }
      </Loaded>
    </Section>
  );
}

function PortfolioSection() {
  const { t } = useTranslation();
  const { api } = useConsole();
  const codes = useCodeLists();
  const money = useMoney();
  const portfolio = useQuery({
    queryKey: ['legal-aid', 'portfolio', latestPositionHeader()],
    queryFn: async () =>
      dataOf(await api.GET('/legal-aid/portfolio', { params: { header: latestPositionHeader() } })),
  });
  return (
    <Section id="legalaid-portfolio" title={t('legalaid.portfolio.title')}>
      <Loaded query={portfolio}>
        {(data) => (
          <Stack gap="md">
            <TotalsTable totals={data.totals} testId="portfolio-totals" />
            {data.byAvenueAndStatus.length > 0 && (
              <Table.ScrollContainer minWidth="48rem">
                <Table striped withTableBorder data-testid="portfolio-groups">
                  <Table.Caption>{t('legalaid.portfolio.caption')}</Table.Caption>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">{t('legalaid.col.avenue')}</Table.Th>
                      <Table.Th scope="col">{t('legalaid.col.status')}</Table.Th>
                      <Table.Th scope="col">{t('legalaid.col.currency')}</Table.Th>
                      <Table.Th scope="col">{t('legalaid.col.claims')}</Table.Th>
                      <Table.Th scope="col">{t('legalaid.col.claimed')}</Table.Th>
                      <Table.Th scope="col">{t('legalaid.col.awarded')}</Table.Th>
                      <Table.Th scope="col">{t('legalaid.col.paid')}</Table.Th>
                      <Table.Th scope="col">{t('legalaid.col.outstanding')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.byAvenueAndStatus.map((g) => (
                      <Table.Tr key={`${g.avenue}-${g.status}-${g.currency}`}>
                        <Table.Td>{codes.label('remedy-avenues', g.avenue)}</Table.Td>
                        <Table.Td>{codes.label('claim-statuses', g.status)}</Table.Td>
                        <Table.Td>{g.currency}</Table.Td>
                        <Table.Td>{g.claims}</Table.Td>
                        <Table.Td>{money(g.claimed, g.currency)}</Table.Td>
                        <Table.Td>{money(g.awarded, g.currency)}</Table.Td>
                        <Table.Td>{money(g.paid, g.currency)}</Table.Td>
                        <Table.Td>{money(g.outstanding, g.currency)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Stack>
        )}
      </Loaded>
    </Section>
  );
}

function DeadlinesSection() {
  const { t, i18n } = useTranslation();
  const { api } = useConsole();
  const codes = useCodeLists();
  const [days, setDays] = useState<string>('90');
  const [day, setDay] = useState<string | null>(null);
  const deadlines = useQuery({
    queryKey: ['legal-aid', 'deadlines', days, latestPositionHeader()],
    queryFn: async () =>
      dataOf(
        await api.GET('/legal-aid/deadlines', {
          params: { query: { days: Number(days) }, header: latestPositionHeader() },
        }),
      ),
  });
  const language = i18n.language;
  return (
    <Section id="legalaid-deadlines" title={t('legalaid.deadlines.title')}>
      <Stack gap="md">
        <Select
          label={t('legalaid.deadlines.window')}
          data={WINDOWS.map((value) => ({
            value,
            label: t('legalaid.deadlines.days', { count: Number(value) }),
          }))}
          value={days}
          onChange={(value) => value && setDays(value)}
          allowDeselect={false}
          maw="16rem"
        />
        <Loaded query={deadlines}>
          {(data) => {
            const byDay = new Map<string, number>();
            for (const d of data.items) byDay.set(d.dueOn, (byDay.get(d.dueOn) ?? 0) + 1);
            const shown = day ? data.items.filter((d) => d.dueOn === day) : data.items;
            return (
              <Group align="flex-start" gap="xl">
                <DatesProvider
                  settings={{ locale: DAYJS_LOCALE[language] ?? language, firstDayOfWeek: 1 }}
                >
                  <div data-testid="deadline-calendar">
                    <Text size="sm" mb="xs">
                      {t('legalaid.deadlines.calendarHelp')}
                    </Text>
                    <Calendar
                      minDate={data.from}
                      maxDate={data.to}
                      maxLevel="month"
                      // Weekend and outside days are greyed or red in Mantine: too little contrast.
                      weekendDays={[]}
                      hideOutsideDates
                      ariaLabels={{
                        nextMonth: t('legalaid.calendar.nextMonth'),
                        previousMonth: t('legalaid.calendar.previousMonth'),
                      }}
                      getDayProps={(date) => {
                        const count = byDay.get(date) ?? 0;
                        // The long date names the day by the number shown (axe: label in name).
                        const name = formatDate(language, date, 'long');
                        return {
                          selected: date === day,
                          onClick: () => count > 0 && setDay(date === day ? null : date),
                          'aria-label':
                            count > 0
                              ? t('legalaid.deadlines.dayWith', { date: name, count })
                              : name,
                          ...(count > 0 ? { 'data-deadlines': count } : {}),
                        };
                      }}
                      renderDay={(date) => {
                        const count = byDay.get(date) ?? 0;
                        const number = Number(date.slice(8, 10));
                        return count > 0 ? (
                          <Indicator size={8} color="red" offset={-2}>
                            <strong>{number}</strong>
                          </Indicator>
                        ) : (
                          number
                        );
                      }}
                    />
                  </div>
                </DatesProvider>
                <Stack gap="xs" style={{ flex: 1, minWidth: '20rem' }}>
                  {day && (
                    <Text size="sm">
                      {t('legalaid.deadlines.onDay', { date: formatDate(language, day) })}{' '}
                      <Button variant="subtle" size="compact-sm" onClick={() => setDay(null)}>
                        {t('legalaid.deadlines.allDays')}
                      </Button>
                    </Text>
                  )}
                  {shown.length === 0 ? (
                    <Text>{t('legalaid.deadlines.none')}</Text>
                  ) : (
                    <Table.ScrollContainer minWidth="30rem">
                      <Table striped data-testid="deadline-list">
                        <Table.Thead>
                          <Table.Tr>
                            <Table.Th scope="col">{t('legalaid.col.dueOn')}</Table.Th>
                            <Table.Th scope="col">{t('legalaid.col.deadline')}</Table.Th>
                            <Table.Th scope="col">{t('legalaid.col.reference')}</Table.Th>
                            <Table.Th scope="col">{t('legalaid.col.avenue')}</Table.Th>
                          </Table.Tr>
                        </Table.Thead>
                        <Table.Tbody>
                          {shown.map((d) => (
                            <Table.Tr key={`${d.claimId}-${d.kind}-${d.subjectId}-${d.dueOn}`}>
                              <Table.Td>{formatDate(language, d.dueOn)}</Table.Td>
                              <Table.Td>{t(`legalaid.deadline.${d.kind}`)}</Table.Td>
                              <Table.Td>
                                <CaseLink caseId={d.caseId} reference={d.reference} />
                              </Table.Td>
                              <Table.Td>{codes.label('remedy-avenues', d.avenue)}</Table.Td>
                            </Table.Tr>
                          ))}
                        </Table.Tbody>
                      </Table>
                    </Table.ScrollContainer>
                  )}
                </Stack>
              </Group>
            );
          }}
        </Loaded>
      </Stack>
    </Section>
  );
}

function OutcomesSection() {
  const { t, i18n } = useTranslation();
  const { api } = useConsole();
  const codes = useCodeLists();
  const money = useMoney();
  const outcomes = useQuery({
    queryKey: ['legal-aid', 'outcomes', latestPositionHeader()],
    queryFn: async () =>
      dataOf(await api.GET('/legal-aid/outcomes', { params: { header: latestPositionHeader() } })),
  });
  return (
    <Section id="legalaid-outcomes" title={t('legalaid.outcomes.title')}>
      <Loaded query={outcomes}>
        {(data) =>
          data.rows.length === 0 ? (
            <Text>{t('legalaid.claims.none')}</Text>
          ) : (
            <Stack gap="xs">
              <Text size="sm">
                {data.referenceCurrency
                  ? t('legalaid.outcomes.intro', { currency: data.referenceCurrency })
                  : t('legalaid.outcomes.noRates')}
              </Text>
              <Table.ScrollContainer minWidth="56rem">
                <Table striped withTableBorder data-testid="outcomes">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">{t('legalaid.col.avenue')}</Table.Th>
                      <Table.Th scope="col">{t('legalaid.col.year')}</Table.Th>
                      <Table.Th scope="col">{t('legalaid.col.filed')}</Table.Th>
                      <Table.Th scope="col">{t('legalaid.col.decided')}</Table.Th>
                      <Table.Th scope="col">{t('legalaid.col.awardedClaims')}</Table.Th>
                      <Table.Th scope="col">{t('legalaid.col.paidInFull')}</Table.Th>
                      <Table.Th scope="col">{t('legalaid.col.paidInPart')}</Table.Th>
                      <Table.Th scope="col">{t('legalaid.col.awarded')}</Table.Th>
                      <Table.Th scope="col">{t('legalaid.col.paid')}</Table.Th>
                      <Table.Th scope="col">{t('legalaid.col.sharePaid')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.rows.flatMap((r) => {
                      const sums = [
                        ...(r.converted.claims > 0 ? [r.converted] : []),
                        ...r.unconverted.map((u) => ({
                          ...u,
                          sharePaid: u.awarded > 0 ? u.paid / u.awarded : null,
                        })),
                      ];
                      const money3 = (s: (typeof sums)[number] | undefined) =>
                        s
                          ? [
                              money(s.awarded, s.currency),
                              money(s.paid, s.currency),
                              s.sharePaid === null ? '–' : formatShare(i18n.language, s.sharePaid),
                            ]
                          : ['–', '–', '–'];
                      return (sums.length > 0 ? sums : [undefined]).map((s, i) => (
                        <Table.Tr key={`${r.avenue}-${r.year}-${s?.currency ?? ''}`}>
                          {i === 0 ? (
                            <>
                              <Table.Td rowSpan={sums.length || 1}>
                                {codes.label('remedy-avenues', r.avenue)}
                              </Table.Td>
                              <Table.Td rowSpan={sums.length || 1}>{r.year}</Table.Td>
                              <Table.Td rowSpan={sums.length || 1}>{r.filed}</Table.Td>
                              <Table.Td rowSpan={sums.length || 1}>{r.decided}</Table.Td>
                              <Table.Td rowSpan={sums.length || 1}>{r.awarded}</Table.Td>
                              <Table.Td rowSpan={sums.length || 1}>{r.paidInFull}</Table.Td>
                              <Table.Td rowSpan={sums.length || 1}>{r.paidInPart}</Table.Td>
                            </>
                          ) : null}
                          {money3(s).map((v, j) => (
                            <Table.Td key={j}>{v}</Table.Td>
                          ))}
                        </Table.Tr>
                      ));
                    })}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Stack>
          )
        }
      </Loaded>
    </Section>
  );
}
