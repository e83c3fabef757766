import { Button, Stack } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { CommandNotice, outcomeOf, type CommandState, type Outcome } from '../commands';
import { useConsole } from '../context';

/**
 * Marks a due reminder done (POST /reminders/due/{reminderId}/done: idempotent, so it takes no
 * If-Match or Idempotency-Key). Its answer is read by the command layer's outcomeOf and shown by
 * CommandNotice like any command's; 503 is retried.
 */
export function MarkDone({ reminderId, what }: { reminderId: string; what: string }) {
  const { t } = useTranslation();
  const { api } = useConsole();
  const queryClient = useQueryClient();
  const done = useMutation({
    mutationFn: async () => {
      const outcome = outcomeOf(
        await api.POST('/reminders/due/{reminderId}/done', { params: { path: { reminderId } } }),
      );
      if (outcome.kind !== 'done') throw outcome;
      return outcome;
    },
    retry: (failures, outcome: Outcome) => failures < 4 && outcome.kind === 'unavailable',
    retryDelay: (failures) => Math.min(30_000, 1000 * 2 ** failures),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['reminders'] }),
  });
  return (
    <Stack gap="xs" align="start">
      <Button
        size="xs"
        variant="light"
        loading={done.isPending}
        aria-label={t('lists.reminders.markDoneOf', { what })}
        onClick={() => done.mutate()}
      >
        {t('lists.reminders.markDone')}
      </Button>
      {done.isError && <CommandNotice state={done.error as CommandState} />}
    </Stack>
  );
}
