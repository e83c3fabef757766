import type { operations } from '@remedy/api-client';
import { BarChart } from '@mantine/charts';
import { Anchor, Loader, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { dataOf } from '../api';
import { useConsole } from '../context';
import { formatDate, formatNumber } from '../format';
import { paths, useLinkProps } from '../router';
import { ErrorNotice } from '../screens/error-notice';
import { figurePath, type Figure } from './figures';

type Dashboard =
  operations['DashboardController_supervisor']['responses'][200]['content']['application/json'];
type Cell = Dashboard['openCases'][number];
type Referrals = Dashboard['referralsSent'];

const STATUS_COLOURS: Record<string, string> = {
  ActualVictimOfTrafficking: 'red.8',
  PossibleVictimOfTrafficking: 'orange.8',
  NotAVictimOfTrafficking: 'gray.7',
  not_identified: 'blue.8',
};
const STATUSES = Object.keys(STATUS_COLOURS);

/**
 * Axes for counts (whole numbers). The charts stay left to right in Arabic (@mantine/charts sets
 * `dir="ltr"` on them: recharts has no right-to-left layout); their data tables follow the page.
 */
const AXES = { yAxisProps: { allowDecimals: false } } as const;

/**
 * The supervisor's dashboard (GET /dashboard/supervisor): headline figures, open cases by status
 * and caseworker, referrals sent and received; each chart with its data table; every figure a link
 * to the cases behind it.
 */
export function SupervisorDashboardScreen() {
  const { t } = useTranslation();
  const { api } = useConsole();
  useDocumentTitle(`${t('dashboard.title')} · ${t('app.name')}`);
  const dashboard = useQuery({
    queryKey: ['dashboard', 'supervisor'],
    queryFn: async () => dataOf(await api.GET('/dashboard/supervisor')),
  });
  return (
    <Stack gap="lg">
      <Title order={1}>{t('dashboard.title')}</Title>
      {dashboard.isPending ? (
        <Loader aria-label={t('app.loading')} />
      ) : dashboard.isError ? (
        <ErrorNotice error={dashboard.error} onRetry={() => void dashboard.refetch()} />
      ) : (
        <DashboardBody data={dashboard.data} />
      )}
    </Stack>
  );
}

function DashboardBody({ data }: { data: Dashboard }) {
  const { t, i18n } = useTranslation();
  const days = (value: number | null) =>
    value === null ? t('dashboard.none') : t('dashboard.days', { count: value });
  return (
    <>
      <Text>{t('dashboard.intro', { date: formatDate(i18n.language, data.today) })}</Text>
      <section aria-labelledby="dashboard-headline">
        <Title order={2} id="dashboard-headline" mb="sm">
          {t('dashboard.headline')}
        </Title>
        <div className="dashboard-figures">
          <FigureCard figure="open" value={data.openTotal} />
          <FigureCard figure="reflection_7" value={data.reflectionEndingIn7Days} />
          <FigureCard figure="reflection_30" value={data.reflectionEndingIn30Days} />
          <FigureCard figure="assessment_awaited" value={data.childrenAwaitingAssessment} />
          <FigureCard figure="closure_requested" value={data.closuresAwaitingApproval} />
          <FigureCard figure="reminders_overdue" value={data.overdueReminders} />
          <FigureCard
            figure="assisted"
            value={data.firstAssistance.medianDays}
            text={days(data.firstAssistance.medianDays)}
            note={t('dashboard.firstAssistance.note', { count: data.firstAssistance.cases })}
          />
        </div>
      </section>
      <OpenCases cells={data.openCases} />
      <ReferralSection sent={data.referralsSent} received={data.referralsReceived} days={days} />
    </>
  );
}

/** One headline figure: its name, its value as a link to the cases behind it, a note. */
function FigureCard({
  figure,
  value,
  text,
  note,
}: {
  figure: Figure;
  value: number | null;
  text?: string;
  note?: string;
}) {
  const { t, i18n } = useTranslation();
  const link = useLinkProps(figurePath(figure));
  const shown = text ?? formatNumber(i18n.language, value ?? 0);
  return (
    <Paper withBorder p="md">
      <Title order={3} size="h5" id={`dashboard-figure-${figure}`}>
        {t(`dashboard.figure.${figure}`)}
      </Title>
      <Anchor
        {...link}
        fz="xl"
        fw={700}
        data-testid={`dashboard-figure-${figure}`}
        aria-describedby={`dashboard-figure-${figure}`}
      >
        {shown}
      </Anchor>
      {note && (
        <Text size="sm" c="dimmed">
          {note}
        </Text>
      )}
    </Paper>
  );
}

/** A caseworker's label: their name, or "not assigned". */
function useWho() {
  const { t } = useTranslation();
  return (cell: Pick<Cell, 'caseworkerName'>) =>
    cell.caseworkerName ?? t('dashboard.caseworker.none');
}

function OpenCases({ cells }: { cells: Cell[] }) {
  const { t, i18n } = useTranslation();
  const who = useWho();
  const rows = [...new Map(cells.map((c) => [c.caseworkerId ?? '', c])).values()];
  const statuses = STATUSES.filter((s) => cells.some((c) => c.identificationStatus === s));
  const countOf = (caseworkerId: string | null, status: string) =>
    cells.find((c) => c.caseworkerId === caseworkerId && c.identificationStatus === status)
      ?.count ?? 0;
  const chart = rows.map((r) => ({
    caseworker: who(r),
    ...Object.fromEntries(statuses.map((s) => [s, countOf(r.caseworkerId, s)])),
  }));
  return (
    <section aria-labelledby="dashboard-open">
      <Title order={2} id="dashboard-open" mb="sm">
        {t('dashboard.open.title')}
      </Title>
      {rows.length === 0 ? (
        <Text>{t('dashboard.open.empty')}</Text>
      ) : (
        <>
          <figure aria-label={t('dashboard.open.chart')} className="dashboard-chart">
            <BarChart
              h={260}
              data={chart}
              dataKey="caseworker"
              type="stacked"
              withLegend
              series={statuses.map((s) => ({
                name: s,
                label: t(`identification.${s}`),
                color: STATUS_COLOURS[s]!,
              }))}
              valueFormatter={(v) => formatNumber(i18n.language, v)}
              {...AXES}
            />
          </figure>
          <Table.ScrollContainer minWidth="30rem">
            <Table striped data-testid="dashboard-open-table">
              <Table.Caption>{t('dashboard.open.table')}</Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('dashboard.caseworker')}</Table.Th>
                  {statuses.map((s) => (
                    <Table.Th scope="col" key={s}>
                      {t(`identification.${s}`)}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((r) => (
                  <Table.Tr key={r.caseworkerId ?? ''}>
                    <Table.Th scope="row">{who(r)}</Table.Th>
                    {statuses.map((s) => (
                      <Table.Td key={s}>
                        <CellLink
                          count={countOf(r.caseworkerId, s)}
                          caseworkerId={r.caseworkerId}
                          status={s}
                        />
                      </Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </section>
  );
}

function CellLink({
  count,
  caseworkerId,
  status,
}: {
  count: number;
  caseworkerId: string | null;
  status: string;
}) {
  const { i18n } = useTranslation();
  const link = useLinkProps(
    caseworkerId
      ? figurePath('open', { caseworkerId, identificationStatus: status })
      : figurePath('unassigned', { identificationStatus: status }),
  );
  if (count === 0) return <>{formatNumber(i18n.language, 0)}</>;
  return <Anchor {...link}>{formatNumber(i18n.language, count)}</Anchor>;
}

function ReferralSection({
  sent,
  received,
  days,
}: {
  sent: Referrals;
  received: Referrals;
  days: (value: number | null) => string;
}) {
  const { t, i18n } = useTranslation();
  const sentLink = useLinkProps(figurePath('referred_out'));
  const receivedLink = useLinkProps(paths.referrals());
  const percent = (rate: number | null) =>
    rate === null
      ? t('dashboard.none')
      : new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 1 }).format(
          rate,
        );
  const measures = ['count', 'answered', 'accepted'] as const;
  const chart = measures.map((m) => ({
    measure: t(`dashboard.referrals.${m}`),
    sent: sent[m],
    received: received[m],
  }));
  const rows = [
    { key: 'sent', figures: sent, link: sentLink },
    { key: 'received', figures: received, link: receivedLink },
  ] as const;
  return (
    <section aria-labelledby="dashboard-referrals">
      <Title order={2} id="dashboard-referrals" mb="sm">
        {t('dashboard.referrals.title')}
      </Title>
      <figure aria-label={t('dashboard.referrals.chart')} className="dashboard-chart">
        <BarChart
          h={220}
          data={chart}
          dataKey="measure"
          withLegend
          series={[
            { name: 'sent', label: t('dashboard.referrals.sent'), color: 'blue.8' },
            { name: 'received', label: t('dashboard.referrals.received'), color: 'teal.8' },
          ]}
          valueFormatter={(v) => formatNumber(i18n.language, v)}
          {...AXES}
        />
      </figure>
      <Table.ScrollContainer minWidth="30rem">
        <Table striped data-testid="dashboard-referrals-table">
          <Table.Caption>{t('dashboard.referrals.table')}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('dashboard.referrals.direction')}</Table.Th>
              {measures.map((m) => (
                <Table.Th scope="col" key={m}>
                  {t(`dashboard.referrals.${m}`)}
                </Table.Th>
              ))}
              <Table.Th scope="col">{t('dashboard.referrals.rate')}</Table.Th>
              <Table.Th scope="col">{t('dashboard.referrals.timeToAnswer')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map(({ key, figures, link }) => (
              <Table.Tr key={key} data-testid={`dashboard-referrals-${key}`}>
                <Table.Th scope="row">{t(`dashboard.referrals.${key}`)}</Table.Th>
                <Table.Td>
                  <Anchor {...link}>{formatNumber(i18n.language, figures.count)}</Anchor>
                </Table.Td>
                <Table.Td>{formatNumber(i18n.language, figures.answered)}</Table.Td>
                <Table.Td>{formatNumber(i18n.language, figures.accepted)}</Table.Td>
                <Table.Td>{percent(figures.acceptanceRate)}</Table.Td>
                <Table.Td>{days(figures.medianDaysToAnswer)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Text size="sm" c="dimmed">
        {t('dashboard.referrals.note')}
      </Text>
    </section>
  );
}
