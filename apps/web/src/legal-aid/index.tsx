import { Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { LegalAidCasePage } from './case-page';
import { LegalAidOverview } from './overview';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Legal aid (lazy chunk): /console/legal-aid (cases, portfolio, deadlines, outcome figures) and
 * /console/legal-aid/cases/{id} (a case's legal-aid view and its claims, every step a form).
 */
export default function LegalAidArea({ rest }: { rest: string }) {
  const segments = rest.split('/').filter(Boolean);
  if (segments.length === 0) return <LegalAidOverview />;
  if (segments.length === 2 && segments[0] === 'cases' && UUID.test(segments[1]!))
    return <LegalAidCasePage caseId={segments[1]!.toLowerCase()} />;
  return <LegalAidNotFound />;
}

function LegalAidNotFound() {
  const { t } = useTranslation();
  useDocumentTitle(`${t('notFound.title')} · ${t('app.name')}`);
  return <Title order={1}>{t('notFound.title')}</Title>;
}
