import { Alert, Checkbox, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { dataOf } from '../api';
import { useConsole } from '../context';
import { formatDate, formatDateTime } from '../format';
import { ErrorNotice } from '../screens/error-notice';
import { CaseReferenceLink } from './case-reference';
import { isKnownReminderKind } from './event-types';
import { MarkDone } from './mark-done';

/** The organisation's due reminders (GET /reminders/due), each marked done from here. */
export default function Reminders() {
  const { t, i18n } = useTranslation();
  const { api } = useConsole();
  const [includeDone, setIncludeDone] = useState(false);
  useDocumentTitle(`${t('lists.reminders.title')} · ${t('app.name')}`);
  const due = useQuery({
    queryKey: ['reminders', { includeDone }],
    queryFn: async () =>
      dataOf(await api.GET('/reminders/due', { params: { query: { includeDone, limit: 500 } } })),
    placeholderData: keepPreviousData,
  });
  const language = i18n.language;
  return (
    <Stack gap="md">
      <Title order={1}>{t('lists.reminders.title')}</Title>
      <Checkbox
        label={t('lists.reminders.includeDone')}
        checked={includeDone}
        onChange={(e) => setIncludeDone(e.currentTarget.checked)}
      />
      {due.isPending ? (
        <Loader aria-label={t('app.loading')} />
      ) : due.isError ? (
        <ErrorNotice error={due.error} onRetry={() => void due.refetch()} />
      ) : due.data.items.length === 0 ? (
        <Alert color="gray" role="status">
          {t('lists.reminders.none')}
        </Alert>
      ) : (
        <>
          <Text role="status" size="sm">
            {t('lists.reminders.count', { count: due.data.items.length })}
          </Text>
          <Table.ScrollContainer minWidth="48rem">
            <Table striped data-testid="reminders">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('lists.reminders.kind')}</Table.Th>
                  <Table.Th scope="col">{t('lists.reminders.case')}</Table.Th>
                  <Table.Th scope="col">{t('lists.reminders.dueOn')}</Table.Th>
                  <Table.Th scope="col">{t('lists.reminders.becameDue')}</Table.Th>
                  <Table.Th scope="col">{t('lists.reminders.done')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {due.data.items.map((r) => {
                  const kind = isKnownReminderKind(r.kind)
                    ? t(`lists.reminder.${r.kind}`)
                    : t('lists.reminder.other');
                  return (
                    <Table.Tr key={r.reminderId}>
                      <Table.Th scope="row">{kind}</Table.Th>
                      <Table.Td>
                        <CaseReferenceLink caseId={r.caseId} />
                      </Table.Td>
                      <Table.Td>{formatDate(language, r.dueOn)}</Table.Td>
                      <Table.Td>{formatDateTime(language, r.becameDueAt)}</Table.Td>
                      <Table.Td>
                        {r.doneAt ? (
                          t('lists.reminders.doneAt', { date: formatDateTime(language, r.doneAt) })
                        ) : (
                          <MarkDone reminderId={r.reminderId} what={kind} />
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </Stack>
  );
}
