import {
  Anchor,
  Button,
  Group,
  Loader,
  NumberInput,
  Select,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDocumentTitle } from '@mantine/hooks';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { dataOf } from '../api';
import { ChangeFailure, okOf } from '../admin/shared';
import { ChartFigure } from '../charts';
import { useConsole } from '../context';
import { formatDateTime } from '../format';
import { paths, useLinkProps, useNavigation } from '../router';
import { ErrorNotice } from '../screens/error-notice';
import { useStatisticsLabels } from './labels';
import { loadRelease } from './release';
import { trendData } from './views';

/** The releases (GET /statistics/releases): the list and the home's time series share it. */
export function useReleases() {
  const { api } = useConsole();
  return useQuery({
    queryKey: ['statistics', 'releases'],
    queryFn: async () => dataOf(await api.GET('/statistics/releases')).items,
  });
}

/** A built release, downloaded and verified once per session (it never changes). */
export const releaseQuery = (api: ReturnType<typeof useConsole>['api'], releaseId: string) => ({
  queryKey: ['statistics', 'release', releaseId],
  staleTime: Infinity,
  queryFn: () => loadRelease(api, releaseId),
});

export function StatisticsHome() {
  const { t } = useTranslation();
  useDocumentTitle(`${t('statistics.title')} · ${t('app.name')}`);
  return (
    <Stack gap="xl">
      <div>
        <Title order={1}>{t('statistics.title')}</Title>
        <Text mt="xs">{t('statistics.intro')}</Text>
      </div>
      <Trend />
      <Releases />
      <RequestRelease />
      <Catalogue />
    </Stack>
  );
}

/** The headline figures across years, from each year's latest built (and verified) release. */
function Trend() {
  const { t } = useTranslation();
  const { api } = useConsole();
  const releases = useReleases();
  // Per year, its latest built release (the list is newest first), preferring exact counts
  // (suppression, rounding) to noisy ones (differential privacy) so that the years compare.
  const built = (releases.data ?? []).filter((r) => r.status === 'built');
  const years = [...new Set(built.map((r) => r.request.period))];
  const latestPerYear = years.map(
    (year) =>
      built.find((r) => r.request.period === year && r.request.mode !== 'dp') ??
      built.find((r) => r.request.period === year)!,
  );
  const loaded = useQueries({
    queries: latestPerYear.map((r) => releaseQuery(api, r.releaseId)),
  });
  if (releases.isPending || loaded.some((q) => q.isPending))
    return <Loader aria-label={t('app.loading')} />;
  const verified = loaded.flatMap((q) => (q.data?.verified ? [q.data.document] : []));
  const data = trendData(verified, {
    year: t('statistics.trend.year'),
    series: (id) => t(`statistics.table.${id}`),
  });
  if (data.rows.length === 0)
    return (
      <section aria-labelledby="statistics-trend">
        <Title order={2} id="statistics-trend">
          {t('statistics.trend.title')}
        </Title>
        <Text>{t('statistics.trend.none')}</Text>
      </section>
    );
  return (
    <ChartFigure
      id="trend"
      order={2}
      title={t('statistics.trend.title')}
      description={t('statistics.trend.description')}
      kind="line"
      data={data}
    />
  );
}

function Releases() {
  const { t, i18n } = useTranslation();
  const releases = useReleases();
  return (
    <section aria-labelledby="statistics-releases">
      <Title order={2} id="statistics-releases" mb="xs">
        {t('statistics.releases.title')}
      </Title>
      {releases.isPending ? (
        <Loader aria-label={t('app.loading')} />
      ) : releases.isError ? (
        <ErrorNotice error={releases.error} onRetry={() => void releases.refetch()} />
      ) : releases.data.length === 0 ? (
        <Text>{t('statistics.releases.none')}</Text>
      ) : (
        <Table.ScrollContainer minWidth="36rem">
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('statistics.releases.col.release')}</Table.Th>
                <Table.Th scope="col">{t('statistics.releases.col.method')}</Table.Th>
                <Table.Th scope="col">{t('statistics.releases.col.status')}</Table.Th>
                <Table.Th scope="col">{t('statistics.releases.col.requested')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {releases.data.map((r) => (
                <Table.Tr key={r.releaseId}>
                  <Table.Td>
                    <ReleaseLink
                      releaseId={r.releaseId}
                      label={t('statistics.releases.open', {
                        year: r.request.period,
                        tables: r.request.tables.length,
                      })}
                    />
                  </Table.Td>
                  <Table.Td>
                    <MethodText request={r.request} />
                  </Table.Td>
                  <Table.Td>{t(`statistics.status.${r.status}`)}</Table.Td>
                  <Table.Td>{formatDateTime(i18n.language, r.requestedAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </section>
  );
}

/** How a release is protected, in words: mode, k, rounding base, ε. */
export function MethodText({
  request,
}: {
  request: { mode: string; k: number; roundingBase: number | null; epsilon: number | null };
}) {
  const { t, i18n } = useTranslation();
  const number = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 6 });
  return (
    <>
      {t(`statistics.mode.${request.mode}`, {
        k: number.format(request.k),
        base: number.format(request.roundingBase ?? 0),
        epsilon: number.format(request.epsilon ?? 0),
      })}
    </>
  );
}

function ReleaseLink({ releaseId, label }: { releaseId: string; label: string }) {
  const link = useLinkProps(paths.statistics(`/releases/${releaseId}`));
  return <Anchor {...link}>{label}</Anchor>;
}

interface RequestValues {
  year: number | string;
  mode: 'suppression' | 'rounding' | 'dp';
  k: number | string;
  epsilon: number | string;
}

/** POST /statistics/releases: the same request is the same release (built once). */
function RequestRelease() {
  const { t } = useTranslation();
  const { api, queryClient } = useConsole();
  const { navigate } = useNavigation();
  const [error, setError] = useState<unknown>(undefined);
  const form = useForm<RequestValues>({
    mode: 'controlled',
    initialValues: { year: new Date().getFullYear() - 1, mode: 'suppression', k: 10, epsilon: 0.5 },
    validate: {
      year: (v) => (/^\d{4}$/.test(String(v)) ? null : t('statistics.request.yearRule')),
      k: (v) =>
        Number.isInteger(Number(v)) && Number(v) >= 10 ? null : t('statistics.request.kRule'),
      epsilon: (v, values) =>
        values.mode !== 'dp' || (Number(v) > 0 && Number(v) <= 100)
          ? null
          : t('statistics.request.epsilonRule'),
    },
  });
  const submit = form.onSubmit(async (values) => {
    setError(undefined);
    try {
      const accepted = okOf(
        await api.POST('/statistics/releases', {
          body: {
            period: String(values.year),
            mode: values.mode,
            k: Number(values.k),
            ...(values.mode === 'dp' ? { epsilon: Number(values.epsilon) } : {}),
          },
        }),
      );
      await queryClient.invalidateQueries({ queryKey: ['statistics', 'releases'] });
      navigate(paths.statistics(`/releases/${accepted.releaseId}`));
    } catch (failure) {
      setError(failure);
    }
  });
  return (
    <section aria-labelledby="statistics-request">
      <Title order={2} id="statistics-request" mb="xs">
        {t('statistics.request.title')}
      </Title>
      <Text mb="sm">{t('statistics.request.intro')}</Text>
      <form onSubmit={submit} noValidate>
        <Group align="end" gap="sm">
          <NumberInput
            label={t('statistics.request.year')}
            required
            allowDecimal={false}
            allowNegative={false}
            thousandSeparator={false}
            w="8rem"
            {...form.getInputProps('year')}
          />
          <Select
            label={t('statistics.request.mode')}
            allowDeselect={false}
            data={(['suppression', 'rounding', 'dp'] as const).map((m) => ({
              value: m,
              label: t(`statistics.request.modeName.${m}`),
            }))}
            {...form.getInputProps('mode')}
          />
          <NumberInput
            label={t('statistics.request.k')}
            min={10}
            allowDecimal={false}
            w="8rem"
            {...form.getInputProps('k')}
          />
          {form.values.mode === 'dp' && (
            <NumberInput
              label={t('statistics.request.epsilon')}
              min={0.000001}
              max={100}
              decimalScale={6}
              w="8rem"
              {...form.getInputProps('epsilon')}
            />
          )}
          <Button type="submit">{t('statistics.request.submit')}</Button>
        </Group>
      </form>
      <ChangeFailure error={error} />
    </section>
  );
}

/** GET /statistics/tables: the fixed catalogue (what each table counts, by what). */
function Catalogue() {
  const { t } = useTranslation();
  const { api } = useConsole();
  const labels = useStatisticsLabels();
  const catalogue = useQuery({
    queryKey: ['statistics', 'catalogue'],
    staleTime: Infinity,
    queryFn: async () => dataOf(await api.GET('/statistics/tables')),
  });
  return (
    <section aria-labelledby="statistics-catalogue">
      <Title order={2} id="statistics-catalogue" mb="xs">
        {t('statistics.catalogue.title')}
      </Title>
      <Text mb="sm">{t('statistics.catalogue.intro')}</Text>
      {catalogue.isPending ? (
        <Loader aria-label={t('app.loading')} />
      ) : catalogue.isError ? (
        <ErrorNotice error={catalogue.error} onRetry={() => void catalogue.refetch()} />
      ) : (
        <Table.ScrollContainer minWidth="30rem">
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('statistics.catalogue.col.table')}</Table.Th>
                <Table.Th scope="col">{t('statistics.catalogue.col.unit')}</Table.Th>
                <Table.Th scope="col">{t('statistics.catalogue.col.dimensions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {catalogue.data.tables.map((table) => (
                <Table.Tr key={table.id} data-table={table.id}>
                  <Table.Th scope="row" fw={400}>
                    {t(`statistics.table.${table.id}`)}
                  </Table.Th>
                  <Table.Td>{t(`statistics.unit.${table.id}`)}</Table.Td>
                  <Table.Td>
                    {table.dimensions.map((d) => labels.dimension(d.name)).join(' × ')}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </section>
  );
}
