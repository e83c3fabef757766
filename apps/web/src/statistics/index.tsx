import { Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { StatisticsHome } from './home';
import { ReleasePage } from './release-page';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The rapporteur's statistics (lazy chunk): /console/statistics (the catalogue, the releases,
 * the figures across years, a release request), /console/statistics/releases/{id} (a release as
 * charts with their tables, its signature verified in the browser).
 */
export default function StatisticsArea({ rest }: { rest: string }) {
  const segments = rest.split('/').filter(Boolean);
  if (segments.length === 0) return <StatisticsHome />;
  if (segments.length === 2 && segments[0] === 'releases' && UUID.test(segments[1]!))
    return <ReleasePage releaseId={segments[1]!.toLowerCase()} />;
  return <StatisticsNotFound />;
}

function StatisticsNotFound() {
  const { t } = useTranslation();
  useDocumentTitle(`${t('notFound.title')} · ${t('app.name')}`);
  return <Title order={1}>{t('notFound.title')}</Title>;
}
