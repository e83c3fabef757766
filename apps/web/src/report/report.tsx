import { BarChart } from '@mantine/charts';
import { DirectionProvider, MantineProvider, Table, Text, Title } from '@mantine/core';
import type { i18n } from 'i18next';
import { I18nextProvider, useTranslation } from 'react-i18next';
import { directionOf } from '../i18n';
import { memoryColorScheme } from '../color-scheme';
import type { ReleaseCell, ReleaseDocument, ReleaseTable, ReportInput, SumsTable } from './types';

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

/** Bars drawn at most per chart (the table beside it lists every value). */
const CHART_BARS = 12;

const totalOf = (table: ReleaseTable): ReleaseCell | undefined =>
  table.cells.find((c) => c.at.every((v) => v === null));

/** The cells of one dimension's values, every other dimension at its total. */
const marginOf = (table: ReleaseTable, dimension: number): ReleaseCell[] =>
  table.cells.filter((c) => c.at.every((v, i) => (i === dimension ? v !== null : v === null)));

const withheld = (cell: ReleaseCell | undefined): boolean =>
  !cell || cell.suppressed !== undefined || cell.value === null;

function useFormat(input: ReportInput) {
  const { t, i18n: i } = useTranslation();
  const numbers = new Intl.NumberFormat(input.language);
  const change = new Intl.NumberFormat(input.language, { signDisplay: 'exceptZero' });
  const percent = new Intl.NumberFormat(input.language, {
    style: 'percent',
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero',
  });
  const cell = (c: ReleaseCell | undefined) =>
    withheld(c) ? t('report.suppressed') : numbers.format(c!.value!);
  const label = (dimension: string, code: string) =>
    input.labels[dimension]?.[code] ??
    (i.exists(`report.value.${code}`) ? t(`report.value.${code}`) : code);
  const tableTitle = (table: { id: string; title: string }) =>
    i.exists(`report.table.${table.id}`) ? t(`report.table.${table.id}`) : table.title;
  const dimensionName = (name: string) =>
    i.exists(`report.dimension.${name}`) ? t(`report.dimension.${name}`) : name;
  return { t, numbers, change, percent, cell, label, tableTitle, dimensionName };
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
        <TableSection key={table.id} table={table} format={format} />
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
            const now = totalOf(table);
            const previous = previousOf(table.id);
            const before = previous ? totalOf(previous) : undefined;
            let difference = t('report.notAvailable');
            if (!withheld(now) && !withheld(before)) {
              const d = now!.value! - before!.value!;
              difference =
                before!.value! === 0
                  ? change.format(d)
                  : `${change.format(d)} (${percent.format(d / before!.value!)})`;
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

/** One table: a chart of its first dimension, then each dimension's values with the total. */
function TableSection({ table, format }: { table: ReleaseTable; format: Format }) {
  const { t, cell, label, tableTitle, dimensionName } = format;
  const first = table.dimensions[0];
  const bars = first
    ? marginOf(table, 0)
        .filter((c) => !withheld(c) && c.value! > 0)
        .sort((a, b) => b.value! - a.value!)
        .slice(0, CHART_BARS)
        .map((c) => ({ label: label(first.name, c.at[0]!), value: c.value! }))
    : [];
  const rtl = document.documentElement.dir === 'rtl';
  const headingId = `report-table-${table.id}`;
  return (
    <section className="report-section report-page" aria-labelledby={headingId}>
      <Title order={2} id={headingId}>
        {tableTitle(table)}
      </Title>
      <Text size="sm">
        {t('report.total')}: <strong>{cell(totalOf(table))}</strong>
      </Text>
      {first && bars.length > 0 && (
        <figure data-report-chart className="report-chart">
          <BarChart
            h={bars.length * 26 + 48}
            data={bars}
            dataKey="label"
            orientation="vertical"
            series={[{ name: 'value', label: dimensionName(first.name), color: 'blue.8' }]}
            withTooltip={false}
            withBarValueLabel
            gridAxis="x"
            yAxisProps={{ width: 170, orientation: rtl ? 'right' : 'left', tickMargin: 8 }}
            xAxisProps={{ reversed: rtl }}
            valueFormatter={(v) => format.numbers.format(v)}
          />
          <figcaption>
            <Text size="xs">
              {t('report.chartCaption', {
                dimension: dimensionName(first.name),
                count: bars.length,
              })}
            </Text>
          </figcaption>
        </figure>
      )}
      {table.dimensions.map((dimension, index) => {
        const rows = marginOf(table, index).filter((c) => withheld(c) || c.value !== 0);
        return (
          <Table key={dimension.name} withTableBorder striped className="report-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{dimensionName(dimension.name)}</Table.Th>
                <Table.Th className="report-number">{t('report.value')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((c) => (
                <Table.Tr key={c.at[index]}>
                  <Table.Td>{label(dimension.name, c.at[index]!)}</Table.Td>
                  <Table.Td className="report-number">{cell(c)}</Table.Td>
                </Table.Tr>
              ))}
              {rows.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={2}>{t('report.noCases')}</Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
        );
      })}
      <Text size="xs">{t('report.zerosOmitted')}</Text>
    </section>
  );
}

/** Compensation awarded and paid, one table per currency (never added across currencies). */
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
        {t('report.table.compensation-sums')}
      </Title>
      {tables.map((sums) => {
        const money = new Intl.NumberFormat(input.language, {
          style: 'currency',
          currency: sums.currency,
        });
        const digits = money.resolvedOptions().maximumFractionDigits ?? 2;
        const amount = (minor: number | null) =>
          minor === null ? t('report.suppressed') : money.format(minor / 10 ** digits);
        return (
          <Table key={sums.currency} withTableBorder striped className="report-table">
            <Table.Caption>{sums.currency}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{format.dimensionName('avenue')}</Table.Th>
                <Table.Th className="report-number">{t('report.claims')}</Table.Th>
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
