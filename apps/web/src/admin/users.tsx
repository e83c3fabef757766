import {
  Anchor,
  Button,
  Checkbox,
  Group,
  Loader,
  Modal,
  NativeSelect,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDisclosure, useDocumentTitle } from '@mantine/hooks';
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { dataOf } from '../api';
import { useConsole } from '../context';
import { ENDONYMS, LANGUAGES, type Language } from '../i18n';
import { paths, useLinkProps } from '../router';
import { ErrorNotice } from '../screens/error-notice';
import { OneTimeLinkModal, type OneTimeLink } from './one-time-link';
import { ChangeFailure, ifMatch, okOf, ROLES, statusOf, useSession, type Role } from './shared';

const PAGE = 50;

/** Roles a caller may hand out: an organisation administrator never grants `admin` (the API refuses it). */
export function grantableRoles(callerRoles: readonly string[] | undefined): readonly Role[] {
  return callerRoles?.includes('admin') ? ROLES : ROLES.filter((r) => r !== 'admin');
}

/** An organisation's users (GET /organisations/{id}/users), its login policy, a new user. */
export function OrganisationUsers({ organisationId }: { organisationId: string }) {
  const { t } = useTranslation();
  const { api } = useConsole();
  const organisation = useQuery({
    queryKey: ['organisation', organisationId],
    queryFn: async () =>
      dataOf(
        await api.GET('/organisations/{organisationId}', {
          params: { path: { organisationId } },
        }),
      ),
  });
  useDocumentTitle(`${t('admin.users.title')} · ${t('app.name')}`);
  return (
    <Stack gap="lg">
      <Title order={1}>
        {organisation.data
          ? t('admin.users.titleOf', { organisation: organisation.data.name })
          : t('admin.users.title')}
      </Title>
      <UsersTable organisationId={organisationId} />
      <LoginPolicy organisationId={organisationId} />
    </Stack>
  );
}

function UsersTable({ organisationId }: { organisationId: string }) {
  const { t } = useTranslation();
  const { api } = useConsole();
  const users = useInfiniteQuery({
    queryKey: ['organisation', organisationId, 'users'],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      dataOf(
        await api.GET('/organisations/{organisationId}/users', {
          params: {
            path: { organisationId },
            query: { limit: PAGE, ...(pageParam ? { after: pageParam } : {}) },
          },
        }),
      ),
    getNextPageParam: (last) => last.nextAfter ?? undefined,
  });
  const items = users.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="admin-users">
      <Group justify="space-between" mb="xs">
        <Title order={2} id="admin-users">
          {t('admin.users.list')}
        </Title>
        <CreateUser organisationId={organisationId} />
      </Group>
      {users.isPending ? (
        <Loader aria-label={t('app.loading')} />
      ) : users.isError ? (
        statusOf(users.error) === 403 ? (
          <ChangeFailure error={users.error} />
        ) : (
          <ErrorNotice error={users.error} onRetry={() => void users.refetch()} />
        )
      ) : (
        <>
          <Text size="sm" mb="xs">
            {t('admin.users.count', { count: items.length })}
          </Text>
          <Table.ScrollContainer minWidth="40rem">
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('admin.users.col.name')}</Table.Th>
                  <Table.Th scope="col">{t('admin.users.col.login')}</Table.Th>
                  <Table.Th scope="col">{t('admin.users.col.roles')}</Table.Th>
                  <Table.Th scope="col">{t('admin.users.col.state')}</Table.Th>
                  <Table.Th scope="col">{t('admin.users.col.factors')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((user) => (
                  <Table.Tr key={user.userId}>
                    <Table.Td>
                      <UserLink userId={user.userId} name={user.displayName} />
                    </Table.Td>
                    <Table.Td>{user.loginName}</Table.Td>
                    <Table.Td>{user.roles.map((r) => t(`role.${r}`)).join(', ')}</Table.Td>
                    <Table.Td>
                      <UserState active={user.active} lockedUntil={user.lockedUntil} />
                    </Table.Td>
                    <Table.Td>
                      {user.secondFactors.length === 0
                        ? t('common.none')
                        : user.secondFactors.map((f) => t(`admin.factor.${f}`)).join(', ')}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {users.hasNextPage && (
            <Button
              variant="default"
              mt="sm"
              loading={users.isFetchingNextPage}
              onClick={() => void users.fetchNextPage()}
            >
              {t('admin.users.more')}
            </Button>
          )}
        </>
      )}
    </section>
  );
}

function UserLink({ userId, name }: { userId: string; name: string }) {
  const link = useLinkProps(paths.admin(`/users/${userId}`));
  return <Anchor {...link}>{name}</Anchor>;
}

export function UserState({
  active,
  lockedUntil,
}: {
  active: boolean;
  lockedUntil: string | null;
}) {
  const { t } = useTranslation();
  if (!active)
    return (
      <Text component="span" fw={700} size="sm">
        {t('admin.state.deactivated')}
      </Text>
    );
  if (lockedUntil && Date.parse(lockedUntil) > Date.now())
    return (
      <Text component="span" fw={700} size="sm">
        {t('admin.state.locked')}
      </Text>
    );
  return (
    <Text component="span" fw={700} size="sm">
      {t('admin.state.active')}
    </Text>
  );
}

interface NewUser {
  loginName: string;
  displayName: string;
  roles: Role[];
  language: Language;
}

/** A new user: the form in a modal; then the one-time setup link, shown once. */
function CreateUser({ organisationId }: { organisationId: string }) {
  const { t, i18n } = useTranslation();
  const { api } = useConsole();
  const queryClient = useQueryClient();
  const session = useSession();
  const [opened, { open, close }] = useDisclosure(false);
  const [error, setError] = useState<unknown>(undefined);
  const [link, setLink] = useState<OneTimeLink | undefined>(undefined);
  const form = useForm<NewUser>({
    mode: 'controlled',
    initialValues: {
      loginName: '',
      displayName: '',
      roles: ['caseworker'],
      language: i18n.language as Language,
    },
    validate: {
      loginName: (v) =>
        /^[A-Za-z0-9._@+-]{3,64}$/.test(v) ? null : t('admin.users.field.loginNameRule'),
      displayName: (v) =>
        v.trim().length >= 1 && v.length <= 120 ? null : t('admin.field.required'),
      roles: (v) => (v.length >= 1 ? null : t('admin.users.field.rolesRule')),
    },
  });
  const submit = form.onSubmit(async (values) => {
    setError(undefined);
    try {
      const created = okOf(
        await api.POST('/organisations/{organisationId}/users', {
          params: { path: { organisationId } },
          body: { ...values, displayName: values.displayName.trim() },
        }),
      );
      close();
      form.reset();
      setLink(created.setupLink);
      await queryClient.invalidateQueries({ queryKey: ['organisation', organisationId, 'users'] });
    } catch (failure) {
      setError(failure);
    }
  });
  return (
    <>
      <Button onClick={open}>{t('admin.users.create')}</Button>
      <Modal
        lockScroll={false}
        opened={opened}
        onClose={close}
        title={t('admin.users.create')}
        closeButtonProps={{ 'aria-label': t('admin.close') }}
      >
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            <TextInput
              label={t('admin.users.field.displayName')}
              required
              autoComplete="off"
              {...form.getInputProps('displayName')}
            />
            <TextInput
              label={t('admin.users.field.loginName')}
              description={t('admin.users.field.loginNameRule')}
              required
              autoComplete="off"
              {...form.getInputProps('loginName')}
            />
            <Checkbox.Group
              label={t('admin.users.field.roles')}
              required
              {...form.getInputProps('roles')}
            >
              <Stack gap={4} mt={4}>
                {grantableRoles(session.data?.roles).map((role) => (
                  <Checkbox key={role} value={role} label={t(`role.${role}`)} />
                ))}
              </Stack>
            </Checkbox.Group>
            <NativeSelect
              label={t('admin.users.field.language')}
              data={LANGUAGES.map((l) => ({ value: l, label: ENDONYMS[l] }))}
              {...form.getInputProps('language')}
            />
            <ChangeFailure error={error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('admin.cancel')}
              </Button>
              <Button type="submit" loading={form.submitting}>
                {t('admin.users.createSubmit')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      <OneTimeLinkModal
        link={link}
        title={t('admin.users.setupLink')}
        onClose={() => setLink(undefined)}
      />
    </>
  );
}

/** The organisation's login policy: a second factor required or not (If-Match: its version). */
function LoginPolicy({ organisationId }: { organisationId: string }) {
  const { t } = useTranslation();
  const { api } = useConsole();
  const policy = useQuery({
    queryKey: ['organisation', organisationId, 'login-policy'],
    queryFn: async () =>
      dataOf(
        await api.GET('/organisations/{organisationId}/login-policy', {
          params: { path: { organisationId } },
        }),
      ),
  });
  return (
    <section aria-labelledby="admin-login-policy">
      <Title order={2} id="admin-login-policy" mb="xs">
        {t('admin.policy.title')}
      </Title>
      {policy.isPending ? (
        <Loader aria-label={t('app.loading')} />
      ) : policy.isError ? (
        <ErrorNotice error={policy.error} onRetry={() => void policy.refetch()} />
      ) : (
        // A new version (saved here or elsewhere) starts the form again from what the API holds.
        <LoginPolicyForm key={policy.data.version} policy={policy.data} />
      )}
    </section>
  );
}

function LoginPolicyForm({
  policy,
}: {
  policy: { organisationId: string; requireSecondFactor: boolean; version: number };
}) {
  const { t } = useTranslation();
  const { api } = useConsole();
  const queryClient = useQueryClient();
  const key = ['organisation', policy.organisationId, 'login-policy'];
  const [error, setError] = useState<unknown>(undefined);
  const form = useForm({
    mode: 'controlled',
    initialValues: { requireSecondFactor: policy.requireSecondFactor },
  });
  const submit = form.onSubmit(async (values) => {
    setError(undefined);
    try {
      const next = okOf(
        await api.PUT('/organisations/{organisationId}/login-policy', {
          params: {
            path: { organisationId: policy.organisationId },
            header: { 'If-Match': ifMatch(policy.version) },
          },
          body: values,
        }),
      );
      queryClient.setQueryData(key, next);
    } catch (failure) {
      setError(failure);
    }
  });
  return (
    <form onSubmit={submit}>
      <Stack gap="sm" align="start">
        <Switch
          label={t('admin.policy.requireSecondFactor')}
          description={t('admin.policy.requireSecondFactorHelp')}
          {...form.getInputProps('requireSecondFactor', { type: 'checkbox' })}
        />
        <ChangeFailure error={error} />
        {error !== undefined && (
          <Button
            variant="default"
            onClick={() => void queryClient.invalidateQueries({ queryKey: key })}
          >
            {t('admin.reload')}
          </Button>
        )}
        <Button type="submit" loading={form.submitting} disabled={!form.isDirty()}>
          {t('admin.save')}
        </Button>
      </Stack>
    </form>
  );
}
