import type { components, operations } from '@remedy/api-client';
import {
  Anchor,
  Button,
  Group,
  Loader,
  NativeSelect,
  Stack,
  Table,
  Tabs,
  Text,
  Title,
} from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { dataOf } from '../api';
import { useConsole } from '../context';
import { formatDateTime } from '../format';
import { paths, useLinkProps } from '../router';
import { ErrorNotice } from '../screens/error-notice';
import { CaseReferenceLink } from './case-reference';
import { useCodeLists } from '../commands';
import { useOrganisationNames } from './labels';
import { ReferralAnswer } from './referral-answer';

type Direction = 'in' | 'out';
type ReferralQuery = operations['ReferralsController_list']['parameters']['query'];
type Referral = components['schemas']['ReferralView'];
const STATUSES = ['pending', 'accepted', 'declined', 'completed', 'revoked'] as const;
const PAGE_SIZE = 25;

/**
 * The referrals inbox (GET /referrals): incoming (to this organisation: accept or decline the
 * pending ones) and outgoing (made by it: their status). An incoming referral names its case only
 * while the person's consent to the referral is live (the API decides): without it, the case is
 * gone from this organisation's view.
 */
export default function Referrals() {
  const { t } = useTranslation();
  const [direction, setDirection] = useState<Direction>('in');
  useDocumentTitle(`${t('lists.referrals.title')} · ${t('app.name')}`);
  return (
    <Stack gap="md">
      <Title order={1}>{t('lists.referrals.title')}</Title>
      <Tabs value={direction} onChange={(v) => setDirection((v as Direction | null) ?? 'in')}>
        <Tabs.List>
          <Tabs.Tab value="in">{t('lists.referrals.incoming')}</Tabs.Tab>
          <Tabs.Tab value="out">{t('lists.referrals.outgoing')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="in" pt="md">
          {direction === 'in' && <ReferralList direction="in" />}
        </Tabs.Panel>
        <Tabs.Panel value="out" pt="md">
          {direction === 'out' && <ReferralList direction="out" />}
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

function ReferralList({ direction }: { direction: Direction }) {
  const { t, i18n } = useTranslation();
  const { api } = useConsole();
  const [status, setStatus] = useState<(typeof STATUSES)[number] | ''>('');
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const page = cursors.length - 1;
  const query: ReferralQuery = {
    direction,
    limit: PAGE_SIZE,
    ...(status ? { status } : {}),
    ...(cursors[page] ? { cursor: cursors[page] } : {}),
  };
  const list = useQuery({
    queryKey: ['referrals', query],
    queryFn: async () => dataOf(await api.GET('/referrals', { params: { query } })),
    placeholderData: keepPreviousData,
    // Asked again whenever shown: a case whose sharing ended is gone on the next page.
    refetchOnMount: 'always',
  });
  const codes = useCodeLists();
  const service = (code: string) => codes.label('assistance-types', code);
  const organisation = useOrganisationNames();
  const language = i18n.language;
  return (
    <Stack gap="sm">
      <Group align="end">
        <NativeSelect
          label={t('lists.referrals.statusFilter')}
          value={status}
          onChange={(e) => {
            setStatus(e.currentTarget.value as typeof status);
            setCursors([undefined]);
          }}
          data={[
            { value: '', label: t('cases.filter.any') },
            ...STATUSES.map((s) => ({ value: s, label: t(`lists.referrals.status.${s}`) })),
          ]}
        />
      </Group>
      {list.isPending ? (
        <Loader aria-label={t('app.loading')} />
      ) : list.isError ? (
        <ErrorNotice error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <Text role="status">{t('lists.referrals.none')}</Text>
      ) : (
        <>
          <Text role="status" size="sm">
            {t('lists.referrals.count', { count: list.data.items.length })}
          </Text>
          <Table.ScrollContainer minWidth="56rem">
            <Table striped data-testid={`referrals-${direction}`}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('lists.referrals.case')}</Table.Th>
                  <Table.Th scope="col">{t('lists.referrals.service')}</Table.Th>
                  <Table.Th scope="col">
                    {direction === 'in' ? t('lists.referrals.from') : t('lists.referrals.to')}
                  </Table.Th>
                  <Table.Th scope="col">{t('lists.referrals.referredAt')}</Table.Th>
                  <Table.Th scope="col">{t('lists.referrals.status')}</Table.Th>
                  <Table.Th scope="col">{t('lists.referrals.answeredAt')}</Table.Th>
                  {direction === 'in' && (
                    <Table.Th scope="col">{t('lists.referrals.actions')}</Table.Th>
                  )}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.items.map((r) => (
                  <Table.Tr key={r.referralId} data-referral={r.referralId}>
                    <Table.Th scope="row">
                      <ReferralCase referral={r} />
                    </Table.Th>
                    <Table.Td>{service(r.service)}</Table.Td>
                    <Table.Td>
                      {organisation(direction === 'in' ? r.fromOrganisationId : r.toOrganisationId)}
                    </Table.Td>
                    <Table.Td>{formatDateTime(language, r.referredAt)}</Table.Td>
                    <Table.Td>{t(`lists.referrals.status.${r.status}`)}</Table.Td>
                    <Table.Td>
                      {r.answeredAt ? formatDateTime(language, r.answeredAt) : t('common.none')}
                    </Table.Td>
                    {direction === 'in' && (
                      <Table.Td>
                        {r.status === 'pending' && r.caseId ? (
                          <ReferralAnswer
                            caseId={r.caseId}
                            referralId={r.referralId}
                            service={service(r.service)}
                          />
                        ) : null}
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <nav aria-label={t('lists.referrals.pages')}>
            <Group gap="sm">
              <Button
                variant="default"
                disabled={page === 0}
                onClick={() => setCursors(cursors.slice(0, -1))}
              >
                {t('cases.previous')}
              </Button>
              <Button
                variant="default"
                disabled={!list.data.nextCursor}
                onClick={() => setCursors([...cursors, list.data.nextCursor ?? undefined])}
              >
                {t('cases.next')}
              </Button>
            </Group>
          </nav>
        </>
      )}
    </Stack>
  );
}

/** Outgoing: the case reference; incoming: the case while it is shared, else that it is gone. */
function ReferralCase({ referral }: { referral: Referral }) {
  const { t } = useTranslation();
  const link = useLinkProps(referral.caseId ? paths.case(referral.caseId) : paths.referrals());
  if (!referral.caseId)
    return (
      <Text component="span" c="dimmed" fw={400}>
        {t('lists.referrals.caseGone')}
      </Text>
    );
  if (referral.caseReference) return <Anchor {...link}>{referral.caseReference}</Anchor>;
  return <CaseReferenceLink caseId={referral.caseId} />;
}
