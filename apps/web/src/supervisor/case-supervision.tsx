import { Alert, Anchor, Button, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, dataOf } from '../api';
import { useConsole } from '../context';
import { formatDateTime } from '../format';
import { paths, useLinkProps } from '../router';
import { ErrorNotice } from '../screens/error-notice';
import { ChangeFailure, okOf } from '../admin/shared';
import { saveFile } from './download';

const PAGE = 100;

/** A case for its supervisor: the person's access-request export and the case's access history. */
export function CaseSupervision({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const { api } = useConsole();
  const back = useLinkProps(paths.supervision());
  const detail = useQuery({
    queryKey: ['case', caseId],
    queryFn: async () => dataOf(await api.GET('/cases/{caseId}', { params: { path: { caseId } } })),
  });
  const reference = detail.data?.reference;
  useDocumentTitle(
    reference ? `${t('supervisor.case.title', { reference })} · ${t('app.name')}` : t('app.name'),
  );
  return (
    <Stack gap="lg">
      <Anchor {...back}>{t('supervisor.case.back')}</Anchor>
      {detail.isPending ? (
        <Loader aria-label={t('app.loading')} />
      ) : detail.isError ? (
        detail.error instanceof ApiError && detail.error.status === 404 ? (
          <>
            <Title order={1}>{t('notFound.title')}</Title>
            <Alert color="yellow" role="status">
              {t('supervisor.case.notFound')}
            </Alert>
          </>
        ) : (
          <ErrorNotice error={detail.error} onRetry={() => void detail.refetch()} />
        )
      ) : (
        <>
          <Title order={1}>
            {t('supervisor.case.title', { reference: detail.data.reference })}
          </Title>
          <AccessRequestExport caseId={caseId} reference={detail.data.reference} />
          <AccessHistory caseId={caseId} />
        </>
      )}
    </Stack>
  );
}

/** GET /cases/{id}/access-request-export: everything held on the person, as a JSON download. */
function AccessRequestExport({ caseId, reference }: { caseId: string; reference: string }) {
  const { t } = useTranslation();
  const { api } = useConsole();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const download = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const data = okOf(
        await api.GET('/cases/{caseId}/access-request-export', {
          params: { path: { caseId } },
          parseAs: 'blob',
        }),
      );
      saveFile(data as Blob, `access-request-${reference}.json`);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="supervisor-access-request">
      <Title order={2} id="supervisor-access-request" mb="xs">
        {t('supervisor.accessRequest.title')}
      </Title>
      <Stack gap="sm" align="start">
        <Text>{t('supervisor.accessRequest.intro')}</Text>
        <ChangeFailure error={error} />
        <Button onClick={() => void download()} loading={busy}>
          {t('supervisor.accessRequest.download')}
        </Button>
      </Stack>
    </section>
  );
}

/** GET /cases/{id}/access-history: who read or acted on the case, or tried to; newest first. */
function AccessHistory({ caseId }: { caseId: string }) {
  const { t, i18n } = useTranslation();
  const { api } = useConsole();
  const history = useInfiniteQuery({
    queryKey: ['case', caseId, 'access-history'],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      dataOf(
        await api.GET('/cases/{caseId}/access-history', {
          params: {
            path: { caseId },
            query: { limit: PAGE, ...(pageParam ? { before: pageParam } : {}) },
          },
        }),
      ),
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
  const items = history.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="supervisor-access-history">
      <Title order={2} id="supervisor-access-history" mb="xs">
        {t('supervisor.history.title')}
      </Title>
      {history.isPending ? (
        <Loader aria-label={t('app.loading')} />
      ) : history.isError ? (
        <ErrorNotice error={history.error} onRetry={() => void history.refetch()} />
      ) : (
        <>
          <Text size="sm" mb="xs">
            {t('supervisor.history.count', { count: items.length })}
          </Text>
          <Table.ScrollContainer minWidth="48rem">
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('supervisor.history.col.when')}</Table.Th>
                  <Table.Th scope="col">{t('supervisor.history.col.user')}</Table.Th>
                  <Table.Th scope="col">{t('supervisor.history.col.roles')}</Table.Th>
                  <Table.Th scope="col">{t('supervisor.history.col.action')}</Table.Th>
                  <Table.Th scope="col">{t('supervisor.history.col.outcome')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((row) => (
                  <Table.Tr key={row.auditId}>
                    <Table.Td>{formatDateTime(i18n.language, row.recordedAt)}</Table.Td>
                    <Table.Td>
                      <code>{row.userId}</code>
                    </Table.Td>
                    <Table.Td>{row.roles.map((r) => t(`role.${r}`)).join(', ')}</Table.Td>
                    <Table.Td>
                      <code>
                        {row.method} {row.route}
                      </code>
                    </Table.Td>
                    <Table.Td>
                      <Text component="span" fw={700} size="sm">
                        {t(`supervisor.history.outcome.${row.outcome}`)}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {history.hasNextPage && (
            <Button
              variant="default"
              mt="sm"
              loading={history.isFetchingNextPage}
              onClick={() => void history.fetchNextPage()}
            >
              {t('supervisor.history.more')}
            </Button>
          )}
        </>
      )}
    </section>
  );
}
