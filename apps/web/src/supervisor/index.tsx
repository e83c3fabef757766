import { Anchor, Button, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { dataOf } from '../api';
import { useConsole } from '../context';
import { formatDateTime } from '../format';
import { paths, useLinkProps } from '../router';
import { ErrorNotice } from '../screens/error-notice';
import { ChangeFailure, okOf, useSession } from '../admin/shared';
import { CaseSupervision } from './case-supervision';
import { saveFile } from './download';
import { RetentionSchedule } from './retention';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE = 50;

/** Roles the supervision screens serve (the API decides; this only picks the navigation). */
export const SUPERVISION_ROLES: ReadonlySet<string> = new Set(['supervisor']);

/**
 * Supervision (lazy chunk): /console/supervision (HTCDS export, retention schedule, the
 * organisation's cases to look into), /console/supervision/cases/{id} (a case's access history
 * and the person's access-request export).
 */
export default function SupervisionArea({ rest }: { rest: string }) {
  const segments = rest.split('/').filter(Boolean);
  if (segments.length === 0) return <SupervisionHome />;
  if (segments.length === 2 && segments[0] === 'cases' && UUID.test(segments[1]!))
    return <CaseSupervision caseId={segments[1]!} />;
  return <SupervisionNotFound />;
}

function SupervisionNotFound() {
  const { t } = useTranslation();
  useDocumentTitle(`${t('notFound.title')} · ${t('app.name')}`);
  return <Title order={1}>{t('notFound.title')}</Title>;
}

function SupervisionHome() {
  const { t } = useTranslation();
  const session = useSession();
  useDocumentTitle(`${t('supervisor.title')} · ${t('app.name')}`);
  return (
    <Stack gap="lg">
      <Title order={1}>{t('supervisor.title')}</Title>
      <HtcdsExport />
      {session.data && <RetentionSchedule organisationId={session.data.organisationId} />}
      <Cases />
    </Stack>
  );
}

/** GET /exports/htcds.csv: the organisation's cases as HTCDS v2.0 CSV, downloaded, never stored. */
function HtcdsExport() {
  const { t } = useTranslation();
  const { api } = useConsole();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const download = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const csv = okOf(await api.GET('/exports/htcds.csv', { parseAs: 'blob' }));
      saveFile(csv as Blob, `htcds-${new Date().toISOString().slice(0, 10)}.csv`);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="supervisor-htcds">
      <Title order={2} id="supervisor-htcds" mb="xs">
        {t('supervisor.htcds.title')}
      </Title>
      <Stack gap="sm" align="start">
        <Text>{t('supervisor.htcds.intro')}</Text>
        <ChangeFailure error={error} />
        <Button onClick={() => void download()} loading={busy}>
          {t('supervisor.htcds.download')}
        </Button>
      </Stack>
    </section>
  );
}

/** The organisation's cases (GET /cases, by last activity), each a way to its access history. */
function Cases() {
  const { t, i18n } = useTranslation();
  const { api } = useConsole();
  const cases = useInfiniteQuery({
    queryKey: ['supervision', 'cases'],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      dataOf(
        await api.GET('/cases', {
          params: { query: { limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = cases.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="supervisor-cases">
      <Title order={2} id="supervisor-cases" mb="xs">
        {t('supervisor.cases.title')}
      </Title>
      <Text mb="xs">{t('supervisor.cases.intro')}</Text>
      {cases.isPending ? (
        <Loader aria-label={t('app.loading')} />
      ) : cases.isError ? (
        <ErrorNotice error={cases.error} onRetry={() => void cases.refetch()} />
      ) : (
        <>
          <Table.ScrollContainer minWidth="30rem">
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('supervisor.cases.col.reference')}</Table.Th>
                  <Table.Th scope="col">{t('supervisor.cases.col.status')}</Table.Th>
                  <Table.Th scope="col">{t('supervisor.cases.col.activity')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((c) => (
                  <Table.Tr key={c.caseId}>
                    <Table.Td>
                      <CaseLink caseId={c.caseId} reference={c.reference} />
                    </Table.Td>
                    <Table.Td>{t(`status.${c.status}`)}</Table.Td>
                    <Table.Td>{formatDateTime(i18n.language, c.lastActivity)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {cases.hasNextPage && (
            <Group mt="sm">
              <Button
                variant="default"
                loading={cases.isFetchingNextPage}
                onClick={() => void cases.fetchNextPage()}
              >
                {t('supervisor.cases.more')}
              </Button>
            </Group>
          )}
        </>
      )}
    </section>
  );
}

function CaseLink({ caseId, reference }: { caseId: string; reference: string }) {
  const { t } = useTranslation();
  const link = useLinkProps(paths.supervision(`/cases/${caseId}`));
  return <Anchor {...link}>{t('supervisor.cases.open', { reference })}</Anchor>;
}
