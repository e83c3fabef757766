import { adultFrom, isChildGiven, type CalendarDate } from '@remedy/case-domain';

/**
 * "Child now" (DECISION, issue 12 item 9): the domain's one definition (`adultFrom`, `isChildGiven`
 * of @remedy/case-domain, which the decider's `isChildOn` is made of), evaluated with the
 * jurisdiction's today. Two stores hold `adult_from`:
 * - `case_list.adult_from`: from the readable facts only (estimate, birth year), by the projection;
 * - `case_adult_dates.adult_from`: the 18th birthday from the exact birth date, which is personal.
 *   The command side writes it right after each append (it holds the clear birth date; the read
 *   side never needs the data keys), deletes it when the birth date is no longer known (a corrected
 *   estimate, erasure) and erasure's `adult-date` step clears it again; its reconciliation from the
 *   streams fills in cases without a row (@remedy/case-commands src/adult-dates). Without a row,
 *   a case reads by `case_list.adult_from` (the birth year: errs towards "child").
 * The effective date is `COALESCE(case_adult_dates.adult_from, case_list.adult_from)`; `?child=true`
 * is `presumed_minor OR effective > today` evaluated by PostgreSQL (`CHILD_NOW_SQL`).
 */
export { adultFrom };

/** The effective `adult_from` of a `case_list l LEFT JOIN case_adult_dates a` row. */
export const ADULT_FROM_SQL = 'COALESCE(a.adult_from, l.adult_from)';

/** `isChildGiven` in SQL, `$today` a calendar date parameter. */
export const childNowSql = (today: string) =>
  `(l.presumed_minor OR COALESCE(${ADULT_FROM_SQL} > ${today}::date, false))`;

/** "Child now": presumed minor, or not yet adult on `today` (a calendar date in the jurisdiction). */
export function isChildToday(
  row: { presumed_minor: boolean; adult_from: string | null },
  today: CalendarDate,
): boolean {
  return isChildGiven(row.presumed_minor, row.adult_from, today);
}
