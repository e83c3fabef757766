import { Button, CopyButton, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../format';

export interface OneTimeLink {
  readonly url: string;
  readonly expiresAt: string;
}

/**
 * A one-time link (account setup, password reset), shown once: in this modal only, with a copy
 * button. It lives in the caller's React state until the modal closes, then it is gone: never in
 * the query cache, browser storage, the address or a log; the API cannot show it again.
 */
export function OneTimeLinkModal({
  link,
  title,
  onClose,
}: {
  link: OneTimeLink | undefined;
  title: string;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  return (
    <Modal
      lockScroll={false}
      opened={link !== undefined}
      onClose={onClose}
      title={title}
      size="lg"
      closeButtonProps={{ 'aria-label': t('admin.close') }}
    >
      {link && (
        <Stack gap="md">
          <Text>
            {t('admin.link.once', { expires: formatDateTime(i18n.language, link.expiresAt) })}
          </Text>
          <TextInput
            label={t('admin.link.label')}
            value={link.url}
            readOnly
            data-testid="one-time-link"
          />
          <Group justify="flex-end">
            <CopyButton value={link.url}>
              {({ copied, copy }) => (
                <Button variant="outline" onClick={copy} color={copied ? 'teal' : undefined}>
                  {copied ? t('admin.link.copied') : t('admin.link.copy')}
                </Button>
              )}
            </CopyButton>
            <Button onClick={onClose}>{t('admin.link.done')}</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
