import { Alert, Anchor, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, dataOf } from '../api';
import { useConsole } from '../context';
import { formatDate, formatDateTime, formatNumber } from '../format';
import { paths, useLinkProps } from '../router';
import { CaseHistory } from '../lists/timeline';
import { ErrorNotice } from './error-notice';

/**
 * One case, read-only: its profile (GET /cases/{caseId}, personal fields as the API decrypted
 * them for this caller: the API decides who sees them) and its timeline (GET
 * /cases/{caseId}/timeline, pages by revision). The page title names the case reference, never
 * the person.
 */
export default function CasePage({ caseId }: { caseId: string }) {
  const { t, i18n } = useTranslation();
  const { api } = useConsole();
  const back = useLinkProps(paths.cases());
  const detail = useQuery({
    queryKey: ['case', caseId],
    queryFn: async () => dataOf(await api.GET('/cases/{caseId}', { params: { path: { caseId } } })),
    // Asked again on every visit: a case no longer shared with this organisation is gone at once.
    refetchOnMount: 'always',
  });
  useDocumentTitle(
    detail.data
      ? `${t('case.title', { reference: detail.data.reference })} · ${t('app.name')}`
      : t('app.name'),
  );
  const language = i18n.language;

  let body: ReactNode;
  if (detail.isPending) body = <Loader aria-label={t('app.loading')} />;
  else if (detail.isError)
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
    const yesNo = (value: boolean) => (value ? t('common.yes') : t('common.no'));
    const rows: [string, ReactNode][] = [
      [t('case.reference'), c.reference],
      [t('case.status'), t(`status.${c.status}`)],
      [t('case.identification'), t(`identification.${c.identificationStatus}`)],
      [t('case.openedAt'), formatDateTime(language, c.openedAt)],
      [t('case.presumedMinor'), yesNo(c.presumedMinor)],
      [t('case.childNow'), yesNo(c.childNow)],
      [
        t('case.reflectionEnds'),
        c.reflectionPeriodEndsOn
          ? formatDate(language, c.reflectionPeriodEndsOn)
          : t('common.none'),
      ],
      [
        t('case.nextDeadline'),
        c.nextDeadline ? formatDate(language, c.nextDeadline) : t('common.none'),
      ],
      [t('case.caseworker'), c.assignedCaseworkerId ?? t('case.unassigned')],
      [t('case.openReferrals'), formatNumber(language, c.openReferrals)],
      [
        t('case.bestInterestsPending'),
        c.bestInterestsPending.length > 0 ? c.bestInterestsPending.join(', ') : t('common.none'),
      ],
    ];
    const personal = Object.entries(c.personal ?? {});
    body = (
      <Stack gap="lg">
        <Title order={1}>{t('case.title', { reference: c.reference })}</Title>
        {c.erased && (
          <Alert color="gray" role="status">
            {t('case.erased')}
          </Alert>
        )}
        <section aria-labelledby="case-profile">
          <Title order={2} id="case-profile" mb="xs">
            {t('case.profile')}
          </Title>
          <KeyValues rows={rows} />
        </section>
        <section aria-labelledby="case-personal">
          <Title order={2} id="case-personal" mb="xs">
            {t('case.personal')}
          </Title>
          {personal.length === 0 ? (
            <Text>{t('case.noPersonal')}</Text>
          ) : (
            <KeyValues
              rows={personal.flatMap(([topic, view]): [string, ReactNode][] =>
                view.erased || view.value === undefined
                  ? [[topic, t('case.personalErased')]]
                  : Object.entries(view.value as Record<string, unknown>).map(([field, value]) => [
                      field,
                      show(value),
                    ]),
              )}
            />
          )}
        </section>
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
