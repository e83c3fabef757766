import { Button } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { dataOf } from '../api';
import { useConsole } from '../context';
import { ErrorNotice } from '../screens/error-notice';

/** Marks a due reminder done (POST /reminders/due/{reminderId}/done: idempotent). */
export function MarkDone({ reminderId, what }: { reminderId: string; what: string }) {
  const { t } = useTranslation();
  const { api } = useConsole();
  const queryClient = useQueryClient();
  const done = useMutation({
    mutationFn: async () =>
      dataOf(
        await api.POST('/reminders/due/{reminderId}/done', {
          params: { path: { reminderId } },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['reminders'] }),
  });
  if (done.isError) return <ErrorNotice error={done.error} onRetry={() => done.mutate()} />;
  return (
    <Button
      size="xs"
      variant="light"
      loading={done.isPending}
      aria-label={t('lists.reminders.markDoneOf', { what })}
      onClick={() => done.mutate()}
    >
      {t('lists.reminders.markDone')}
    </Button>
  );
}
