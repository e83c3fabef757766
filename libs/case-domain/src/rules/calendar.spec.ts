import {
  addDays,
  calendarDateIn,
  daysBetween,
  isCalendarDate,
  isInstant,
  yearOf,
} from './calendar';

describe('calendar dates', () => {
  it.each(['2026-01-31', '2024-02-29', '2000-02-29', '1999-12-31'])(
    'accepts the real date %s',
    (d) => {
      expect(isCalendarDate(d)).toBe(true);
    },
  );
  it.each([
    '2026-02-29',
    '1900-02-29',
    '2026-13-01',
    '2026-04-31',
    '2026-1-01',
    '26-01-01',
    '2026-01-01T00:00:00Z',
    ' 2026-01-01',
    20260101,
    undefined,
  ])('rejects %s', (d) => {
    expect(isCalendarDate(d)).toBe(false);
  });

  it('adds days across month, year and leap-day boundaries', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-03-28', 29)).toBe('2026-04-26');
  });

  it('counts whole days between dates, across a daylight-saving change', () => {
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2);
    expect(daysBetween('2026-03-30', '2026-03-28')).toBe(-2);
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
  });

  it('gives the calendar date of an instant in the jurisdiction time zone', () => {
    const lateEvening = new Date('2026-06-14T22:30:00Z');
    expect(calendarDateIn(lateEvening, 'Europe/Vienna')).toBe('2026-06-15');
    expect(calendarDateIn(lateEvening, 'UTC')).toBe('2026-06-14');
    expect(calendarDateIn(lateEvening, 'America/New_York')).toBe('2026-06-14');
    expect(calendarDateIn(new Date('2026-01-05T03:00:00Z'), 'Pacific/Auckland')).toBe('2026-01-05');
  });

  it('reads the year of a date', () => {
    expect(yearOf('2026-06-15')).toBe(2026);
  });

  it('recognises ISO 8601 instants', () => {
    expect(isInstant('2026-06-15T10:00:00Z')).toBe(true);
    expect(isInstant('2026-06-15T10:00:00+02:00')).toBe(true);
    expect(isInstant('2026-06-15')).toBe(false);
    expect(isInstant('2026-06-15Tnonsense')).toBe(false);
    expect(isInstant('x2026-06-15T10:00:00Z')).toBe(false);
    expect(isInstant(1)).toBe(false);
  });

  it('gives the date of every instant in its zone, across midnights and daylight-saving changes, however the days are remembered', () => {
    const references = new Map<string, Intl.DateTimeFormat>();
    const reference = (instant: Date, timeZone: string) => {
      let f = references.get(timeZone);
      if (!f) {
        f = new Intl.DateTimeFormat('en-CA', {
          timeZone,
          year: 'numeric',
          month: '2-digit',
          day: '2-digit',
        });
        references.set(timeZone, f);
      }
      return f.format(instant);
    };
    const zones = [
      'UTC',
      'Europe/Vienna',
      'America/New_York',
      'Asia/Kolkata', // +05:30
      'Asia/Kathmandu', // +05:45
      'Australia/Lord_Howe', // a 30-minute daylight-saving shift
      'America/Santiago', // daylight saving changes at local midnight
      'Pacific/Chatham', // +12:45 / +13:45
    ];
    // Every 47 minutes 13 seconds across a year, plus every 5 minutes around the daylight-saving
    // changes of Vienna and Santiago.
    const instants: Date[] = [];
    for (
      let t = Date.parse('2026-01-01T00:00:00Z');
      t < Date.parse('2027-01-01T00:00:00Z');
      t += 2_833_000
    )
      instants.push(new Date(t));
    for (const day of ['2026-03-29', '2026-10-25', '2026-04-05', '2026-09-06']) {
      const from = Date.parse(`${day}T00:00:00Z`) - 12 * 3_600_000;
      for (let t = from; t < from + 36 * 3_600_000; t += 300_000) instants.push(new Date(t));
    }
    for (const zone of zones) {
      const wrong = instants.filter((i) => calendarDateIn(i, zone) !== reference(i, zone));
      expect({ zone, wrong: wrong.slice(0, 3).map((i) => i.toISOString()) }).toEqual({
        zone,
        wrong: [],
      });
      // Backwards too (days remembered from later instants).
      const back = [...instants]
        .reverse()
        .filter((i) => calendarDateIn(i, zone) !== reference(i, zone));
      expect(back.length).toBe(0);
    }
    expect(() => calendarDateIn(new Date(Number.NaN), 'UTC')).toThrow(RangeError);
  });
});
