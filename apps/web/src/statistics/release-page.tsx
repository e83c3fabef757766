import { Alert, Anchor, Code, Loader, Progress, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { components } from '@remedy/api-client';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { dataOf } from '../api';
import { useCodeLists } from '../commands/code-lists';
import { ChartFigure, type ChartData } from '../charts';
import { useConsole } from '../context';
import { formatMoney } from '../format';
import { paths, useLinkProps } from '../router';
import { NationalReportButton } from '../report/report-button';
import { ErrorNotice } from '../screens/error-notice';
import { MethodText, releaseQuery } from './home';
import { useStatisticsLabels } from './labels';
import type { ReleaseDocument, VerifiedRelease } from './release';
import { tableViews } from './views';

type ReleaseStatusView = components['schemas']['ReleaseStatusView'];

/** Rows beyond which bars lie down (categories listed down the side, readable labels). */
const MANY_ROWS = 8;

/** A release: its status while it is built, then its charts once its signature is verified. */
export function ReleasePage({ releaseId }: { releaseId: string }) {
  const { t, i18n } = useTranslation();
  const { api } = useConsole();
  const back = useLinkProps(paths.statistics());
  const status = useQuery({
    queryKey: ['statistics', 'release-status', releaseId],
    // Without a format the answer is the status (the union also names the document and CSV).
    queryFn: async () =>
      dataOf(
        await api.GET('/statistics/releases/{release}', {
          params: { path: { release: releaseId } },
        }),
      ) as ReleaseStatusView,
    refetchInterval: (query) =>
      query.state.data && ['built', 'failed'].includes(query.state.data.status) ? false : 1_000,
  });
  const built = status.data?.status === 'built';
  const release = useQuery({ ...releaseQuery(api, releaseId), enabled: built });
  const year = status.data?.request.period ?? '';
  useDocumentTitle(`${t('statistics.release.title', { year })} · ${t('app.name')}`);
  const number = new Intl.NumberFormat(i18n.language);
  return (
    <Stack gap="lg">
      <Anchor {...back}>{t('statistics.release.back')}</Anchor>
      <Title order={1}>{t('statistics.release.title', { year })}</Title>
      {status.isPending ? (
        <Loader aria-label={t('app.loading')} />
      ) : status.isError ? (
        <ErrorNotice error={status.error} onRetry={() => void status.refetch()} />
      ) : status.data.status === 'failed' ? (
        <Alert color="red" role="alert">
          {t('statistics.release.failed', { rule: status.data.error ?? '' })}
        </Alert>
      ) : !built ? (
        <Stack gap="xs" role="status">
          <Text>
            {t('statistics.release.building', { progress: number.format(status.data.progress) })}
          </Text>
          <Progress value={status.data.progress} aria-label={t('statistics.release.progress')} />
        </Stack>
      ) : release.isPending ? (
        <Loader aria-label={t('app.loading')} />
      ) : release.isError ? (
        <ErrorNotice error={release.error} onRetry={() => void release.refetch()} />
      ) : (
        <VerifiedReleaseView release={release.data} />
      )}
    </Stack>
  );
}

function Signature({ release }: { release: VerifiedRelease }) {
  const { t } = useTranslation();
  const ok = release.verified && release.digestMatches;
  return (
    <Alert
      color={ok ? 'green.9' : 'red'}
      role={ok ? 'status' : 'alert'}
      title={ok ? t('statistics.verify.ok') : t('statistics.verify.failed')}
      data-testid="signature"
      data-verified={ok ? 'true' : 'false'}
    >
      <Stack gap={4}>
        <Text size="sm">
          {ok ? t('statistics.verify.okDetail') : t('statistics.verify.failedDetail')}
        </Text>
        <Text size="sm">
          {t('statistics.verify.digest')} <Code>{release.digest}</Code>
        </Text>
      </Stack>
    </Alert>
  );
}

function VerifiedReleaseView({ release }: { release: VerifiedRelease }) {
  const ok = release.verified && release.digestMatches;
  return (
    <Stack gap="xl">
      <Signature release={release} />
      {ok && <NationalReportButton releaseId={release.document.releaseId} />}
      {ok && <ReleaseFigures document={release.document} />}
    </Stack>
  );
}

/** The release's method (how it is protected) and its tables as charts. */
function ReleaseFigures({ document: doc }: { document: ReleaseDocument }) {
  const { t, i18n } = useTranslation();
  const { api } = useConsole();
  const labels = useStatisticsLabels();
  const catalogue = useQuery({
    queryKey: ['statistics', 'catalogue'],
    staleTime: Infinity,
    queryFn: async () => dataOf(await api.GET('/statistics/tables')),
  });
  if (!labels.ready || catalogue.isPending) return <Loader aria-label={t('app.loading')} />;
  const control = doc.disclosureControl;
  const dp = control.mode === 'dp';
  const decimal = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 3 });
  /** Discrete Laplace scale of a table: its sensitivity over its share of ε (ε / tables). */
  const noiseScale = (tableId: string): string | undefined => {
    const bound = catalogue.data?.tables.find((c) => c.id === tableId)?.maxCellsPerCase;
    if (!dp || !bound || !control.epsilon) return undefined;
    return decimal.format((bound * doc.tables.length) / control.epsilon);
  };
  return (
    <Stack gap="xl">
      <section aria-labelledby="statistics-method">
        <Title order={2} id="statistics-method" mb="xs">
          {t('statistics.method.title')}
        </Title>
        <Stack gap={4}>
          <Text data-testid="method">
            <MethodText request={control} />
          </Text>
          {dp ? (
            <Text data-testid="dp">
              {t('statistics.method.dp', {
                epsilon: decimal.format(control.epsilon ?? 0),
                tables: doc.tables.length,
                share: decimal.format((control.epsilon ?? 0) / Math.max(1, doc.tables.length)),
              })}
            </Text>
          ) : (
            <Text>{t('statistics.method.suppression', { k: control.k })}</Text>
          )}
          <Text>{t('statistics.method.counting')}</Text>
        </Stack>
      </section>
      {doc.tables.flatMap((table) =>
        tableViews(doc.period.year, table, labels).map((view) => {
          const title = t(`statistics.table.${table.id}`);
          const scale = noiseScale(table.id);
          const description = [
            t(`statistics.unit.${table.id}`),
            scale ? t('statistics.noiseScale', { scale }) : '',
            view.leftOut > 0 ? t('statistics.leftOut', { count: view.leftOut }) : '',
          ]
            .filter(Boolean)
            .join(' ');
          return (
            <ChartFigure
              key={view.id}
              id={view.id}
              order={2}
              title={
                table.dimensions.length > 2
                  ? t('statistics.byDimension', {
                      title,
                      dimension: labels.dimension(view.rowDimension),
                    })
                  : title
              }
              description={description}
              kind="bar"
              orientation={view.data.rows.length > MANY_ROWS ? 'vertical' : 'horizontal'}
              data={view.data}
            />
          );
        }),
      )}
      <CompensationSums document={doc} />
    </Stack>
  );
}

/** The money sums by avenue, one currency each (never mixed), and the claims behind them. */
function CompensationSums({ document: doc }: { document: ReleaseDocument }) {
  const { t, i18n } = useTranslation();
  const labels = useStatisticsLabels();
  const codeLists = useCodeLists();
  return (
    <>
      {(doc.compensationSums?.tables ?? []).map((sums) => {
        const digits = codeLists.digits(sums.currency);
        const avenues = sums.dimensions[0]!;
        const cellOf = (avenue: string) => sums.cells.find((c) => c.at[0] === avenue);
        const rows = (
          pick: (cell: NonNullable<ReturnType<typeof cellOf>>) => Record<string, number | null>,
        ) =>
          avenues.values.map((avenue) => {
            const cell = cellOf(avenue);
            return {
              key: avenue,
              label: labels.value('avenue', avenue),
              values: cell ? pick(cell) : {},
            };
          });
        const claims: ChartData = {
          categoryLabel: labels.dimension('avenue'),
          series: [{ key: 'claims', label: t('statistics.sums.claims') }],
          rows: rows((c) => ({ claims: c.claims })),
        };
        const withClaimed = sums.cells.some((c) => c.claimed !== undefined);
        const amounts: ChartData = {
          categoryLabel: labels.dimension('avenue'),
          series: [
            ...(withClaimed ? [{ key: 'claimed', label: t('statistics.sums.claimed') }] : []),
            { key: 'awarded', label: t('statistics.sums.awarded') },
            { key: 'paid', label: t('statistics.sums.paid') },
          ],
          rows: rows((c) => ({
            ...(withClaimed ? { claimed: c.claimed ?? null } : {}),
            awarded: c.awarded,
            paid: c.paid,
          })),
        };
        const id = `${doc.period.year}-compensation-sums-${sums.currency}`;
        return (
          <Stack gap="lg" key={sums.currency}>
            <ChartFigure
              id={`${id}-claims`}
              order={2}
              title={t('statistics.sums.claimsTitle', { currency: sums.currency })}
              kind="bar"
              data={claims}
            />
            <ChartFigure
              id={id}
              order={2}
              title={t('statistics.sums.title', { currency: sums.currency })}
              description={
                sums.sumsPublishedIn
                  ? t('statistics.sums.publishedIn')
                  : t('statistics.sums.description')
              }
              kind="bar"
              data={amounts}
              formatValue={(minor) => formatMoney(i18n.language, minor, sums.currency, digits)}
            />
          </Stack>
        );
      })}
    </>
  );
}
