import { Alert, Anchor, Button, Checkbox, Group, Loader, Stack, Table, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDocumentTitle } from '@mantine/hooks';
import type { components } from '@remedy/api-client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, dataOf } from '../api';
import { useConsole } from '../context';
import { formatDateTime } from '../format';
import { ENDONYMS } from '../i18n';
import { paths, useLinkProps } from '../router';
import { ErrorNotice } from '../screens/error-notice';
import { OneTimeLinkModal, type OneTimeLink } from './one-time-link';
import { ChangeFailure, ConfirmButton, ifMatch, okOf, useSession, type Role } from './shared';
import { grantableRoles, UserState } from './users';

type User = components['schemas']['UserView'];

/** One user (GET /users/{id}): roles, deactivation, reactivation, second factor, reset link. */
export function UserScreen({ userId }: { userId: string }) {
  const { t, i18n } = useTranslation();
  const { api } = useConsole();
  const user = useQuery({
    queryKey: ['user', userId],
    queryFn: async () => dataOf(await api.GET('/users/{userId}', { params: { path: { userId } } })),
  });
  useDocumentTitle(`${t('admin.user.title')} · ${t('app.name')}`);
  if (user.isPending) return <Loader aria-label={t('app.loading')} />;
  if (user.isError)
    return user.error instanceof ApiError && user.error.status === 404 ? (
      <Stack gap="md">
        <Title order={1}>{t('notFound.title')}</Title>
        <Alert color="yellow" role="status">
          {t('admin.user.notFound')}
        </Alert>
      </Stack>
    ) : (
      <ErrorNotice error={user.error} onRetry={() => void user.refetch()} />
    );
  const u = user.data;
  const rows: [string, ReactNode][] = [
    [t('admin.users.col.name'), u.displayName],
    [t('admin.users.col.login'), u.loginName],
    [
      t('admin.users.col.state'),
      <UserState key="s" active={u.active} lockedUntil={u.lockedUntil} />,
    ],
    [t('admin.users.field.language'), ENDONYMS[u.language]],
    [
      t('admin.user.password'),
      u.passwordSet ? t('admin.user.passwordSet') : t('admin.user.passwordNotSet'),
    ],
    [
      t('admin.users.col.factors'),
      u.secondFactors.length === 0
        ? t('common.none')
        : u.secondFactors.map((f) => t(`admin.factor.${f}`)).join(', '),
    ],
    [t('admin.user.created'), formatDateTime(i18n.language, u.createdAt)],
    ...(u.deactivatedAt
      ? [
          [t('admin.user.deactivatedAt'), formatDateTime(i18n.language, u.deactivatedAt)] as [
            string,
            ReactNode,
          ],
        ]
      : []),
  ];
  return (
    <Stack gap="lg">
      <BackToUsers organisationId={u.organisationId} />
      <Title order={1}>{t('admin.user.titleOf', { name: u.displayName })}</Title>
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
      <RolesForm key={u.version} user={u} />
      <UserActions user={u} />
    </Stack>
  );
}

function BackToUsers({ organisationId }: { organisationId: string }) {
  const { t } = useTranslation();
  const link = useLinkProps(paths.admin(`/organisations/${organisationId}`));
  return <Anchor {...link}>{t('admin.user.back')}</Anchor>;
}

/** The answer of a change: the user as it is now, in the cache (its new version restarts the forms). */
function useUserAnswer() {
  const queryClient = useQueryClient();
  return (user: User) => {
    queryClient.setQueryData(['user', user.userId], user);
    void queryClient.invalidateQueries({
      queryKey: ['organisation', user.organisationId, 'users'],
    });
  };
}

function RolesForm({ user }: { user: User }) {
  const { t } = useTranslation();
  const { api } = useConsole();
  const session = useSession();
  const queryClient = useQueryClient();
  const answer = useUserAnswer();
  const [error, setError] = useState<unknown>(undefined);
  const form = useForm<{ roles: Role[] }>({
    mode: 'controlled',
    initialValues: { roles: [...user.roles] },
    validate: { roles: (v) => (v.length >= 1 ? null : t('admin.users.field.rolesRule')) },
  });
  const grantable = grantableRoles(session.data?.roles);
  // A role the caller may not grant but the user holds stays shown (and kept).
  const shown = [...grantable, ...user.roles.filter((r) => !grantable.includes(r))];
  const submit = form.onSubmit(async (values) => {
    setError(undefined);
    try {
      answer(
        okOf(
          await api.PUT('/users/{userId}/roles', {
            params: {
              path: { userId: user.userId },
              header: { 'If-Match': ifMatch(user.version) },
            },
            body: values,
          }),
        ),
      );
    } catch (failure) {
      setError(failure);
    }
  });
  return (
    <section aria-labelledby="admin-user-roles">
      <Title order={2} id="admin-user-roles" mb="xs">
        {t('admin.users.field.roles')}
      </Title>
      <form onSubmit={submit}>
        <Stack gap="sm" align="start">
          <Checkbox.Group label={t('admin.user.rolesLabel')} {...form.getInputProps('roles')}>
            <Stack gap={4} mt={4}>
              {shown.map((role) => (
                <Checkbox
                  key={role}
                  value={role}
                  label={t(`role.${role}`)}
                  disabled={!grantable.includes(role)}
                />
              ))}
            </Stack>
          </Checkbox.Group>
          <ChangeFailure error={error} />
          {error !== undefined && (
            <Button
              variant="default"
              onClick={() =>
                void queryClient.invalidateQueries({ queryKey: ['user', user.userId] })
              }
            >
              {t('admin.reload')}
            </Button>
          )}
          <Button type="submit" loading={form.submitting} disabled={!form.isDirty()}>
            {t('admin.user.saveRoles')}
          </Button>
        </Stack>
      </form>
    </section>
  );
}

function UserActions({ user }: { user: User }) {
  const { t } = useTranslation();
  const { api } = useConsole();
  const answer = useUserAnswer();
  const [link, setLink] = useState<OneTimeLink | undefined>(undefined);
  const [linkError, setLinkError] = useState<unknown>(undefined);
  const path = { path: { userId: user.userId } };
  const guarded = { path: { userId: user.userId }, header: { 'If-Match': ifMatch(user.version) } };
  return (
    <section aria-labelledby="admin-user-actions">
      <Title order={2} id="admin-user-actions" mb="xs">
        {t('admin.user.actions')}
      </Title>
      <Group gap="sm">
        {user.active ? (
          <ConfirmButton
            key="deactivate"
            label={t('admin.user.deactivate')}
            title={t('admin.user.deactivate')}
            message={t('admin.user.deactivateConfirm', { name: user.displayName })}
            confirm={t('admin.user.deactivate')}
            color="red.9"
            onConfirm={async () =>
              answer(okOf(await api.POST('/users/{userId}/deactivation', { params: guarded })))
            }
          />
        ) : (
          <ConfirmButton
            key="reactivate"
            label={t('admin.user.reactivate')}
            title={t('admin.user.reactivate')}
            message={t('admin.user.reactivateConfirm', { name: user.displayName })}
            confirm={t('admin.user.reactivate')}
            onConfirm={async () =>
              answer(okOf(await api.POST('/users/{userId}/reactivation', { params: guarded })))
            }
          />
        )}
        {user.secondFactors.length > 0 && (
          <ConfirmButton
            label={t('admin.user.resetFactor')}
            title={t('admin.user.resetFactor')}
            message={t('admin.user.resetFactorConfirm', { name: user.displayName })}
            confirm={t('admin.user.resetFactor')}
            color="orange.9"
            onConfirm={async () =>
              answer(okOf(await api.POST('/users/{userId}/second-factor-reset', { params: path })))
            }
          />
        )}
        {user.active && (
          <Button
            variant="default"
            onClick={() => {
              setLinkError(undefined);
              void api
                .POST('/users/{userId}/password-reset-link', { params: path })
                .then(
                  (res) => setLink(okOf(res)),
                  (failure: unknown) => setLinkError(failure),
                )
                .catch((failure: unknown) => setLinkError(failure));
            }}
          >
            {t('admin.user.resetLink')}
          </Button>
        )}
      </Group>
      <ChangeFailure error={linkError} />
      <OneTimeLinkModal
        link={link}
        title={t('admin.user.resetLinkTitle')}
        onClose={() => setLink(undefined)}
      />
    </section>
  );
}
