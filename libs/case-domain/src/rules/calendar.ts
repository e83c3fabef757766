/**
 * Calendar dates (`YYYY-MM-DD`, no time, no zone), as deadlines and birth dates are. Arithmetic runs on
 * UTC midnights so no daylight-saving shift can move a date.
 */
export type CalendarDate = string;

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

const toUtc = (date: CalendarDate): Date => new Date(`${date}T00:00:00.000Z`);
const fromUtc = (date: Date): CalendarDate => date.toISOString().slice(0, 10);

/** A real date of the Gregorian calendar written as `YYYY-MM-DD` (rejects 2026-02-30). */
export const isCalendarDate = (value: unknown): value is CalendarDate => {
  if (typeof value !== 'string' || !CALENDAR_DATE.test(value)) return false;
  const parsed = toUtc(value);
  return !Number.isNaN(parsed.getTime()) && fromUtc(parsed) === value;
};

export const addDays = (date: CalendarDate, days: number): CalendarDate =>
  fromUtc(new Date(toUtc(date).getTime() + days * DAY_MS));

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: CalendarDate, to: CalendarDate): number =>
  Math.round((toUtc(to).getTime() - toUtc(from).getTime()) / DAY_MS);

/**
 * One formatter per time zone: building an `Intl.DateTimeFormat` costs ~60 µs, more than the rest
 * of a command's decision (issue 18); a jurisdiction has one zone, so the map stays tiny.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
};

/** The calendar date an instant falls on in an IANA time zone. */
export const calendarDateIn = (instant: Date, timeZone: string): CalendarDate => {
  const parts = formatterFor(timeZone).formatToParts(instant);
  const part = (type: string): string => parts.find((p) => p.type === type)!.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
};

export const yearOf = (date: CalendarDate): number => Number(date.slice(0, 4));

/** Is `value` an instant in ISO 8601 form that `Date` understands? */
export const isInstant = (value: unknown): value is string =>
  typeof value === 'string' &&
  /^\d{4}-\d{2}-\d{2}T/.test(value) &&
  !Number.isNaN(Date.parse(value));
