import { Alert, Button, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api';

/** A failed read: 503 says the service is unavailable (TanStack Query retries it), else generic. */
export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { t } = useTranslation();
  const unavailable = error instanceof ApiError && error.status === 503;
  return (
    <Alert color="red" role="alert">
      <Stack gap="xs" align="start">
        {unavailable ? t('error.unavailable') : t('error.generic')}
        <Button variant="default" size="xs" onClick={onRetry}>
          {t('error.retry')}
        </Button>
      </Stack>
    </Alert>
  );
}
