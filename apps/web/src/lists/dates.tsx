import '@mantine/dates/styles.css';
import 'dayjs/locale/ar';
import 'dayjs/locale/es';
import 'dayjs/locale/fr';
import 'dayjs/locale/ru';
import 'dayjs/locale/zh-cn';
import { DatesProvider } from '@mantine/dates';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** dayjs's locale of an interface language (Chinese: Simplified, as the console's catalogue). */
const DAYJS_LOCALE: Record<string, string> = { zh: 'zh-cn' };

/** Mantine's date inputs in the interface language (month and day names, first day of week). */
export function ListsDates({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  return (
    <DatesProvider settings={{ locale: DAYJS_LOCALE[i18n.language] ?? i18n.language }}>
      {children}
    </DatesProvider>
  );
}

/** Typed dates: ISO `YYYY-MM-DD` (the calendar offers every other way to pick one). */
export const parseIsoDate = (value: string): string | null =>
  /^\d{4}-\d{2}-\d{2}$/.test(value.trim()) && !Number.isNaN(Date.parse(value.trim()))
    ? value.trim()
    : null;
