import { Anchor, Stack, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import {
  CommandForm,
  IDENTITY_DOCUMENT_KINDS,
  rememberPosition,
  type FieldSpec,
} from '../commands';
import { paths, useLinkProps, useNavigation } from '../router';

/** POST /cases: how the person came, the readable profile, and the personal identifiers. */
const FIELDS: readonly FieldSpec[] = [
  { name: 'referralSource', kind: 'code', list: 'referral-sources', required: true },
  { name: 'profile.sexGender', kind: 'code', list: 'sex-gender', required: true },
  { name: 'profile.estimatedAge', kind: 'integer', min: 0, max: 130 },
  { name: 'profile.ageUncertain', kind: 'boolean' },
  { name: 'profile.citizenships', kind: 'codes', list: 'countries', required: true },
  { name: 'profile.languages', kind: 'codes', list: 'languages' },
  { name: 'personal.fullName', kind: 'text', maxLength: 300 },
  { name: 'personal.aliases', kind: 'tags' },
  { name: 'personal.birthDate', kind: 'date' },
  {
    name: 'personal.identityDocuments',
    kind: 'records',
    max: 20,
    fields: [
      {
        name: 'kind',
        kind: 'choice',
        options: IDENTITY_DOCUMENT_KINDS,
        labels: 'commands.documentKind',
        required: true,
      },
      { name: 'number', kind: 'text', maxLength: 100, required: true },
    ],
  },
  { name: 'personal.contacts', kind: 'tags' },
  { name: 'personal.addresses', kind: 'tags' },
  { name: 'personal.shelterLocation', kind: 'text', maxLength: 1000 },
  { name: 'personal.notes', kind: 'textarea' },
  { name: 'occurredAt', kind: 'datetime' },
];

/** Opening a case: once recorded, its page (read at the write's position). */
export default function OpenCase() {
  const { t } = useTranslation();
  const { navigate } = useNavigation();
  const back = useLinkProps(paths.cases());
  useDocumentTitle(`${t('casepage.openCase')} · ${t('app.name')}`);
  return (
    <Stack gap="md" maw="48rem">
      <Anchor {...back}>{t('case.back')}</Anchor>
      <Title order={1}>{t('casepage.openCase')}</Title>
      <CommandForm
        id="openCase"
        path="/cases"
        params={{} as never}
        fields={FIELDS}
        // `personal` is required, even empty.
        toBody={(body) => ({ personal: {}, ...body })}
        submitLabel={t('casepage.submit.openCase')}
        onDone={(answer) => {
          rememberPosition(answer.caseId, answer.position);
          navigate(paths.case(answer.caseId));
        }}
      />
    </Stack>
  );
}
