import '@mantine/core/styles.css';
import '@mantine/charts/styles.css';
import '../fonts';
import '../app.css';
import './report.css';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { createI18n } from '../i18n';
import { ReportRoot } from './report';
import type { ReportInput } from './types';

declare global {
  interface Window {
    /** Called by the worker (page.evaluate) with the release; resolves once ready to print. */
    renderRemedyReport?: (input: ReportInput) => Promise<void>;
  }
}

const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

/** Every chart has drawn its SVG (recharts measures its container first, a frame or two later). */
async function chartsDrawn(): Promise<void> {
  for (let frame = 0; frame < 600; frame++) {
    const charts = [...document.querySelectorAll('[data-chart]')];
    if (charts.every((chart) => chart.querySelector('svg.recharts-surface'))) return;
    await nextFrame();
  }
  throw new Error('report: charts not drawn');
}

/**
 * The printed national report: an entry of its own (report.html), opened by the worker's headless
 * Chromium, which hands it the release and waits for `<html data-report-ready="true">`.
 */
window.renderRemedyReport = async (input: ReportInput) => {
  const i18n = await createI18n(input.language); // also <html lang dir>
  document.title = i18n.t('report.documentTitle', { year: String(input.release.period.year) });
  const root = createRoot(document.getElementById('report')!);
  flushSync(() => root.render(<ReportRoot i18n={i18n} input={input} />));
  await document.fonts.ready;
  await chartsDrawn();
  await nextFrame();
  document.documentElement.dataset.reportReady = 'true';
};
