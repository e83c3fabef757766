import { Anchor, Group, Loader, Stack, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { paths, useLinkProps } from '../router';
import { Organisations } from './organisations';
import { useSession } from './shared';
import { UserScreen } from './user';
import { OrganisationUsers } from './users';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Roles the administration screens serve (the API decides; this only picks the navigation). */
export const ADMIN_ROLES: ReadonlySet<string> = new Set(['org_admin', 'admin']);

/**
 * Administration (lazy chunk): /console/admin (the caller's organisation's users and login
 * policy), /console/admin/organisations (the directory), /console/admin/organisations/{id}
 * (an organisation's users), /console/admin/users/{id} (one user). Opaque ids only in paths.
 */
export default function AdminArea({ rest }: { rest: string }) {
  const segments = rest.split('/').filter(Boolean);
  const session = useSession();
  const { t } = useTranslation();
  if (segments.length === 0) {
    if (!session.data) return <Loader aria-label={t('app.loading')} />;
    return (
      <Stack gap="md">
        <AdminLinks />
        <OrganisationUsers organisationId={session.data.organisationId} />
      </Stack>
    );
  }
  if (segments.length === 1 && segments[0] === 'organisations')
    return (
      <Stack gap="md">
        <AdminLinks />
        <Organisations />
      </Stack>
    );
  if (segments.length === 2 && segments[0] === 'organisations' && UUID.test(segments[1]!))
    return (
      <Stack gap="md">
        <AdminLinks />
        <OrganisationUsers organisationId={segments[1]!} />
      </Stack>
    );
  if (segments.length === 2 && segments[0] === 'users' && UUID.test(segments[1]!))
    return <UserScreen userId={segments[1]!} />;
  return <AdminNotFound />;
}

function AdminLinks() {
  const { t } = useTranslation();
  const own = useLinkProps(paths.admin());
  const organisations = useLinkProps(paths.admin('/organisations'));
  return (
    <nav aria-label={t('admin.nav.label')}>
      <Group gap="md">
        <Anchor {...own}>{t('admin.nav.ownUsers')}</Anchor>
        <Anchor {...organisations}>{t('admin.nav.organisations')}</Anchor>
      </Group>
    </nav>
  );
}

function AdminNotFound() {
  const { t } = useTranslation();
  useDocumentTitle(`${t('notFound.title')} · ${t('app.name')}`);
  return <Title order={1}>{t('notFound.title')}</Title>;
}
