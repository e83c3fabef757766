import { childNowSql } from '../age';

/**
 * The supervisor dashboard's figures that stand for a list of cases, each stated once as a
 * condition on `dashboard_case_facts l LEFT JOIN case_adult_dates a` with `today` (a calendar date
 * parameter in the jurisdiction): the dashboard counts with it and GET /cases?figure= lists the
 * cases behind it with the same condition.
 */
export const DASHBOARD_FIGURES = [
  'open',
  'unassigned',
  'assisted',
  'reflection_7',
  'reflection_30',
  'assessment_awaited',
  'referred_out',
  'closure_requested',
  'reminders_overdue',
] as const;
export type DashboardFigure = (typeof DASHBOARD_FIGURES)[number];

const OPEN = `l.lifecycle <> 'closed'`;
const reflectionWithin = (days: number) => (today: string) =>
  `${OPEN} AND l.reflection_ends_on BETWEEN ${today}::date AND ${today}::date + ${days}`;

/** A reminder that fell due, is not marked done, and whose date has passed (alias `r`). */
export const overdueReminderSql = (today: string) =>
  `r.done_at IS NULL AND r.due_on < ${today}::date`;

export const FIGURE_SQL: Record<DashboardFigure, (today: string) => string> = {
  open: () => OPEN,
  unassigned: () => `${OPEN} AND l.caseworker_id IS NULL`,
  // Every case with a first assistance (the median "time to first assistance" is over them).
  assisted: () => `l.first_assistance_on IS NOT NULL`,
  reflection_7: reflectionWithin(7),
  reflection_30: reflectionWithin(30),
  // A child today (the case list's definition) whose case awaits an assessment.
  assessment_awaited: (today) => `l.assessment_awaited AND ${childNowSql(today)}`,
  referred_out: () =>
    `EXISTS (SELECT 1 FROM dashboard_referrals x WHERE x.case_id = l.case_id AND lower(x.from_organisation_id) = lower(l.organisation_id))`,
  closure_requested: () => `l.lifecycle = 'closure_requested'`,
  reminders_overdue: (today) =>
    `EXISTS (SELECT 1 FROM due_reminders r WHERE r.case_id = l.case_id AND ${overdueReminderSql(today)})`,
};

/** The ids of the organisation's cases behind a figure (a subquery; `today` a parameter). */
export const figureCasesSql = (figure: DashboardFigure, today: string): string =>
  // `today IS NOT NULL` types the parameter for the figures whose condition does not use it.
  `SELECT l.case_id FROM dashboard_case_facts l LEFT JOIN case_adult_dates a USING (case_id)
    WHERE ${today}::date IS NOT NULL AND ${FIGURE_SQL[figure](today)}`;
