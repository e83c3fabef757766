import { reflectionPeriodDates } from './reflection-period';

describe('recovery and reflection period dates (rule 4)', () => {
  it('a 30-day period starting on 1 June ends on 30 June; reminder 7 days before', () => {
    expect(reflectionPeriodDates('2026-06-01', 30, { reflectionReminderDaysBefore: 7 })).toEqual({
      startsOn: '2026-06-01',
      endsOn: '2026-06-30',
      remindOn: '2026-06-23',
    });
  });

  it('counts calendar days across a daylight-saving change and a leap day', () => {
    expect(
      reflectionPeriodDates('2026-03-15', 30, { reflectionReminderDaysBefore: 7 }).endsOn,
    ).toBe('2026-04-13');
    expect(
      reflectionPeriodDates('2028-02-15', 30, { reflectionReminderDaysBefore: 7 }).endsOn,
    ).toBe('2028-03-15');
  });

  it('never reminds before the period starts', () => {
    expect(
      reflectionPeriodDates('2026-06-01', 30, { reflectionReminderDaysBefore: 60 }).remindOn,
    ).toBe('2026-06-01');
    expect(
      reflectionPeriodDates('2026-06-01', 30, { reflectionReminderDaysBefore: 29 }).remindOn,
    ).toBe('2026-06-01');
    expect(
      reflectionPeriodDates('2026-06-01', 30, { reflectionReminderDaysBefore: 28 }).remindOn,
    ).toBe('2026-06-02');
  });
});
