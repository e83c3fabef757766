import type { components } from '@remedy/api-client';
import { Anchor, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useCodeLists } from '../commands/code-lists';
import { formatMoney } from '../format';
import { paths, useLinkProps } from '../router';

export type CurrencyTotals = components['schemas']['CurrencyTotals'];

/** The area's paths (opaque ids only). */
export const legalAidPaths = {
  home: () => paths.legalAid(),
  case: (caseId: string) => paths.legalAid(`/cases/${caseId}`),
};

/** Money of one currency in the person's locale, with its ISO 4217 digits (the code list's). */
export function useMoney() {
  const { i18n } = useTranslation();
  const codes = useCodeLists();
  return (minor: number, currency: string) =>
    formatMoney(i18n.language, minor, currency, codes.digits(currency));
}

/** A section with its heading (the heading names the section for screen readers). */
export function Section({
  id,
  title,
  children,
}: {
  id: string;
  title: string;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={id}>
      <Title order={2} id={id} mb="xs">
        {title}
      </Title>
      {children}
    </section>
  );
}

/** Totals, one row per currency: sums are never mixed across currencies. */
export function TotalsTable({
  totals,
  testId,
}: {
  totals: readonly CurrencyTotals[];
  testId: string;
}) {
  const { t } = useTranslation();
  const money = useMoney();
  if (totals.length === 0) return <Text>{t('legalaid.claims.none')}</Text>;
  return (
    <Table.ScrollContainer minWidth="36rem">
      <Table striped withTableBorder data-testid={testId}>
        <Table.Caption>{t('legalaid.totals.caption')}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('legalaid.col.currency')}</Table.Th>
            <Table.Th scope="col">{t('legalaid.col.claims')}</Table.Th>
            <Table.Th scope="col">{t('legalaid.col.claimed')}</Table.Th>
            <Table.Th scope="col">{t('legalaid.col.awarded')}</Table.Th>
            <Table.Th scope="col">{t('legalaid.col.paid')}</Table.Th>
            <Table.Th scope="col">{t('legalaid.col.outstanding')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {totals.map((row) => (
            <Table.Tr key={row.currency} data-currency={row.currency}>
              <Table.Th scope="row">{row.currency}</Table.Th>
              <Table.Td>{row.claims}</Table.Td>
              <Table.Td>{money(row.claimed, row.currency)}</Table.Td>
              <Table.Td>{money(row.awarded, row.currency)}</Table.Td>
              <Table.Td>{money(row.paid, row.currency)}</Table.Td>
              <Table.Td>{money(row.outstanding, row.currency)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** A link to a case's legal-aid page, named by its reference (never the person). */
export function CaseLink({ caseId, reference }: { caseId: string; reference: string }) {
  const link = useLinkProps(legalAidPaths.case(caseId));
  return <Anchor {...link}>{reference}</Anchor>;
}
