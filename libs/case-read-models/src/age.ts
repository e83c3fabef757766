import { isCalendarDate, yearOf, type AgeFacts, type CalendarDate } from '@remedy/case-domain';

const AGE_OF_MAJORITY = 18;

/**
 * The first calendar day on which the person is an adult according to the readable facts only
 * (the exact birth date is personal and sealed, so the read model never sees it):
 * - an estimate (age N on date D): the day D + (18 − N) years (29 February → 1 March);
 * - only a birth year Y: 1 January of Y + 19 (a child while they may still be under 18, as the
 *   domain reads a bare birth year). This errs towards "child" (rule 3: children first);
 * - nothing known: undefined (not counted as a child unless minority is presumed).
 * A presumed minor is a child whatever this says (see `presumed_minor`).
 * Storing this date, not "child now", lets "child now" be computed at query time.
 */
export function adultFrom(age: AgeFacts): CalendarDate | undefined {
  if (age.estimatedAge !== undefined && age.estimatedOn !== undefined) {
    const year = yearOf(age.estimatedOn) + Math.max(0, AGE_OF_MAJORITY - age.estimatedAge);
    const candidate = `${String(year).padStart(4, '0')}${age.estimatedOn.slice(4)}`;
    return isCalendarDate(candidate) ? candidate : `${String(year).padStart(4, '0')}-03-01`;
  }
  if (age.birthYear !== undefined) return `${age.birthYear + AGE_OF_MAJORITY + 1}-01-01`;
  return undefined;
}

/** "Child now": presumed minor, or not yet adult on `today` (a calendar date in the jurisdiction). */
export function isChildToday(row: { presumed_minor: boolean; adult_from: string | null }, today: CalendarDate): boolean {
  return row.presumed_minor || (row.adult_from !== null && today < row.adult_from);
}
