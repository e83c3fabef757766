/** Dates and times by Intl in the interface language (the person's locale). */
export function formatDateTime(language: string, iso: string | null | undefined): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );
}

/** A calendar date (`YYYY-MM-DD`, no time zone): shown as that day wherever the browser is. */
export function formatDate(language: string, date: string | null | undefined): string {
  if (!date) return '';
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' }).format(
    new Date(`${date.slice(0, 10)}T00:00:00Z`),
  );
}

export function formatNumber(language: string, value: number): string {
  return new Intl.NumberFormat(language).format(value);
}
