import { addDays, type CalendarDate } from './calendar';
import type { JurisdictionPolicy } from './policy';

export interface ReflectionPeriodDates {
  /** First day of the period. */
  readonly startsOn: CalendarDate;
  /** Last day of the period: a period of N days starting on D ends on D + N − 1 (inclusive). */
  readonly endsOn: CalendarDate;
  /** Day on which the caseworker is reminded: `policy.reflectionReminderDaysBefore` days before `endsOn`, never before `startsOn`. */
  readonly remindOn: CalendarDate;
}

/** Rule 4: the calendar dates of a recovery and reflection period (dates in the jurisdiction's zone). */
export const reflectionPeriodDates = (
  startsOn: CalendarDate,
  days: number,
  policy: Pick<JurisdictionPolicy, 'reflectionReminderDaysBefore'>,
): ReflectionPeriodDates => {
  const endsOn = addDays(startsOn, days - 1);
  const reminder = addDays(endsOn, -policy.reflectionReminderDaysBefore);
  return { startsOn, endsOn, remindOn: reminder < startsOn ? startsOn : reminder };
};
