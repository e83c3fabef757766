import {
  Alert,
  Anchor,
  Badge,
  Group,
  List,
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
import { ApiError } from '../api';
import {
  caseQuery,
  IDENTITY_DOCUMENT_KINDS,
  useCaseworkers,
  useCodeLists,
  useOrganisations,
  useSession,
  type CodeLists,
} from '../commands';
import { useConsole } from '../context';
import { formatDate, formatDateTime, formatNumber } from '../format';
import { paths, useLinkProps } from '../router';
import { ErrorNotice } from '../screens/error-notice';
import { CaseHistory } from '../lists/timeline';
import { CaseCommands } from './case-commands';
import { LinkedCases, PossibleDuplicates } from './duplicates';
import type { CaseFactsView, CaseView } from './case-view';

/** Roles that record case commands (the API's COMMAND routes; legal aid reads). */
const COMMAND_ROLES = ['caseworker', 'supervisor'];

/**
 * One case: its profile, status, open decisions, personal details (as the API decrypted them for
 * this caller: the API decides who sees them), every command as a form, and its timeline. The
 * page title names the case reference, never the person.
 */
export default function CasePage({ caseId }: { caseId: string }) {
  const { t, i18n } = useTranslation();
  const { api } = useConsole();
  const back = useLinkProps(paths.cases());
  const claims = useLinkProps(paths.legalAid(`/cases/${caseId}`));
  const detail = useQuery(caseQuery(api, caseId));
  const session = useSession();
  const codes = useCodeLists();
  useDocumentTitle(
    detail.data
      ? `${t('case.title', { reference: detail.data.reference })} · ${t('app.name')}`
      : t('app.name'),
  );
  const language = i18n.language;

  let body: ReactNode;
  if (detail.isPending) body = <Loader aria-label={t('app.loading')} />;
  // A refresh that failed keeps the case on screen (and what is typed in its forms), with the
  // notice above it; a case no longer readable (404) leaves.
  else if (
    detail.isError &&
    (!detail.data || (detail.error instanceof ApiError && detail.error.status === 404))
  )
    body =
      detail.error instanceof ApiError && detail.error.status === 404 ? (
        <>
          <Title order={1}>{t('notFound.title')}</Title>
          <Alert color="yellow" role="status">
            {t('case.notFound')}
          </Alert>
        </>
      ) : (
        <ErrorNotice error={detail.error} onRetry={() => void detail.refetch()} />
      );
  else {
    const c = detail.data;
    const facts = (c.facts ?? {}) as CaseFactsView;
    const view: CaseView = {
      detail: c,
      facts,
      state: facts.state ?? {},
      formatDate: (date) => formatDate(language, date),
    };
    const roles = session.data?.roles ?? [];
    body = (
      <Stack gap="lg">
        {detail.isError && (
          <ErrorNotice error={detail.error} onRetry={() => void detail.refetch()} />
        )}
        <Group gap="sm" align="center">
          <Title order={1}>{t('case.title', { reference: c.reference })}</Title>
          <Badge color={c.status === 'open' ? 'blue' : 'gray'} variant="light" size="lg">
            {t(`status.${c.status}`)}
          </Badge>
        </Group>
        <Anchor {...claims}>{t('legalaid.case.claimsLink')}</Anchor>
        {roles.includes('supervisor') && <SupervisionLink caseId={caseId} />}
        {c.erased && (
          <Alert color="gray" role="status">
            {t('case.erased')}
          </Alert>
        )}
        <Profile view={view} codes={codes} assigns={roles.some((r) => COMMAND_ROLES.includes(r))} />
        <OpenDecisions view={view} codes={codes} />
        <LinkedCases
          sameAs={view.state.sameAsCases ?? []}
          notSameAs={view.state.notSameAsCases ?? []}
        />
        {roles.some((r) => COMMAND_ROLES.includes(r)) && !c.erased && (
          <PossibleDuplicates view={view} />
        )}
        <PersonalDetails view={view} />
        {roles.some((r) => COMMAND_ROLES.includes(r)) && !c.erased && (
          <CaseCommands view={view} roles={roles} />
        )}
        <CaseHistory caseId={caseId} />
      </Stack>
    );
  }
  return (
    <Stack gap="md">
      <Anchor {...back}>{t('case.back')}</Anchor>
      {body}
    </Stack>
  );
}

/** The case's supervision screens (access history, the person's access-request export). */
function SupervisionLink({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const link = useLinkProps(paths.supervision(`/cases/${caseId}`));
  return (
    <Anchor {...link} data-testid="case-supervision-link">
      {t('casepage.supervisionLink')}
    </Anchor>
  );
}

/** Personal fields by topic, as the API decrypted them for this caller, labelled in six languages. */
const PERSONAL_DATES: ReadonlySet<string> = new Set([
  'birthDate',
  'exploitationStartedOn',
  'exploitationEndedOn',
]);
const KNOWN_DOCUMENT_KINDS: ReadonlySet<string> = new Set(IDENTITY_DOCUMENT_KINDS);

function PersonalDetails({ view }: { view: CaseView }) {
  const { t } = useTranslation();
  const personal = Object.entries(view.detail.personal ?? {});
  const fieldLabel = (field: string) => t(`casepage.personal.${field}`, { defaultValue: field });
  const topicLabel = (topic: string) =>
    t(`casepage.personal.topic.${topic}`, { defaultValue: topic });
  const valueOf = (field: string, value: unknown): string => {
    if (PERSONAL_DATES.has(field) && typeof value === 'string') return view.formatDate(value);
    if (field === 'identityDocuments' && Array.isArray(value))
      return (value as { kind?: string; number?: string }[])
        .map(
          (d) =>
            `${d.kind && KNOWN_DOCUMENT_KINDS.has(d.kind) ? t(`commands.documentKind.${d.kind}`) : (d.kind ?? '')}: ${d.number ?? ''}`,
        )
        .join('; ');
    return show(value);
  };
  return (
    <section aria-labelledby="case-personal" data-testid="case-personal">
      <Title order={2} id="case-personal" mb="xs">
        {t('case.personal')}
      </Title>
      {personal.length === 0 ? (
        <Text>{t('case.noPersonal')}</Text>
      ) : (
        <KeyValues
          rows={personal.flatMap(([topic, value]): [string, ReactNode][] =>
            value.erased || value.value === undefined
              ? [[topicLabel(topic), t('case.personalErased')]]
              : Object.entries(value.value as Record<string, unknown>).map(([field, v]) => [
                  topic === 'opening'
                    ? fieldLabel(field)
                    : `${fieldLabel(field)} (${topicLabel(topic)})`,
                  valueOf(field, v),
                ]),
          )}
        />
      )}
    </section>
  );
}

function Profile({
  view,
  codes,
  assigns,
}: {
  view: CaseView;
  codes: CodeLists;
  /** The person sends case commands: the caseworkers' names are theirs to read. */
  assigns: boolean;
}) {
  const { t, i18n } = useTranslation();
  const organisations = useOrganisations();
  const caseworkers = useCaseworkers(assigns);
  const language = i18n.language;
  const { detail: c, state, facts } = view;
  const yesNo = (value: boolean | undefined) => (value ? t('common.yes') : t('common.no'));
  const orgName = (id: string) =>
    organisations.data?.find((o) => o.organisationId === id)?.name ?? id;
  const consent = (key: string) => {
    const [purpose, org] = key.split(':');
    const label = codes.label('consent-purposes', purpose);
    return org ? `${label} (${orgName(org)})` : label;
  };
  const cooperation = state.information?.lawEnforcementCooperation;
  const rows: [string, ReactNode][] = [
    [t('case.reference'), c.reference],
    [t('case.status'), t(`status.${c.status}`)],
    [
      t('case.identification'),
      codes.label('victim-statuses', state.victimStatus) ||
        t(`identification.${c.identificationStatus}`),
    ],
    [t('case.openedAt'), formatDateTime(language, c.openedAt)],
    [
      t('casepage.referralSource'),
      codes.label('referral-sources', facts.referralSource) || t('common.none'),
    ],
    [
      t('casepage.sexGender'),
      codes.label('sex-gender', facts.profile?.sexGender) || t('common.none'),
    ],
    [
      t('casepage.citizenships'),
      (facts.profile?.citizenships ?? [])
        .map((code) => codes.label('countries', code))
        .join(', ') || t('common.none'),
    ],
    [
      t('casepage.languages'),
      (facts.profile?.languages ?? []).map((code) => codes.label('languages', code)).join(', ') ||
        t('common.none'),
    ],
    [t('case.presumedMinor'), yesNo(c.presumedMinor)],
    [t('case.childNow'), yesNo(c.childNow)],
    [
      t('case.reflectionEnds'),
      c.reflectionPeriodEndsOn ? formatDate(language, c.reflectionPeriodEndsOn) : t('common.none'),
    ],
    [
      t('case.nextDeadline'),
      c.nextDeadline ? formatDate(language, c.nextDeadline) : t('common.none'),
    ],
    [
      t('casepage.consents'),
      (state.liveConsents ?? []).map(consent).join('; ') || t('common.none'),
    ],
    [t('casepage.statisticalObjection'), yesNo(state.objectsToStatisticalUse)],
    [
      t('casepage.cooperation'),
      cooperation
        ? `${codes.label('law-enforcement-cooperation', cooperation)} — ${t('casepage.cooperation.choice')}`
        : t('common.none'),
    ],
    [
      t('casepage.guardians'),
      (state.guardians ?? []).map((g) => codes.label('guardian-kinds', g)).join(', ') ||
        t('common.none'),
    ],
    [
      t('casepage.legalAid'),
      (state.legalAidOrganisations ?? []).map(orgName).join(', ') || t('common.none'),
    ],
    [
      t('case.caseworker'),
      c.assignedCaseworkerId
        ? (caseworkers.data?.find((u) => u.userId === c.assignedCaseworkerId)?.displayName ??
          c.assignedCaseworkerId)
        : t('case.unassigned'),
    ],
    [t('case.openReferrals'), formatNumber(language, c.openReferrals)],
  ];
  return (
    <section aria-labelledby="case-profile">
      <Title order={2} id="case-profile" mb="xs">
        {t('case.profile')}
      </Title>
      <KeyValues rows={rows} />
    </section>
  );
}

/** What waits on someone: the decisions still open on this case. */
function OpenDecisions({ view, codes }: { view: CaseView; codes: CodeLists }) {
  const { t } = useTranslation();
  const { detail: c, state } = view;
  const items: ReactNode[] = [];
  for (const decision of c.bestInterestsPending)
    items.push(
      <List.Item key={`bia-${decision}`}>
        {t('casepage.open.bestInterests')} {codes.label('best-interests-decisions', decision)}
      </List.Item>,
    );
  if (c.status === 'closure_requested')
    items.push(
      <List.Item key="closure">
        {t('casepage.open.closure')}{' '}
        {state.closureRequest
          ? `(${codes.label('closure-reasons', state.closureRequest.reason)})`
          : ''}
      </List.Item>,
    );
  if (c.status !== 'closed' && c.identificationStatus === 'not_identified')
    items.push(<List.Item key="identification">{t('casepage.open.identification')}</List.Item>);
  if (
    c.status !== 'closed' &&
    c.identificationStatus === 'PossibleVictimOfTrafficking' &&
    !state.reflectionPeriod
  )
    items.push(<List.Item key="reflection">{t('casepage.open.reflection')}</List.Item>);
  const pending = Object.values(state.referrals ?? {}).filter((r) => r.status === 'pending');
  if (pending.length > 0)
    items.push(
      <List.Item key="referrals">
        {t('casepage.open.referrals', { count: pending.length })}
      </List.Item>,
    );
  const flags = Object.values(state.nonPunishmentFlags ?? {}).filter((s) => s === 'raised');
  if (flags.length > 0)
    items.push(
      <List.Item key="flags">{t('casepage.open.flags', { count: flags.length })}</List.Item>,
    );
  return (
    <section aria-labelledby="case-decisions" data-testid="open-decisions">
      <Title order={2} id="case-decisions" mb="xs">
        {t('casepage.open.title')}
      </Title>
      {items.length === 0 ? <Text>{t('casepage.open.none')}</Text> : <List>{items}</List>}
    </section>
  );
}

/** A personal field's value as text (the API's decrypted JSON). */
function show(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(show).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function KeyValues({ rows }: { rows: [string, ReactNode][] }) {
  return (
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
  );
}
