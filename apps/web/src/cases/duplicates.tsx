import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  List,
  Loader,
  Modal,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import type { components } from '@remedy/api-client';
import { useQuery } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { dataOf } from '../api';
import { caseKey, caseQuery, CommandNotice, useCodeLists, useCommand } from '../commands';
import { useConsole } from '../context';
import { paths, useLinkProps } from '../router';
import { ErrorNotice } from '../screens/error-notice';
import type { CaseView } from './case-view';

/** One suggestion of GET /cases/{caseId}/possible-duplicates. */
export type PossibleDuplicate = components['schemas']['PossibleDuplicateDto'];
/** Why a case was suggested: the identifiers whose blind tokens agree (never the values). */
export type MatchEvidence = PossibleDuplicate['evidence'][number];
const EVIDENCE_ORDER: readonly MatchEvidence[] = ['name', 'birth', 'citizenship', 'sex'];

export type Decision = components['schemas']['RecordDuplicateDecisionDto']['decision'];

/**
 * The score (0..1) shown as a band, not as a number: a caseworker reads "high" and "medium" the
 * same way in six languages, while 0.83 invites a precision the matcher does not have. "High"
 * (0.9 and above, @remedy/person-matching SUGGEST_THRESHOLD) is a pair strong enough to be
 * suggested on its own; "medium" is a weaker candidate suggested because it is among the best of
 * the case's candidates (`selectSuggestions`).
 */
export type LikelihoodBand = 'high' | 'medium';
export const HIGH_LIKELIHOOD = 0.9;
export const bandOf = (score: number): LikelihoodBand =>
  score >= HIGH_LIKELIHOOD ? 'high' : 'medium';

/**
 * A tie (`tiedWith`, @remedy/person-matching `tiesOf`): suggestions exactly as close to this case
 * on everything both record, shown as one suggestion, "one of these", under one heading row; the
 * API lists the members of a tie next to each other.
 */
const startsTie = (other: PossibleDuplicate, previous: PossibleDuplicate | undefined) =>
  other.tiedWith.length > 0 && !(previous && other.tiedWith.includes(previous.caseId));

/** The query key of a case's suggestions: under the case's key, so a command on it refreshes them. */
export const duplicatesKey = (caseId: string) =>
  [...caseKey(caseId), 'possible-duplicates'] as const;

/**
 * The organisation's other cases that may be the same person (issue 19), compared on keyed blind
 * tokens by the API: their reference (a link), status, opening date, how likely (a band) and why
 * (which identifiers agree, in words); the caseworker decides "the same person" or "not the same
 * person" (a dialog says what follows), or asks again.
 */
export function PossibleDuplicates({ view }: { view: CaseView }) {
  const { t } = useTranslation();
  const { api } = useConsole();
  const caseId = view.detail.caseId;
  const suggestions = useQuery({
    queryKey: duplicatesKey(caseId),
    queryFn: async () =>
      dataOf(
        await api.GET('/cases/{caseId}/possible-duplicates', { params: { path: { caseId } } }),
      ),
  });
  const [deciding, setDeciding] = useState<{ other: PossibleDuplicate; decision: Decision }>();

  let body;
  if (suggestions.isPending) body = <Loader size="sm" aria-label={t('duplicates.loading')} />;
  else if (suggestions.isError)
    body = <ErrorNotice error={suggestions.error} onRetry={() => void suggestions.refetch()} />;
  else if (suggestions.data.items.length === 0)
    body = <Text data-testid="duplicates-none">{t('duplicates.none')}</Text>;
  else
    body = (
      <Table withTableBorder data-testid="duplicates-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('duplicates.column.reference')}</Table.Th>
            <Table.Th scope="col">{t('duplicates.column.status')}</Table.Th>
            <Table.Th scope="col">{t('duplicates.column.openedOn')}</Table.Th>
            <Table.Th scope="col">{t('duplicates.column.likelihood')}</Table.Th>
            <Table.Th scope="col">{t('duplicates.column.why')}</Table.Th>
            <Table.Th scope="col">{t('duplicates.column.decide')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {suggestions.data.items.map((other, i, items) => (
            <Fragment key={other.caseId}>
              {startsTie(other, items[i - 1]) && (
                <Table.Tr data-testid="duplicate-tie">
                  <Table.Td colSpan={6}>
                    <Text size="sm" fw={500}>
                      {t('duplicates.tie', { number: other.tiedWith.length + 1 })}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
              <SuggestionRow
                other={other}
                view={view}
                onDecide={(decision) => setDeciding({ other, decision })}
              />
            </Fragment>
          ))}
        </Table.Tbody>
      </Table>
    );

  return (
    <section aria-labelledby="case-duplicates" data-testid="case-duplicates">
      <Group justify="space-between" align="center" mb="xs">
        <Title order={2} id="case-duplicates">
          {t('duplicates.title')}
        </Title>
        <Group gap="xs">
          {/* Not the button's own loading state: its dimmed label fails contrast while it lasts. */}
          {suggestions.isFetching && !suggestions.isPending && (
            <Loader
              size="xs"
              aria-label={t('duplicates.loading')}
              data-testid="duplicates-fetching"
            />
          )}
          <Button
            variant="light"
            onClick={() => void suggestions.refetch()}
            data-testid="duplicates-check"
          >
            {t('duplicates.checkAgain')}
          </Button>
        </Group>
      </Group>
      <Text size="sm" mb="xs">
        {t('duplicates.intro')}
      </Text>
      {body}
      {deciding && (
        <DecisionDialog
          key={`${deciding.other.caseId}-${deciding.decision}`}
          view={view}
          other={deciding.other}
          decision={deciding.decision}
          onClose={() => setDeciding(undefined)}
        />
      )}
    </section>
  );
}

function SuggestionRow({
  other,
  view,
  onDecide,
}: {
  other: PossibleDuplicate;
  view: CaseView;
  onDecide: (decision: Decision) => void;
}) {
  const { t } = useTranslation();
  const link = useLinkProps(paths.case(other.caseId));
  const band = bandOf(other.score);
  const evidence = EVIDENCE_ORDER.filter((e) => other.evidence.includes(e));
  return (
    <Table.Tr
      data-testid="duplicate-suggestion"
      data-case-id={other.caseId}
      data-tied={other.tiedWith.length > 0 || undefined}
    >
      <Table.Td>
        <Anchor {...link}>{other.reference}</Anchor>
      </Table.Td>
      <Table.Td>{t(`status.${other.status}`, { defaultValue: other.status })}</Table.Td>
      <Table.Td>{view.formatDate(other.openedOn)}</Table.Td>
      <Table.Td>
        {/* Filled: white on the 9th shade meets contrast; Mantine's light variant with a shade drew
            the text in the badge's own colour (an empty red pill in the screenshots). */}
        <Badge color={band === 'high' ? 'red.9' : 'indigo.9'} variant="filled" data-band={band}>
          {t(`duplicates.band.${band}`)}
        </Badge>
      </Table.Td>
      <Table.Td>
        {evidence.length === 0 ? (
          t('common.none')
        ) : (
          <List size="sm">
            {evidence.map((e) => (
              <List.Item key={e}>{t(`duplicates.evidence.${e}`)}</List.Item>
            ))}
          </List>
        )}
      </Table.Td>
      <Table.Td>
        <Group gap="xs" wrap="wrap">
          <Button
            size="xs"
            onClick={() => onDecide('same_person')}
            aria-label={t('duplicates.samePerson.with', { reference: other.reference })}
          >
            {t('duplicates.samePerson')}
          </Button>
          <Button
            size="xs"
            variant="default"
            onClick={() => onDecide('not_same_person')}
            aria-label={t('duplicates.notSamePerson.with', { reference: other.reference })}
          >
            {t('duplicates.notSamePerson')}
          </Button>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

/**
 * Asks first, saying what follows; then sends the decision as every command is sent (If-Match:
 * the case's revision as shown; one Idempotency-Key per attempt; 409/412, 422 and 503 shown by
 * the command notice, the dialog kept open so the person can confirm again on the fresh case).
 */
function DecisionDialog({
  view,
  other,
  decision,
  onClose,
}: {
  view: CaseView;
  other: PossibleDuplicate;
  decision: Decision;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  const caseId = view.detail.caseId;
  const command = useCommand({
    path: '/cases/{caseId}/duplicate-decisions',
    params: { caseId },
    caseId,
    revision: view.detail.revision,
    onDone: onClose,
  });
  const busy = command.state.kind === 'sending' || command.state.kind === 'retrying';
  const prefix = decision === 'same_person' ? 'duplicates.samePerson' : 'duplicates.notSamePerson';
  return (
    <Modal
      opened
      onClose={onClose}
      title={t(`${prefix}.title`)}
      centered
      closeButtonProps={{ 'aria-label': t('duplicates.close') }}
    >
      <Stack gap="md" data-testid="duplicate-decision">
        <Text>
          {t(`${prefix}.message`, {
            reference: view.detail.reference,
            otherReference: other.reference,
            reason: codes.label('closure-reasons', 'duplicate'),
          })}
        </Text>
        <CommandNotice state={command.state} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('commands.cancel')}
          </Button>
          <Button
            loading={busy}
            onClick={() => void command.submit({ otherCaseId: other.caseId, decision })}
          >
            {t(`${prefix}.confirm`)}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/**
 * The cases decided to be the same person as this one (each a link), and how one of them is then
 * closed: the ordinary closure request, reason "duplicate", under every closure rule; and the
 * cases decided not to be (never suggested again).
 */
export function LinkedCases({
  sameAs,
  notSameAs,
}: {
  sameAs: readonly string[];
  notSameAs: readonly string[];
}) {
  const { t } = useTranslation();
  const codes = useCodeLists();
  if (sameAs.length === 0 && notSameAs.length === 0) return null;
  return (
    <section aria-labelledby="case-linked" data-testid="case-linked">
      <Title order={2} id="case-linked" mb="xs">
        {t('duplicates.linked.title')}
      </Title>
      {sameAs.length === 0 ? (
        <Text>{t('duplicates.linked.none')}</Text>
      ) : (
        <>
          <List data-testid="linked-same">
            {sameAs.map((id) => (
              <List.Item key={id}>
                <LinkedCase caseId={id} />
              </List.Item>
            ))}
          </List>
          <Alert color="blue" role="note" mt="xs" data-testid="case-linked-hint">
            {t('duplicates.linked.hint', { reason: codes.label('closure-reasons', 'duplicate') })}
          </Alert>
        </>
      )}
      {notSameAs.length > 0 && (
        <>
          <Title order={3} size="h5" mt="sm" mb={4} id="case-not-same">
            {t('duplicates.notSame.title')}
          </Title>
          <List aria-labelledby="case-not-same" data-testid="linked-not-same">
            {notSameAs.map((id) => (
              <List.Item key={id}>
                <LinkedCase caseId={id} />
              </List.Item>
            ))}
          </List>
        </>
      )}
    </section>
  );
}

/**
 * A linked case by its reference (read as any case is: 404 when it is not this person's). Kept
 * apart from the case's own query: its page, opened next, reads the case afresh (the process
 * manager records the decision there shortly after this one).
 */
function LinkedCase({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const { api } = useConsole();
  const { queryFn } = caseQuery(api, caseId);
  const reference = useQuery({
    queryKey: ['case-reference', caseId],
    queryFn: async () => (await queryFn()).reference,
    staleTime: Infinity,
  });
  const link = useLinkProps(paths.case(caseId));
  if (reference.isPending) return <Loader size="xs" aria-label={t('duplicates.loading')} />;
  if (reference.isError) return <Text>{t('duplicates.linked.unavailable')}</Text>;
  return (
    <Anchor {...link} data-testid="linked-case">
      {reference.data}
    </Anchor>
  );
}
