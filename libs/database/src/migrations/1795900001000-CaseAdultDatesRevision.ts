import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `case_adult_dates.revision`: the revision of the case stream the row was computed from (an
 * opaque number, not personal). The command pipeline and the reconciliation
 * (@remedy/case-commands `AdultDatesReconciler`) write it and never replace a row computed from a
 * later revision; a row older than `case_list.last_revision` (a crash between an append and the
 * write) or without a revision (written before this column) is reconciled from the stream.
 */
export class CaseAdultDatesRevision1795900001000 implements MigrationInterface {
  name = 'CaseAdultDatesRevision1795900001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE case_adult_dates ADD COLUMN revision bigint`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE case_adult_dates DROP COLUMN revision`);
  }
}
