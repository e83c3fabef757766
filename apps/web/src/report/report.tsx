import { DirectionProvider, MantineProvider, Table, Text, Title } from '@mantine/core';
import type { i18n } from 'i18next';
import { I18nextProvider, useTranslation } from 'react-i18next';
import { formatMoney } from '../format';
import { directionOf } from '../i18n';
import { ChartFigure } from '../charts';
import { memoryColorScheme } from '../color-scheme';
import type { ReleaseDocument, ReleaseTable } from '../statistics/release';
import { grandTotal, tableViews, type Labels } from '../statistics/views';
import type { ReportInput, SumsTable } from './types';

/** The providers, as the console's (root.tsx): Mantine right to left in Arabic, i18next. */
export function ReportRoot({ i18n, input }: { i18n: i18n; input: ReportInput }) {
  return (
    <MantineProvider
      withCssVariables={false}
      withGlobalClasses={false}
      colorSchemeManager={memoryColorScheme}
      forceColorScheme="light"
    >
      <DirectionProvider initialDirection={directionOf(input.language)} detectDirection={false}>
        <I18nextProvider i18n={i18n}>
          <NationalReport input={input} />
        </I18nextProvider>
      </DirectionProvider>
    </MantineProvider>
  );
}

function useFormat(input: ReportInput) {
  const { t, i18n: i } = useTranslation();
  const numbers = new Intl.NumberFormat(input.language);
  const change = new Intl.NumberFormat(input.language, { signDisplay: 'exceptZero' });
  const percent = new Intl.NumberFormat(input.language, {
    style: 'percent',
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero',
  });
  /** A published figure; null (or no cell): suppressed, never 0. */
  const cell = (value: number | null | undefined) =>
    value === null || value === undefined ? t('report.suppressed') : numbers.format(value);
  // The statistics screens' words (statistics.json), the code lists' labels the worker hands in.
  const label = (dimension: string, code: string) =>
    i.exists(`statistics.value.${code}`)
      ? t(`statistics.value.${code}`)
      : (input.labels[dimension]?.[code] ?? code);
  const tableTitle = (table: { id: string; title: string }) =>
    i.exists(`statistics.table.${table.id}`) ? t(`statistics.table.${table.id}`) : table.title;
  const dimensionName = (name: string) =>
    i.exists(`statistics.dim.${name}`) ? t(`statistics.dim.${name}`) : name;
  const labels: Labels = { dimension: dimensionName, value: label, count: t('statistics.count') };
  return { t, numbers, change, percent, cell, label, tableTitle, dimensionName, labels };
}

type Format = ReturnType<typeof useFormat>;

function NationalReport({ input }: { input: ReportInput }) {
  const format = useFormat(input);
  const { t } = format;
  const { release } = input;
  const year = release.period.year;
  const built = new Intl.DateTimeFormat(input.language, { dateStyle: 'long' }).format(
    new Date(input.builtAt),
  );
  return (
    <main className="report">
      <header className="report-cover">
        <Text className="report-kicker">{t('report.kicker')}</Text>
        <Title order={1}>{t('report.title', { year: String(year) })}</Title>
        <Text>{t('report.subtitle', { date: built })}</Text>
        <Text size="sm">
          {t('report.protection', { mode: t(`report.mode.${release.disclosureControl.mode}`) })}
        </Text>
      </header>
      <Headlines input={input} format={format} />
      {release.tables.map((table) => (
        <TableSection key={table.id} table={table} year={year} format={format} />
      ))}
      {release.compensationSums && release.compensationSums.tables.length > 0 && (
        <SumsSection tables={release.compensationSums.tables} input={input} format={format} />
      )}
      <Method release={release} format={format} />
      <Signature input={input} format={format} />
    </main>
  );
}

/** Each table's total this year, the previous year's and the change (published figures only). */
function Headlines({ input, format }: { input: ReportInput; format: Format }) {
  const { t, change, percent, cell, tableTitle } = format;
  const year = input.release.period.year;
  const previousOf = (id: string) => input.previous?.tables.find((p) => p.id === id);
  return (
    <section className="report-section" aria-labelledby="report-headlines">
      <Title order={2} id="report-headlines">
        {t('report.headlines')}
      </Title>
      <Text size="sm">
        {input.previous
          ? t('report.headlinesNote', { year: String(year), previous: String(year - 1) })
          : t('report.noPrevious', { previous: String(year - 1) })}
      </Text>
      <Table withTableBorder striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('report.figure')}</Table.Th>
            <Table.Th className="report-number">{year}</Table.Th>
            <Table.Th className="report-number">{year - 1}</Table.Th>
            <Table.Th className="report-number">{t('report.change')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {input.release.tables.map((table) => {
            const now = grandTotal(table);
            const previous = previousOf(table.id);
            const before = grandTotal(previous);
            let difference = t('report.notAvailable');
            if (typeof now === 'number' && typeof before === 'number') {
              const d = now - before;
              difference =
                before === 0
                  ? change.format(d)
                  : `${change.format(d)} (${percent.format(d / before)})`;
            }
            return (
              <Table.Tr key={table.id}>
                <Table.Td>{tableTitle(table)}</Table.Td>
                <Table.Td className="report-number">{cell(now)}</Table.Td>
                <Table.Td className="report-number">
                  {previous ? cell(before) : t('report.notAvailable')}
                </Table.Td>
                <Table.Td className="report-number">{difference}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      <Text size="xs">{t('report.countingNote')}</Text>
    </section>
  );
}

/** One table: its views as the console's charts, each with its data table (no downloads). */
function TableSection({
  table,
  year,
  format,
}: {
  table: ReleaseTable;
  year: number;
  format: Format;
}) {
  const { t, cell, tableTitle, dimensionName, labels } = format;
  const headingId = `report-table-${table.id}`;
  return (
    <section className="report-section report-page" aria-labelledby={headingId}>
      <Title order={2} id={headingId}>
        {tableTitle(table)}
      </Title>
      <Text size="sm">
        {t('report.total')}: <strong>{cell(grandTotal(table))}</strong>
      </Text>
      {tableViews(year, table, labels).map((view) => (
        <ChartFigure
          key={view.id}
          id={view.id}
          title={table.dimensions.length > 2 ? dimensionName(view.rowDimension) : tableTitle(table)}
          kind="bar"
          orientation="vertical"
          data={view.data}
          formatValue={(v) => format.numbers.format(v)}
          downloads={false}
        />
      ))}
      <Text size="xs">{t('report.zerosOmitted')}</Text>
    </section>
  );
}

/**
 * Compensation claimed, awarded and paid, one table per currency (never added across currencies;
 * claimed only where the release has it: releases built before it lack the column).
 */
function SumsSection({
  tables,
  input,
  format,
}: {
  tables: readonly SumsTable[];
  input: ReportInput;
  format: Format;
}) {
  const { t, numbers, label } = format;
  return (
    <section className="report-section report-page" aria-labelledby="report-sums">
      <Title order={2} id="report-sums">
        {t('statistics.table.compensation-sums')}
      </Title>
      {tables.map((sums) => {
        const amount = (minor: number | null) =>
          minor === null
            ? t('report.suppressed')
            : formatMoney(
                input.language,
                minor,
                sums.currency,
                input.currencyDigits[sums.currency],
              );
        const withClaimed = sums.cells.some((c) => c.claimed !== undefined);
        return (
          <Table key={sums.currency} withTableBorder striped className="report-table">
            <Table.Caption>{sums.currency}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{format.dimensionName('avenue')}</Table.Th>
                <Table.Th className="report-number">{t('report.claims')}</Table.Th>
                {withClaimed && (
                  <Table.Th className="report-number">{t('report.claimed')}</Table.Th>
                )}
                <Table.Th className="report-number">{t('report.awarded')}</Table.Th>
                <Table.Th className="report-number">{t('report.paid')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sums.cells.map((c) => (
                <Table.Tr key={c.at[0] ?? 'total'}>
                  <Table.Td>
                    {c.at[0] === null ? t('report.totalRow') : label('avenue', c.at[0]!)}
                  </Table.Td>
                  <Table.Td className="report-number">
                    {c.claims === null ? t('report.suppressed') : numbers.format(c.claims)}
                  </Table.Td>
                  {withClaimed && (
                    <Table.Td className="report-number">{amount(c.claimed ?? null)}</Table.Td>
                  )}
                  <Table.Td className="report-number">{amount(c.awarded)}</Table.Td>
                  <Table.Td className="report-number">{amount(c.paid)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        );
      })}
    </section>
  );
}

/** How the figures were protected: k, rounding, suppression, ε. */
function Method({ release, format }: { release: ReleaseDocument; format: Format }) {
  const { t, numbers } = format;
  const { mode, k, roundingBase, epsilon } = release.disclosureControl;
  return (
    <section className="report-section report-page" aria-labelledby="report-method">
      <Title order={2} id="report-method">
        {t('report.method')}
      </Title>
      <Text>{t('report.methodIntro')}</Text>
      <Table withTableBorder className="report-table">
        <Table.Tbody>
          <Table.Tr>
            <Table.Th scope="row">{t('report.modeLabel')}</Table.Th>
            <Table.Td>{t(`report.mode.${mode}`)}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th scope="row">{t('report.k')}</Table.Th>
            <Table.Td>{mode === 'dp' ? t('report.notApplied') : numbers.format(k)}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th scope="row">{t('report.rounding')}</Table.Th>
            <Table.Td>
              {roundingBase === null ? t('report.notApplied') : numbers.format(roundingBase)}
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th scope="row">{t('report.epsilon')}</Table.Th>
            <Table.Td>
              {epsilon === null ? t('report.notApplied') : numbers.format(epsilon)}
            </Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
      {mode === 'dp' ? (
        <Text>{t('report.methodDp', { epsilon: numbers.format(epsilon ?? 0) })}</Text>
      ) : (
        <>
          <Text>{t('report.methodSuppression', { k: numbers.format(k) })}</Text>
          {roundingBase !== null && (
            <Text>{t('report.methodRounding', { base: numbers.format(roundingBase) })}</Text>
          )}
        </>
      )}
      <Text>{t('report.countingNote')}</Text>
      <Text size="sm">{t('report.attribution')}</Text>
    </section>
  );
}

/** The last page: what was signed, the signature and the key's fingerprint, to verify. */
function Signature({ input, format }: { input: ReportInput; format: Format }) {
  const { t } = format;
  return (
    <section className="report-section report-page report-signature" aria-labelledby="report-proof">
      <Title order={2} id="report-proof">
        {t('report.proof')}
      </Title>
      <Text>{t('report.proofIntro')}</Text>
      <dl>
        <dt>{t('report.releaseId')}</dt>
        <dd dir="ltr" className="report-code">
          {input.release.releaseId}
        </dd>
        <dt>{t('report.digest')}</dt>
        <dd dir="ltr" className="report-code" data-report-digest>
          {input.digest}
        </dd>
        <dt>{t('report.signature')}</dt>
        <dd dir="ltr" className="report-code">
          {input.signature}
        </dd>
        <dt>{t('report.fingerprint')}</dt>
        <dd dir="ltr" className="report-code">
          {input.publicKeyFingerprint}
        </dd>
      </dl>
      <Text size="sm">{t('report.verify')}</Text>
    </section>
  );
}
