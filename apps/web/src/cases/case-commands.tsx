import { Accordion, Select, Stack, Tabs, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useConsole } from '../context';
import { CommandForm, useOrganisations, type CommandPath, type FieldSpec } from '../commands';
import { COMMANDS, GROUPS, REFERRAL_ANSWERS, type CaseCommandSpec } from './catalogue';
import type { CaseView } from './case-view';

const notes: FieldSpec = { name: 'personal.text', kind: 'textarea' };

/**
 * Every case command as a form, in tabs by subject. Only what the person's roles may do is
 * offered (a convenience: the API decides), and only what the case's status admits.
 */
export function CaseCommands({ view, roles }: { view: CaseView; roles: readonly string[] }) {
  const { t } = useTranslation();
  const supervisor = roles.includes('supervisor');
  const offered = (spec: CaseCommandSpec) =>
    (!spec.supervisor || supervisor) &&
    (!spec.statuses || spec.statuses.includes(view.detail.status));
  const groups = GROUPS.map((g) => ({
    ...g,
    commands: g.commands.map((id) => COMMANDS[id]).filter(offered),
  }));
  return (
    <section aria-labelledby="case-actions">
      <Title order={2} id="case-actions" mb="xs">
        {t('casepage.actions')}
      </Title>
      <Tabs defaultValue="identification" keepMounted={false}>
        <Tabs.List>
          {groups.map((g) => (
            <Tabs.Tab key={g.id} value={g.id}>
              {t(`casepage.group.${g.id}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {groups.map((g) => (
          <Tabs.Panel key={g.id} value={g.id} pt="sm">
            <Accordion variant="separated" multiple>
              {g.commands.map((spec) => (
                <Accordion.Item key={spec.id} value={spec.id}>
                  <Accordion.Control>{t(`casepage.cmd.${spec.id}`)}</Accordion.Control>
                  <Accordion.Panel>
                    <CaseCommandForm spec={spec} view={view} />
                  </Accordion.Panel>
                </Accordion.Item>
              ))}
              {g.id === 'sharing' && Object.keys(view.state.referrals ?? {}).length > 0 && (
                <Accordion.Item value="referralAnswers">
                  <Accordion.Control>{t('casepage.cmd.referralAnswers')}</Accordion.Control>
                  <Accordion.Panel>
                    <ReferralAnswers view={view} />
                  </Accordion.Panel>
                </Accordion.Item>
              )}
              {g.id === 'legal' &&
                Object.values(view.state.nonPunishmentFlags ?? {}).includes('raised') && (
                  <Accordion.Item value="resolveFlag">
                    <Accordion.Control>{t('casepage.cmd.resolveFlag')}</Accordion.Control>
                    <Accordion.Panel>
                      <FlagResolution view={view} />
                    </Accordion.Panel>
                  </Accordion.Item>
                )}
            </Accordion>
          </Tabs.Panel>
        ))}
      </Tabs>
    </section>
  );
}

function CaseCommandForm({ spec, view }: { spec: CaseCommandSpec; view: CaseView }) {
  const { t } = useTranslation();
  const { auth } = useConsole();
  const caseId = view.detail.caseId;
  let intro;
  if (spec.id === 'reflectionPeriod') {
    const period = view.state.reflectionPeriod;
    intro = (
      <Stack gap={4}>
        <Text size="sm">
          {t('casepage.reflection.minimum', { count: auth.settings.minReflectionDays })}
        </Text>
        {period && (
          <Text size="sm">
            {t('casepage.reflection.current')} {view.formatDate(period.startsOn)} –{' '}
            {view.formatDate(period.endsOn)}
          </Text>
        )}
      </Stack>
    );
  } else if (spec.id === 'cooperation')
    intro = <Text size="sm">{t('casepage.cooperation.intro')}</Text>;
  return (
    <CommandForm
      id={spec.id}
      path={spec.path as CommandPath}
      params={{ caseId } as never}
      caseId={caseId}
      revision={view.detail.revision}
      fields={spec.fields}
      toBody={spec.toBody}
      danger={spec.danger}
      intro={intro}
      submitLabel={t('casepage.submit')}
      confirm={
        spec.id === 'erase'
          ? {
              title: t('casepage.erase.title'),
              message: t('casepage.erase.message'),
              button: t('casepage.erase.button'),
            }
          : undefined
      }
    />
  );
}

/** The referrals of the case and the answers they take (the receiver: accept, decline; ...). */
function ReferralAnswers({ view }: { view: CaseView }) {
  const { t } = useTranslation();
  const organisations = useOrganisations();
  const referrals = Object.entries(view.state.referrals ?? {});
  const [referralId, setReferralId] = useState<string | null>(referrals[0]?.[0] ?? null);
  const nameOf = (id: string) =>
    organisations.data?.find((o) => o.organisationId === id)?.name ?? id;
  return (
    <Stack gap="md">
      <Select
        label={t('casepage.referral.choose')}
        value={referralId}
        onChange={setReferralId}
        data={referrals.map(([id, r]) => ({
          value: id,
          label: `${nameOf(r.fromOrganisationId)} → ${nameOf(r.toOrganisationId)} (${t(`casepage.referral.status.${r.status}`)})`,
        }))}
      />
      {referralId &&
        REFERRAL_ANSWERS.map((answer) => (
          <section key={answer} aria-label={t(`casepage.referral.${answer}`)}>
            <Title order={3} size="h5" mb={4}>
              {t(`casepage.referral.${answer}`)}
            </Title>
            <CommandForm
              key={`${referralId}-${answer}`}
              id={`referral-${answer}`}
              path={`/cases/{caseId}/referrals/{referralId}/${answer}` as CommandPath}
              params={{ caseId: view.detail.caseId, referralId } as never}
              caseId={view.detail.caseId}
              revision={view.detail.revision}
              fields={answer === 'decline' || answer === 'revoke' ? [notes] : []}
              submitLabel={t(`casepage.referral.${answer}`)}
            />
          </section>
        ))}
    </Stack>
  );
}

/** A raised non-punishment flag and how it was resolved. */
function FlagResolution({ view }: { view: CaseView }) {
  const { t } = useTranslation();
  const flags = Object.entries(view.state.nonPunishmentFlags ?? {}).filter(
    ([, s]) => s === 'raised',
  );
  const [flagId, setFlagId] = useState<string | null>(flags[0]?.[0] ?? null);
  return (
    <Stack gap="md">
      <Select
        label={t('casepage.flag.choose')}
        value={flagId}
        onChange={setFlagId}
        data={flags.map(([id], i) => ({
          value: id,
          label: t('casepage.flag.label', { count: i + 1 }),
        }))}
      />
      {flagId && (
        <CommandForm
          key={flagId}
          id="resolveFlag"
          path={'/cases/{caseId}/non-punishment-flags/{flagId}/resolve' as CommandPath}
          params={{ caseId: view.detail.caseId, flagId } as never}
          caseId={view.detail.caseId}
          revision={view.detail.revision}
          fields={[
            {
              name: 'resolution',
              kind: 'code',
              list: 'non-punishment-resolutions',
              required: true,
            },
            notes,
          ]}
          submitLabel={t('casepage.submit')}
        />
      )}
    </Stack>
  );
}
