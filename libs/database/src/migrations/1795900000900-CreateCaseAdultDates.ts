import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `case_adult_dates`: the day a person turns 18, from the exact birth date (issue 12 item 9).
 * That date reveals the birth date: personal. Written by the command side right after each append
 * (it holds the clear birth date), deleted when the birth date is no longer known and by erasure
 * (step `adult-date`). The case read side joins it to `case_list` so that "child now" and
 * `?child=true` follow the decider's rule (see @remedy/case-read-models age.ts).
 * Row-level security: whoever may see the case row (as `case_timeline`).
 */
export class CreateCaseAdultDates1795900000900 implements MigrationInterface {
  name = 'CreateCaseAdultDates1795900000900';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE case_adult_dates (case_id text PRIMARY KEY, adult_from date NOT NULL)`,
    );
    await q.query(`ALTER TABLE case_adult_dates OWNER TO remedy_owner`);
    await q.query(`GRANT SELECT ON case_adult_dates TO remedy_app`);
    await q.query(`ALTER TABLE case_adult_dates ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE case_adult_dates FORCE ROW LEVEL SECURITY`);
    const using = `EXISTS (SELECT 1 FROM case_list l WHERE l.case_id = case_adult_dates.case_id)`;
    await q.query(
      `CREATE POLICY case_adult_dates_app ON case_adult_dates FOR SELECT TO remedy_app USING (${using})`,
    );
    await q.query(
      `CREATE POLICY case_adult_dates_projector ON case_adult_dates FOR ALL TO remedy_projector USING (true) WITH CHECK (true)`,
    );
    await q.query(
      `CREATE POLICY case_adult_dates_owner_all ON case_adult_dates FOR ALL TO remedy_owner USING (true) WITH CHECK (true)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS case_adult_dates');
  }
}
