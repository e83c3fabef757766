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
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
};

/** The local date of an instant and how far into that local day it is (one `formatToParts`). */
const localDay = (t: number, timeZone: string): { date: CalendarDate; msOfDay: number } => {
  let year = '';
  let month = '';
  let day = '';
  let seconds = 0;
  for (const p of formatterFor(timeZone).formatToParts(t)) {
    if (p.type === 'year') year = p.value;
    else if (p.type === 'month') month = p.value;
    else if (p.type === 'day') day = p.value;
    else if (p.type === 'hour') seconds += Number(p.value) * 3600;
    else if (p.type === 'minute') seconds += Number(p.value) * 60;
    else if (p.type === 'second') seconds += Number(p.value);
  }
  return {
    date: `${year}-${month}-${day}`,
    msOfDay: seconds * 1000 + (((t % 1000) + 1000) % 1000),
  };
};

/** A local day of a zone as the UTC interval [start, end) it covers. */
interface ZoneDay {
  readonly start: number;
  readonly end: number;
  readonly date: CalendarDate;
}
const HOUR_MS = 3_600_000;
/** Per zone, the local days met lately, under each UTC hour they cover. */
const zoneDays = new Map<string, Map<number, ZoneDay>>();

/**
 * The calendar date an instant falls on in an IANA time zone. `formatToParts` costs ~10 µs, so
 * (a replay asks for the date of every event, issue 18) each local day met is remembered as the
 * UTC interval it covers: found from one instant's local time of day, and kept only when both of
 * its ends confirm it (same date, the day's first and last millisecond: no offset change inside;
 * a day with a daylight-saving change is computed instant by instant).
 */
export const calendarDateIn = (instant: Date, timeZone: string): CalendarDate => {
  const t = instant.getTime();
  let days = zoneDays.get(timeZone);
  const known = days?.get(Math.floor(t / HOUR_MS));
  if (known && t >= known.start && t < known.end) return known.date;
  const { date, msOfDay } = localDay(t, timeZone); // throws on an invalid Date, as before
  const start = t - msOfDay;
  const end = start + DAY_MS;
  const first = localDay(start, timeZone);
  const last = localDay(end - 1, timeZone);
  if (
    first.date === date &&
    first.msOfDay === 0 &&
    last.date === date &&
    last.msOfDay === DAY_MS - 1
  ) {
    if (!days || days.size > 50_000) zoneDays.set(timeZone, (days = new Map()));
    const zoneDay: ZoneDay = { start, end, date };
    for (let h = Math.floor(start / HOUR_MS); h <= Math.floor((end - 1) / HOUR_MS); h++)
      days.set(h, zoneDay);
  }
  return date;
};

export const yearOf = (date: CalendarDate): number => Number(date.slice(0, 4));

/** Is `value` an instant in ISO 8601 form that `Date` understands? */
export const isInstant = (value: unknown): value is string =>
  typeof value === 'string' &&
  /^\d{4}-\d{2}-\d{2}T/.test(value) &&
  !Number.isNaN(Date.parse(value));
