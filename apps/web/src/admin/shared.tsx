import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, dataOf } from '../api';
import { useConsole } from '../context';

/** The roles of the API (libs/auth ROLES), in its order. */
export const ROLES = [
  'caseworker',
  'supervisor',
  'legal_aid',
  'rapporteur',
  'org_admin',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

/** The caller (GET /session): the same query as the shell's, so one request serves both. */
export function useSession() {
  const { api } = useConsole();
  return useQuery({
    queryKey: ['session'],
    queryFn: async () => dataOf(await api.GET('/session')),
  });
}

/** `If-Match` of a resource at this version (the API's ETags are `"<n>"`). */
export const ifMatch = (version: number) => `"${version}"`;

/** A code list's labels in the interface language (GET /code-lists/{name}?lang=). */
export function useCodeLabels(name: string): ReadonlyMap<string, string> {
  const { api } = useConsole();
  const { i18n } = useTranslation();
  const list = useQuery({
    queryKey: ['code-list', name, i18n.language],
    staleTime: Infinity,
    queryFn: async () =>
      dataOf(
        await api.GET('/code-lists/{name}', {
          params: { path: { name }, query: { lang: i18n.language } },
        }),
      ),
  });
  return new Map((list.data?.codes ?? []).map((c) => [c.code, c.label]));
}

/** The status of a failed change: an ApiError's, or 0 for a network failure. */
export const statusOf = (error: unknown): number => (error instanceof ApiError ? error.status : 0);

/** A failed change, said in the person's language by its status (never the API's English text). */
export function ChangeFailure({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const status = statusOf(error);
  const key =
    status === 412 || status === 409
      ? 'admin.error.changed'
      : status === 403
        ? 'admin.error.forbidden'
        : status === 404
          ? 'admin.error.notFound'
          : status === 400 || status === 422
            ? 'admin.error.refused'
            : status === 503 || status === 0
              ? 'admin.error.unavailable'
              : 'admin.error.generic';
  return (
    <Alert color="red" role="alert">
      {t(key)}
    </Alert>
  );
}

/** Throws an ApiError unless the answer is a success; answers its data (possibly empty). */
export function okOf<T>(answer: { data?: T; error?: unknown; response: Response }): T {
  if (!answer.response.ok) throw new ApiError(answer.response.status);
  return answer.data as T;
}

/**
 * Every modal of these areas has `lockScroll={false}`: Mantine locks the page's scroll with
 * react-remove-scroll, which adds a <style> element, and the console's CSP refuses inline styles.
 *
 * A button that asks first, in a Mantine modal: what will happen, Confirm or Cancel. The action
 * runs on Confirm; its failure is shown in the modal.
 */
export function ConfirmButton({
  label,
  title,
  message,
  confirm,
  color,
  onConfirm,
}: {
  label: string;
  title: string;
  message: ReactNode;
  confirm: string;
  color?: string;
  onConfirm: () => Promise<unknown>;
}) {
  const { t } = useTranslation();
  const [opened, { open, close }] = useDisclosure(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  return (
    <>
      <Button variant={color ? 'filled' : 'default'} color={color} onClick={open}>
        {label}
      </Button>
      <Modal
        lockScroll={false}
        opened={opened}
        onClose={close}
        title={title}
        closeButtonProps={{ 'aria-label': t('admin.close') }}
      >
        <Stack gap="md">
          <Text>{message}</Text>
          <ChangeFailure error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('admin.cancel')}
            </Button>
            <Button
              color={color}
              loading={busy}
              onClick={() => {
                setBusy(true);
                setError(undefined);
                onConfirm().then(
                  () => {
                    setBusy(false);
                    close();
                  },
                  (failure: unknown) => {
                    setBusy(false);
                    setError(failure);
                  },
                );
              }}
            >
              {confirm}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
