import type { DataSource } from 'typeorm';
import { calendarDateIn } from '@remedy/case-domain';
import { withOrganisationScope, type ScopedDb } from '@remedy/database';
import { FIGURE_SQL, overdueReminderSql, type DashboardFigure } from './figures';
import type { OpenCasesCell, ReferralFigures, SupervisorDashboard } from './views';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The case figures counted in one pass ($1 is today). */
const COUNTED: readonly DashboardFigure[] = [
  'open',
  'assisted',
  'reflection_7',
  'reflection_30',
  'assessment_awaited',
  'closure_requested',
];
const COUNT_CASES = `SELECT ${COUNTED.map((f) => `count(*) FILTER (WHERE ${FIGURE_SQL[f]('$1')})::int AS ${f}`).join(', ')},
    percentile_cont(0.5) WITHIN GROUP (ORDER BY l.first_assistance_on - l.opened_on)
      FILTER (WHERE ${FIGURE_SQL.assisted('$1')}) AS median_days
  FROM dashboard_case_facts l LEFT JOIN case_adult_dates a USING (case_id)
  WHERE lower(l.organisation_id) = lower($2)`;
const OPEN_BY_CASEWORKER = `SELECT caseworker_id, identification_status, count(*)::int AS count
  FROM dashboard_case_facts l WHERE lower(l.organisation_id) = lower($1) AND ${FIGURE_SQL.open('')}
  GROUP BY caseworker_id, identification_status ORDER BY caseworker_id NULLS LAST, identification_status`;
const referralsBy = (end: 'from' | 'to') => `SELECT count(*)::int AS count,
    count(answered_on)::int AS answered, count(*) FILTER (WHERE accepted)::int AS accepted,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY answered_on - referred_on)
      FILTER (WHERE answered_on IS NOT NULL) AS median_days
  FROM dashboard_referrals WHERE lower(${end}_organisation_id) = lower($1)`;
const SENT = referralsBy('from');
const RECEIVED = referralsBy('to');
const OVERDUE = `SELECT count(*)::int AS count FROM due_reminders r
  WHERE lower(r.organisation_id) = lower($2) AND ${overdueReminderSql('$1')}`;
/** The embedded provider's account name, else the name claim recorded at login (staff only). */
const NAMES = `SELECT id::text AS id, COALESCE(acc.display_name, s.display_name) AS name
  FROM unnest($2::uuid[]) AS id
  LEFT JOIN identity_accounts acc ON acc.user_id = id AND acc.organisation_id::text = lower($1)
  LEFT JOIN staff_display_names s ON s.user_id = id AND s.organisation_id::text = lower($1)`;

type ReferralRow = {
  count: number;
  answered: number;
  accepted: number;
  median_days: number | null;
};
const numberOrNull = (v: unknown): number | null =>
  v === null || v === undefined ? null : Number(v);

const referralFigures = (r: ReferralRow): ReferralFigures => ({
  count: r.count,
  answered: r.answered,
  accepted: r.accepted,
  acceptanceRate: r.answered === 0 ? null : r.accepted / r.answered,
  medianDaysToAnswer: numberOrNull(r.median_days),
});

/** A short opaque id for a caseworker without a known name. */
export const shortId = (id: string): string => id.replace(/-/g, '').slice(0, 8);

/**
 * The supervisor dashboard's reads: plain SQL over the dashboard's dated facts, as the
 * application role with the caller's organisation set (row-level security shows its rows only),
 * windows computed with the jurisdiction's today.
 */
export class DashboardQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly timeZone: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  today(): string {
    return calendarDateIn(this.now(), this.timeZone);
  }

  async supervisor(organisationId: string): Promise<SupervisorDashboard> {
    const today = this.today();
    // One transaction, one statement after the other (one connection).
    const read = await withOrganisationScope(
      this.dataSource,
      organisationId,
      async (db: ScopedDb) => [
        await db.query(COUNT_CASES, [today, organisationId]),
        await db.query(OPEN_BY_CASEWORKER, [organisationId]),
        await db.query(SENT, [organisationId]),
        await db.query(RECEIVED, [organisationId]),
        await db.query(OVERDUE, [today, organisationId]),
      ],
    );
    const [[counts], cells, [sent], [received], [overdue]] = read as [
      [Record<DashboardFigure | 'median_days', number | null>],
      { caseworker_id: string | null; identification_status: string; count: number }[],
      [ReferralRow],
      [ReferralRow],
      [{ count: number }],
    ];
    const names = await this.caseworkerNames(
      organisationId,
      cells.map((c) => c.caseworker_id).filter((id): id is string => id !== null),
    );
    const openCases: OpenCasesCell[] = cells.map((c) => ({
      caseworkerId: c.caseworker_id,
      caseworkerName:
        c.caseworker_id === null
          ? null
          : (names.get(c.caseworker_id.toLowerCase()) ?? shortId(c.caseworker_id)),
      identificationStatus: c.identification_status,
      count: c.count,
    }));
    return {
      today,
      openCases,
      openTotal: counts.open ?? 0,
      firstAssistance: {
        cases: counts.assisted ?? 0,
        medianDays: numberOrNull(counts.median_days),
      },
      reflectionEndingIn7Days: counts.reflection_7 ?? 0,
      reflectionEndingIn30Days: counts.reflection_30 ?? 0,
      childrenAwaitingAssessment: counts.assessment_awaited ?? 0,
      referralsSent: referralFigures(sent),
      referralsReceived: referralFigures(received),
      closuresAwaitingApproval: counts.closure_requested ?? 0,
      overdueReminders: overdue.count,
    };
  }

  /**
   * Display names of the organisation's own staff by id (lower-cased). Read as the login role:
   * the accounts table is the embedded provider's (not a read model), so the query itself is
   * confined to the caller's organisation.
   */
  private async caseworkerNames(
    organisationId: string,
    ids: string[],
  ): Promise<Map<string, string>> {
    const uuids = [...new Set(ids.filter((id) => UUID.test(id)).map((id) => id.toLowerCase()))];
    if (uuids.length === 0) return new Map();
    const rows = (await this.dataSource.query(NAMES, [organisationId, uuids])) as {
      id: string;
      name: string | null;
    }[];
    return new Map(rows.flatMap((r) => (r.name ? [[r.id, r.name] as const] : [])));
  }
}
