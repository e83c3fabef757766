import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDisclosure } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { caseQuery, CommandNotice, useCommand } from '../commands';
import { useConsole } from '../context';

/**
 * Accept or decline an incoming referral, through the console's one command layer (If-Match:
 * the case's revision as this organisation reads it; an Idempotency-Key per attempt; 409/412,
 * 422, 503 shown by CommandNotice). Declining asks for an optional reason in a dialog (the
 * reason is personal text: sent in the body, encrypted by the API).
 */
export function ReferralAnswer({
  caseId,
  referralId,
  service,
}: {
  caseId: string;
  referralId: string;
  service: string;
}) {
  const { t } = useTranslation();
  const { api } = useConsole();
  const detail = useQuery(caseQuery(api, caseId));
  const revision = detail.data?.revision;
  const accept = useCommand({
    path: '/cases/{caseId}/referrals/{referralId}/accept',
    params: { caseId, referralId },
    caseId,
    revision,
  });
  const decline = useCommand({
    path: '/cases/{caseId}/referrals/{referralId}/decline',
    params: { caseId, referralId },
    caseId,
    revision,
  });
  const [opened, dialog] = useDisclosure(false);
  const form = useForm({ mode: 'controlled', initialValues: { reason: '' } });
  const busy = accept.state.kind === 'sending' || decline.state.kind === 'sending';
  const state = decline.state.kind !== 'idle' ? decline.state : accept.state;
  return (
    <Stack gap="xs" align="start">
      <Group gap="xs" wrap="nowrap">
        <Button
          size="xs"
          disabled={revision === undefined || busy}
          loading={accept.state.kind === 'sending'}
          aria-label={t('lists.referrals.acceptOf', { service })}
          onClick={() => {
            decline.reset();
            void accept.submit({});
          }}
        >
          {t('lists.referrals.accept')}
        </Button>
        <Button
          size="xs"
          variant="default"
          disabled={revision === undefined || busy}
          aria-label={t('lists.referrals.declineOf', { service })}
          onClick={dialog.open}
        >
          {t('lists.referrals.decline')}
        </Button>
      </Group>
      <CommandNotice state={state} />
      <Modal opened={opened} onClose={dialog.close} title={t('lists.referrals.declineTitle')}>
        <form
          onSubmit={form.onSubmit(async (values) => {
            accept.reset();
            const reason = values.reason.trim();
            const outcome = await decline.submit(reason ? { personal: { text: reason } } : {});
            if (outcome.kind !== 'unavailable') dialog.close();
          })}
        >
          <Stack gap="sm">
            <Text size="sm">{t('lists.referrals.declineIntro', { service })}</Text>
            <Textarea
              label={t('lists.referrals.declineReason')}
              autosize
              minRows={2}
              {...form.getInputProps('reason')}
            />
            <CommandNotice state={decline.state} />
            <Group justify="flex-end">
              <Button variant="default" onClick={dialog.close}>
                {t('commands.cancel')}
              </Button>
              <Button type="submit" color="red" loading={decline.state.kind === 'sending'}>
                {t('lists.referrals.declineConfirm')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Stack>
  );
}
