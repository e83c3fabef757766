import type { operations } from '@remedy/api-client';
import { Anchor, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { dataOf } from '../api';
import { ChartFigure, type ChartData } from '../charts';
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

/** Referrals: sent/received by count, answered, accepted. */
const REFERRAL_COLOURS = ['blue.8', 'teal.8', 'grape.7'] as const;

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

/** The row key of the cases nobody is assigned to (a caseworker's row is their opaque id). */
const UNASSIGNED = 'unassigned';

function OpenCases({ cells }: { cells: Cell[] }) {
  const { t } = useTranslation();
  const who = useWho();
  const title = t('dashboard.open.title');
  if (cells.length === 0)
    return (
      <section aria-labelledby="dashboard-open-title">
        <Title order={2} id="dashboard-open-title" mb="sm">
          {title}
        </Title>
        <Text>{t('dashboard.open.empty')}</Text>
      </section>
    );
  const caseworkers = [...new Map(cells.map((c) => [c.caseworkerId ?? UNASSIGNED, c])).entries()];
  const statuses = STATUSES.filter((s) => cells.some((c) => c.identificationStatus === s));
  const data: ChartData = {
    categoryLabel: t('dashboard.caseworker'),
    series: statuses.map((s) => ({
      key: s,
      label: t(`identification.${s}`),
      color: STATUS_COLOURS[s]!,
    })),
    rows: caseworkers.map(([key, cell]) => ({
      key,
      label: who(cell),
      values: Object.fromEntries(
        statuses.map((s) => [
          s,
          cells.find((c) => c.caseworkerId === cell.caseworkerId && c.identificationStatus === s)
            ?.count ?? 0,
        ]),
      ),
    })),
  };
  return (
    <ChartFigure
      id="dashboard-open"
      order={2}
      title={title}
      kind="bar"
      stacked
      data={data}
      cellLink={(row, status) =>
        row.values[status] === 0
          ? undefined
          : row.key === UNASSIGNED
            ? figurePath('unassigned', { identificationStatus: status })
            : figurePath('open', { caseworkerId: row.key, identificationStatus: status })
      }
    />
  );
}

const MEASURES = ['count', 'answered', 'accepted'] as const;

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
  const percent = (rate: number | null) =>
    rate === null
      ? t('dashboard.none')
      : new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 1 }).format(
          rate,
        );
  const directions = { sent, received };
  const data: ChartData = {
    categoryLabel: t('dashboard.referrals.direction'),
    series: MEASURES.map((m, i) => ({
      key: m,
      label: t(`dashboard.referrals.${m}`),
      color: REFERRAL_COLOURS[i]!,
    })),
    rows: (['sent', 'received'] as const).map((key) => ({
      key,
      label: t(`dashboard.referrals.${key}`),
      values: Object.fromEntries(MEASURES.map((m) => [m, directions[key][m]])),
    })),
    columns: [
      {
        key: 'rate',
        label: t('dashboard.referrals.rate'),
        values: { sent: percent(sent.acceptanceRate), received: percent(received.acceptanceRate) },
      },
      {
        key: 'timeToAnswer',
        label: t('dashboard.referrals.timeToAnswer'),
        values: {
          sent: days(sent.medianDaysToAnswer),
          received: days(received.medianDaysToAnswer),
        },
      },
    ],
  };
  return (
    <ChartFigure
      id="dashboard-referrals"
      order={2}
      title={t('dashboard.referrals.title')}
      description={t('dashboard.referrals.note')}
      kind="bar"
      data={data}
      cellLink={(row, measure) =>
        measure !== 'count'
          ? undefined
          : row.key === 'sent'
            ? figurePath('referred_out')
            : paths.referrals()
      }
    />
  );
}
