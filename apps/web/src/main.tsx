import '@mantine/core/styles.css';
import './fonts';
import './app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ConsoleAuth, type ConsoleSettings } from './auth/session';
import { createI18n, pickLanguage } from './i18n';
import { Root } from './root';

/** Start: the runtime settings from the API, the browser's language, then the interface. */
async function start(): Promise<void> {
  const response = await fetch('/console-config.json', { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`console settings: HTTP ${response.status}`);
  const settings = (await response.json()) as ConsoleSettings;
  const i18n = await createI18n(pickLanguage(navigator.languages));
  const auth = new ConsoleAuth(settings);
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <Root auth={auth} i18n={i18n} />
    </StrictMode>,
  );
}

void start();
