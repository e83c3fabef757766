import './dashboard.css';
import type { operations } from '@remedy/api-client';
import { Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { FIGURES, type Figure } from './figures';
import { SupervisorDashboardScreen } from './supervisor-dashboard';

const CaseList = lazy(() => import('../screens/case-list'));

type ListQuery = NonNullable<operations['CasesController_list']['parameters']['query']>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CODE = /^[A-Za-z_]{1,64}$/;

/**
 * The supervisor's dashboard (lazy chunk): /console/dashboard (the figures, charts with their data
 * tables), /console/dashboard/cases?figure=…[&caseworkerId=…][&identificationStatus=…] (the cases
 * behind a figure: the case list with the figure's filter). The query holds a figure name, an
 * opaque id and a code-list value, never anything about a person.
 */
export default function DashboardArea({ rest }: { rest: string }) {
  const segments = rest.split('/').filter(Boolean);
  if (segments.length === 0) return <SupervisorDashboardScreen />;
  if (segments.length === 1 && segments[0] === 'cases') {
    const preset = presetOf(new URLSearchParams(window.location.search));
    if (preset) return <FigureCases preset={preset} />;
  }
  return <DashboardNotFound />;
}

type Preset = Pick<ListQuery, 'caseworkerId' | 'identificationStatus'> & { figure: Figure };

function presetOf(search: URLSearchParams): Preset | undefined {
  const figure = search.get('figure') as Figure | null;
  if (!figure || !FIGURES.includes(figure)) return undefined;
  const caseworkerId = search.get('caseworkerId');
  const status = search.get('identificationStatus');
  if (caseworkerId !== null && !UUID.test(caseworkerId)) return undefined;
  if (status !== null && !CODE.test(status)) return undefined;
  return {
    figure,
    ...(caseworkerId ? { caseworkerId } : {}),
    ...(status ? { identificationStatus: status as Preset['identificationStatus'] } : {}),
  };
}

function FigureCases({ preset }: { preset: Preset }) {
  const { t } = useTranslation();
  return (
    <Suspense fallback={null}>
      <CaseList
        key={JSON.stringify(preset)}
        preset={preset}
        heading={t('dashboard.cases.behind', { what: t(`dashboard.figure.${preset.figure}`) })}
      />
    </Suspense>
  );
}

function DashboardNotFound() {
  const { t } = useTranslation();
  useDocumentTitle(`${t('notFound.title')} · ${t('app.name')}`);
  return <Title order={1}>{t('notFound.title')}</Title>;
}
