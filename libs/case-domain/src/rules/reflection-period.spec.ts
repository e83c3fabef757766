import { reflectionPeriodDates } from './reflection-period';

describe('recovery and reflection period dates (rule 4)', () => {
  it('a 30-day period starting on 1 June ends on 30 June; reminder 7 days before', () => {
    expect(reflectionPeriodDates('2026-06-01', 30, { reflectionReminderDaysBefore: 7 })).toEqual({
      startsOn: '2026-06-01',
      endsOn: '2026-06-30',
      remindOn: '2026-06-23',
    });
  });

  it.each([
    ['across a daylight-saving change', '2026-03-15', '2026-04-13'],
    ['across a leap day', '2028-02-15', '2028-03-15'],
  ])('counts calendar days %s', (_, startsOn, endsOn) => {
    expect(reflectionPeriodDates(startsOn, 30, { reflectionReminderDaysBefore: 7 }).endsOn).toBe(
      endsOn,
    );
  });

  it.each([
    [60, '2026-06-01'],
    [29, '2026-06-01'],
    [28, '2026-06-02'],
  ])('never reminds before the period starts (%d days before: %s)', (daysBefore, remindOn) => {
    expect(
      reflectionPeriodDates('2026-06-01', 30, { reflectionReminderDaysBefore: daysBefore })
        .remindOn,
    ).toBe(remindOn);
  });
});
