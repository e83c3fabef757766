import {
  Anchor,
  Button,
  Group,
  Loader,
  Modal,
  MultiSelect,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDisclosure, useDocumentTitle } from '@mantine/hooks';
import type { components } from '@remedy/api-client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { dataOf } from '../api';
import { useConsole } from '../context';
import { paths, useLinkProps } from '../router';
import { ErrorNotice } from '../screens/error-notice';
import { ChangeFailure, okOf, useCodeLabels, useSession } from './shared';

type Registration = components['schemas']['RegisterOrganisationDto'];

/** The organisation directory (GET /organisations); platform administrators register one. */
export function Organisations() {
  const { t } = useTranslation();
  const { api } = useConsole();
  const session = useSession();
  const types = useCodeLabels('organisation-types');
  const countries = useCodeLabels('countries');
  const services = useCodeLabels('assistance-types');
  // After a registration: the directory read at least at its position (X-Min-Position), so the
  // new organisation is in the list even while the read side catches up.
  const [minPosition, setMinPosition] = useState<string | undefined>(undefined);
  const directory = useQuery({
    queryKey: ['organisations', minPosition],
    queryFn: async () =>
      dataOf(
        await api.GET('/organisations', {
          params: { header: minPosition ? { 'X-Min-Position': minPosition } : {} },
        }),
      ),
  });
  useDocumentTitle(`${t('admin.orgs.title')} · ${t('app.name')}`);
  const isAdmin = session.data?.roles.includes('admin') ?? false;
  const items = directory.data?.organisations ?? [];
  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1}>{t('admin.orgs.title')}</Title>
        {isAdmin && <RegisterOrganisation onRegistered={setMinPosition} />}
      </Group>
      {directory.isPending ? (
        <Loader aria-label={t('app.loading')} />
      ) : directory.isError ? (
        <ErrorNotice error={directory.error} onRetry={() => void directory.refetch()} />
      ) : (
        <>
          <Text size="sm">{t('admin.orgs.count', { count: items.length })}</Text>
          <Table.ScrollContainer minWidth="40rem">
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('admin.orgs.col.name')}</Table.Th>
                  <Table.Th scope="col">{t('admin.orgs.col.code')}</Table.Th>
                  <Table.Th scope="col">{t('admin.orgs.col.type')}</Table.Th>
                  <Table.Th scope="col">{t('admin.orgs.col.country')}</Table.Th>
                  <Table.Th scope="col">{t('admin.orgs.col.services')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((o) => (
                  <Table.Tr key={o.organisationId}>
                    <Table.Td>
                      {isAdmin || session.data?.organisationId === o.organisationId ? (
                        <OrganisationLink organisationId={o.organisationId} name={o.name} />
                      ) : (
                        o.name
                      )}
                    </Table.Td>
                    <Table.Td>{o.code}</Table.Td>
                    <Table.Td>{types.get(o.type) ?? o.type}</Table.Td>
                    <Table.Td>{countries.get(o.country) ?? o.country}</Table.Td>
                    <Table.Td>{o.services.map((s) => services.get(s) ?? s).join(', ')}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </Stack>
  );
}

function OrganisationLink({ organisationId, name }: { organisationId: string; name: string }) {
  const link = useLinkProps(paths.admin(`/organisations/${organisationId}`));
  return <Anchor {...link}>{name}</Anchor>;
}

function RegisterOrganisation({ onRegistered }: { onRegistered: (position: string) => void }) {
  const { t } = useTranslation();
  const { api } = useConsole();
  const queryClient = useQueryClient();
  const [opened, { open, close }] = useDisclosure(false);
  const [error, setError] = useState<unknown>(undefined);
  // One key per registration attempt: a retry after a lost answer registers it once.
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const types = useCodeLabels('organisation-types');
  const countries = useCodeLabels('countries');
  const services = useCodeLabels('assistance-types');
  const options = (labels: ReadonlyMap<string, string>) =>
    [...labels].map(([value, label]) => ({ value, label }));
  const form = useForm<Registration>({
    mode: 'controlled',
    initialValues: {
      name: '',
      code: '',
      type: 'NGO',
      country: '' as Registration['country'],
      services: [],
    },
    validate: {
      name: (v) => (v.trim().length >= 1 && v.length <= 200 ? null : t('admin.field.required')),
      code: (v) => (/^[A-Z0-9]{2,10}$/.test(v) ? null : t('admin.orgs.field.codeRule')),
      country: (v) => (v ? null : t('admin.field.required')),
    },
  });
  const submit = form.onSubmit(async (values) => {
    setError(undefined);
    try {
      const registered = okOf(
        await api.POST('/organisations', {
          params: { header: { 'Idempotency-Key': idempotencyKey } },
          body: { ...values, name: values.name.trim() },
        }),
      );
      close();
      form.reset();
      setIdempotencyKey(crypto.randomUUID());
      onRegistered(registered.position);
      await queryClient.invalidateQueries({ queryKey: ['organisations'] });
    } catch (failure) {
      setError(failure);
    }
  });
  return (
    <>
      <Button onClick={open}>{t('admin.orgs.register')}</Button>
      <Modal
        lockScroll={false}
        opened={opened}
        onClose={close}
        title={t('admin.orgs.register')}
        closeButtonProps={{ 'aria-label': t('admin.close') }}
      >
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            <TextInput label={t('admin.orgs.col.name')} required {...form.getInputProps('name')} />
            <TextInput
              label={t('admin.orgs.col.code')}
              description={t('admin.orgs.field.codeRule')}
              required
              {...form.getInputProps('code')}
            />
            <Select
              label={t('admin.orgs.col.type')}
              data={options(types)}
              allowDeselect={false}
              required
              {...form.getInputProps('type')}
            />
            <Select
              label={t('admin.orgs.col.country')}
              data={options(countries)}
              searchable
              required
              {...form.getInputProps('country')}
            />
            <MultiSelect
              label={t('admin.orgs.col.services')}
              data={options(services)}
              searchable
              {...form.getInputProps('services')}
            />
            <ChangeFailure error={error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('admin.cancel')}
              </Button>
              <Button type="submit" loading={form.submitting}>
                {t('admin.orgs.registerSubmit')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
