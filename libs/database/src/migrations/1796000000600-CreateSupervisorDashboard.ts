import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Row-level security of the new tables for `remedy_app` (the API's reads). */
const POLICIES: Record<string, string> = {
  // The holding organisation only (the supervisor's own organisation).
  dashboard_case_facts: `lower(organisation_id) = remedy_organisation()`,
  // A referral is known to both ends: sent by the holder, received by the other organisation.
  dashboard_referrals: `lower(from_organisation_id) = remedy_organisation() OR lower(to_organisation_id) = remedy_organisation()`,
  // The names of an organisation's own staff.
  staff_display_names: `organisation_id::text = remedy_organisation()`,
};

/**
 * The supervisor's dashboard (issue 17 item 2).
 * - `dashboard_case_facts`, `dashboard_referrals`: the dated facts of the `case-read.dashboard`
 *   projection (opening, first assistance, reflection end, closure request: occurred dates in the
 *   jurisdiction; referral sent and answered dates). Windows ("next 7 days", "overdue") are
 *   computed when read, with the jurisdiction's today. No personal data: code-list values, opaque
 *   ids, calendar dates, the readable `adult_from` and the fold state without its sealed parts.
 * - `staff_display_names`: with an external OpenID provider, the `name` claim of a member of
 *   staff as last seen at login (the caseworkers' names on the dashboard); never a victim's data.
 */
export class CreateSupervisorDashboard1796000000600 implements MigrationInterface {
  name = 'CreateSupervisorDashboard1796000000600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE dashboard_case_facts (
        case_id                text        PRIMARY KEY,
        organisation_id        text        NOT NULL,
        lifecycle              text        NOT NULL,
        identification_status  text        NOT NULL,
        caseworker_id          text,
        opened_on              date        NOT NULL,
        first_assistance_on    date,
        reflection_ends_on     date,
        presumed_minor         boolean     NOT NULL,
        adult_from             date,
        assessment_awaited     boolean     NOT NULL,
        closure_requested_on   date,
        state                  jsonb       NOT NULL,
        last_revision          bigint      NOT NULL
      )`);
    await q.query(
      `CREATE INDEX dashboard_case_facts_org ON dashboard_case_facts (organisation_id, lifecycle)`,
    );
    await q.query(`
      CREATE TABLE dashboard_referrals (
        referral_id            text        PRIMARY KEY,
        case_id                text        NOT NULL,
        from_organisation_id   text        NOT NULL,
        to_organisation_id     text        NOT NULL,
        status                 text        NOT NULL,
        referred_on            date        NOT NULL,
        answered_on            date,
        accepted               boolean,
        last_revision          bigint      NOT NULL
      )`);
    await q.query(`CREATE INDEX dashboard_referrals_case ON dashboard_referrals (case_id)`);
    await q.query(
      `CREATE INDEX dashboard_referrals_from ON dashboard_referrals (from_organisation_id)`,
    );
    await q.query(
      `CREATE INDEX dashboard_referrals_to ON dashboard_referrals (to_organisation_id)`,
    );
    await q.query(`
      CREATE TABLE staff_display_names (
        user_id                uuid        PRIMARY KEY,
        organisation_id        uuid        NOT NULL,
        display_name           text        NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 120),
        recorded_at            timestamptz NOT NULL DEFAULT now()
      )`);

    for (const [table, using] of Object.entries(POLICIES)) {
      await q.query(`ALTER TABLE ${table} OWNER TO remedy_owner`);
      await q.query(`GRANT SELECT ON ${table} TO remedy_app`);
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(
        `CREATE POLICY ${table}_app ON ${table} FOR SELECT TO remedy_app USING (${using})`,
      );
      await q.query(
        `CREATE POLICY ${table}_projector ON ${table} FOR ALL TO remedy_projector USING (true) WITH CHECK (true)`,
      );
      await q.query(
        `CREATE POLICY ${table}_owner_all ON ${table} FOR ALL TO remedy_owner USING (true) WITH CHECK (true)`,
      );
    }
    await q.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON dashboard_case_facts, dashboard_referrals TO remedy_projector`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS staff_display_names');
    await q.query('DROP TABLE IF EXISTS dashboard_referrals');
    await q.query('DROP TABLE IF EXISTS dashboard_case_facts');
    await q.query(`DELETE FROM projection_checkpoints WHERE projection = 'case-read.dashboard'`);
  }
}
