import type { components } from '@remedy/api-client';
import {
  Accordion,
  Alert,
  Anchor,
  Badge,
  Group,
  Loader,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, dataOf } from '../api';
import {
  caseKey,
  CommandForm,
  minPositionHeader,
  useCodeLists,
  type CodeLists,
  type CommandPath,
} from '../commands';
import { useConsole } from '../context';
import { formatDate } from '../format';
import { useLinkProps } from '../router';
import { useSession } from '../admin/shared';
import { ErrorNotice } from '../screens/error-notice';
import { claimSteps, fileClaimStep, type ClaimStep } from './claim-steps';
import { legalAidPaths, Section, TotalsTable, useMoney } from './shared';

type LegalAidCase = components['schemas']['LegalAidCaseView'];
type Claim = components['schemas']['ClaimView'];

/**
 * One case as legal aid sees it (/console/legal-aid/cases/{id}): only the fields the caller's
 * access gives (the API picks them), the claims with every step as a form, totals per currency.
 * The title names the case reference, never the person.
 */
export function LegalAidCasePage({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const { api } = useConsole();
  const back = useLinkProps(legalAidPaths.home());
  const codes = useCodeLists();
  // Under the case's key: a command on the case refreshes it (use-command.ts).
  const view = useQuery({
    queryKey: [...caseKey(caseId), 'legal-aid'],
    queryFn: async () =>
      dataOf(
        await api.GET('/legal-aid/cases/{caseId}', {
          params: { path: { caseId }, header: minPositionHeader(caseId) },
        }),
      ) as Partial<LegalAidCase> & Pick<LegalAidCase, 'caseId' | 'reference' | 'revision'>,
  });
  useDocumentTitle(
    view.data
      ? `${t('legalaid.case.title', { reference: view.data.reference })} · ${t('app.name')}`
      : t('app.name'),
  );
  let body: ReactNode;
  if (view.isPending) body = <Loader aria-label={t('app.loading')} />;
  // A refresh that failed keeps the case on screen (and what is typed in its forms), with the
  // notice above it; a case no longer readable (404) leaves.
  else if (
    view.isError &&
    (!view.data || (view.error instanceof ApiError && view.error.status === 404))
  )
    body =
      view.error instanceof ApiError && view.error.status === 404 ? (
        <>
          <Title order={1}>{t('notFound.title')}</Title>
          <Alert color="yellow" role="status">
            {t('legalaid.case.notFound')}
          </Alert>
        </>
      ) : (
        <ErrorNotice error={view.error} onRetry={() => void view.refetch()} />
      );
  else
    body = (
      <>
        {view.isError && <ErrorNotice error={view.error} onRetry={() => void view.refetch()} />}
        <CaseBody view={view.data} codes={codes} />
      </>
    );
  return (
    <Stack gap="md">
      <Anchor {...back}>{t('legalaid.back')}</Anchor>
      {body}
    </Stack>
  );
}

function CaseBody({
  view,
  codes,
}: {
  view: Partial<LegalAidCase> & Pick<LegalAidCase, 'caseId' | 'reference' | 'revision'>;
  codes: CodeLists;
}) {
  const { t, i18n } = useTranslation();
  const me = useSession().data?.userId ?? '';
  const list = (name: Parameters<CodeLists['label']>[0], values: readonly string[] | undefined) =>
    (values ?? []).map((v) => codes.label(name, v)).join(', ');
  const rows: [string, ReactNode][] = [];
  if (view.person)
    rows.push(
      view.person.erased
        ? [t('legalaid.case.person'), t('legalaid.case.erased')]
        : [t('legalaid.case.person'), view.person.fullName ?? ''],
      ...(view.person.contacts?.length
        ? [[t('legalaid.case.contacts'), view.person.contacts.join(', ')] as [string, ReactNode]]
        : []),
    );
  if (view.profile)
    rows.push(
      [t('legalaid.case.sexGender'), codes.label('sex-gender', view.profile.sexGender)],
      [
        t('legalaid.case.ageGroup'),
        view.profile.ageGroup
          ? codes.label('age-categories', view.profile.ageGroup.category) +
            (view.profile.ageGroup.bracket ? ` (${view.profile.ageGroup.bracket})` : '')
          : '',
      ],
      [t('legalaid.case.citizenships'), list('countries', view.profile.citizenships)],
      [t('legalaid.case.languages'), list('languages', view.profile.languages)],
    );
  if (view.identification)
    rows.push(
      [
        t('legalaid.case.identification'),
        view.identification.status === 'not_identified'
          ? t('legalaid.notIdentified')
          : codes.label('victim-statuses', view.identification.status),
      ],
      [
        t('legalaid.case.forms'),
        list('forms-of-exploitation', view.identification.formsOfExploitation),
      ],
    );
  if (view.remedies)
    rows.push([
      t('legalaid.case.remedies'),
      view.remedies
        .map(
          (r) =>
            `${codes.label('remedy-avenues', r.avenue)} (${formatDate(i18n.language, r.soughtAt)})`,
        )
        .join(', '),
    ]);
  const claims = view.claims ?? [];
  return (
    <Stack gap="lg">
      <Group gap="sm">
        <Title order={1}>{t('legalaid.case.title', { reference: view.reference })}</Title>
        {view.access && (
          <Badge variant="light" size="lg">
            {t(`legalaid.access.${view.access}`)}
          </Badge>
        )}
      </Group>
      <Section id="legalaid-case-facts" title={t('legalaid.case.facts')}>
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
      </Section>
      <Section id="legalaid-case-totals" title={t('legalaid.totals.title')}>
        <TotalsTable totals={view.totals ?? []} testId="case-totals" />
      </Section>
      <Section id="legalaid-case-claims" title={t('legalaid.claims.title')}>
        <Accordion variant="separated" multiple>
          {claims.map((claim, i) => (
            <Accordion.Item key={claim.claimId} value={claim.claimId}>
              <Accordion.Control>
                {t('legalaid.claim.heading', {
                  number: i + 1,
                  avenue: codes.label('remedy-avenues', claim.avenue),
                  status: codes.label('claim-statuses', claim.status),
                })}
              </Accordion.Control>
              <Accordion.Panel>
                <ClaimDetails claim={claim} codes={codes} />
                <Title order={3} size="h4" mt="md" mb="xs">
                  {t('legalaid.claim.steps')}
                </Title>
                <Accordion variant="contained" multiple>
                  {claimSteps(me, claim, codes.digits).map((step) => (
                    <Accordion.Item key={step.id} value={step.id}>
                      <Accordion.Control>{t(`legalaid.step.${step.id}`)}</Accordion.Control>
                      <Accordion.Panel>
                        <StepForm step={step} view={view} claimId={claim.claimId} />
                      </Accordion.Panel>
                    </Accordion.Item>
                  ))}
                </Accordion>
              </Accordion.Panel>
            </Accordion.Item>
          ))}
          <Accordion.Item value="fileClaim">
            <Accordion.Control>{t('legalaid.step.fileClaim')}</Accordion.Control>
            <Accordion.Panel>
              <StepForm step={fileClaimStep(me)} view={view} />
            </Accordion.Panel>
          </Accordion.Item>
        </Accordion>
      </Section>
    </Stack>
  );
}

/** A claim step as a command form on the case (If-Match: the revision shown). */
function StepForm({
  step,
  view,
  claimId,
}: {
  step: ClaimStep;
  view: Pick<LegalAidCase, 'caseId' | 'revision'>;
  claimId?: string;
}) {
  const { t } = useTranslation();
  return (
    <CommandForm
      id={claimId ? `${step.id}-${claimId}` : step.id}
      path={step.path as CommandPath}
      params={{ caseId: view.caseId, ...(claimId ? { claimId } : {}) } as never}
      caseId={view.caseId}
      revision={view.revision}
      fields={step.fields}
      toBody={step.toBody}
      submitLabel={t(`legalaid.submit.${step.id}`)}
    />
  );
}

/** What is recorded of a claim: amounts in its currency, dates, decisions, hearings, payments. */
function ClaimDetails({ claim, codes }: { claim: Claim; codes: CodeLists }) {
  const { t, i18n } = useTranslation();
  const money = useMoney();
  const date = (d: string | null | undefined) => formatDate(i18n.language, d);
  const rows: [string, ReactNode][] = [
    [
      t('legalaid.field.respondentKind'),
      codes.label('claim-respondent-kinds', claim.respondentKind),
    ],
    [t('legalaid.field.currency'), codes.label('currencies', claim.currency)],
    [t('legalaid.col.claimed'), money(claim.claimed.total, claim.currency)],
    [
      t('legalaid.col.awarded'),
      claim.awarded ? money(claim.awarded.total, claim.currency) : t('legalaid.claim.notDecided'),
    ],
    [t('legalaid.col.paid'), money(claim.paid, claim.currency)],
    [t('legalaid.col.outstanding'), money(claim.outstanding, claim.currency)],
    [t('legalaid.field.filedOn'), date(claim.filedOn)],
    [
      t('legalaid.field.filingDeadline'),
      claim.filingDeadline
        ? `${date(claim.filingDeadline)}${claim.filedLate ? ` · ${t('legalaid.claim.filedLate')}` : ''}`
        : '',
    ],
    [
      t('legalaid.claim.decisions'),
      claim.decisions
        .map(
          (d) =>
            `${codes.label('claim-instances', d.instance)}: ${codes.label('claim-decision-outcomes', d.outcome)}, ${money(d.awardedTotal, claim.currency)} (${date(d.decidedOn)})`,
        )
        .join('; '),
    ],
    [
      t('legalaid.claim.appeals'),
      claim.appeals
        .map((a) => `${codes.label('claim-appellants', a.appealedBy)} (${date(a.appealedOn)})`)
        .join('; '),
    ],
    [t('legalaid.field.finalOn'), date(claim.finalOn)],
    [t('legalaid.claim.hearings'), claim.hearings.map((h) => date(h.hearingOn)).join(', ')],
    [
      t('legalaid.field.paymentDueOn'),
      claim.paymentDueOn
        ? `${date(claim.paymentDueOn)}${claim.paymentOverdue ? ` · ${t('legalaid.claim.overdue')}` : ''}`
        : '',
    ],
    [t('legalaid.field.startedOn'), date(claim.enforcementStartedOn)],
    [
      t('legalaid.field.closureOutcome'),
      claim.closure
        ? `${codes.label('claim-closure-outcomes', claim.closure.outcome)} (${date(claim.closure.closedOn)})`
        : '',
    ],
    [
      t('legalaid.field.legalRepresentativeId'),
      claim.legalRepresentativeId ? t('legalaid.claim.representativeSet') : '',
    ],
  ];
  return (
    <Stack gap="sm">
      <Table variant="vertical" withTableBorder data-testid={`claim-${claim.currency}`}>
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
      {claim.payments.length > 0 && (
        <Table.ScrollContainer minWidth="30rem">
          <Table striped withTableBorder data-testid="claim-payments">
            <Table.Caption>{t('legalaid.payments.caption')}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('legalaid.field.receivedOn')}</Table.Th>
                <Table.Th scope="col">{t('legalaid.payments.asPaid')}</Table.Th>
                <Table.Th scope="col">{t('legalaid.field.exchangeRate')}</Table.Th>
                <Table.Th scope="col">{t('legalaid.payments.inClaimCurrency')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {claim.payments.map((p) => (
                <Table.Tr key={p.paymentId}>
                  <Table.Td>{date(p.receivedOn)}</Table.Td>
                  <Table.Td>
                    {p.original
                      ? money(p.original.amount, p.original.currency)
                      : money(p.amount, claim.currency)}
                  </Table.Td>
                  <Table.Td>{p.original?.exchangeRate ?? ''}</Table.Td>
                  <Table.Td>{money(p.amount, claim.currency)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {claim.texts && claim.texts.length > 0 && (
        <Stack gap={4}>
          <Text fw={600}>{t('legalaid.claim.notes')}</Text>
          {claim.texts.map((text) => (
            <Text key={`${text.revision}`} size="sm">
              {text.erased
                ? t('legalaid.case.erased')
                : Object.values((text.value ?? {}) as Record<string, string>).join(' · ')}
            </Text>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
