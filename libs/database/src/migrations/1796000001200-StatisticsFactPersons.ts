import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Statistics of persons, not only cases (issue 19 part 3): every fact row carries `person_key`,
 * a keyed pseudonym of the PERSON the case belongs to: HMAC of the linkage cluster id when the
 * case is linked (`linkage_records` → `linkage.record_clusters`), otherwise a pseudonym derived
 * from the case's own row key. Never a case id (the key is outside the database, see
 * libs/statistics/src/pseudonym.ts). The projection writes it with every row; the persons refresh
 * (worker, and every release build before it counts) rewrites it when clustering changes.
 *
 * The rows written before this change get it from the refresh (the key is not in the database,
 * so this migration cannot compute it); until then a NULL counts as a person of its own row.
 * The index serves the release's read of a year ordered by person.
 */
export class StatisticsFactPersons1796000001200 implements MigrationInterface {
  name = 'StatisticsFactPersons1796000001200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE statistics_case_facts ADD COLUMN person_key text`);
    await q.query(
      `CREATE INDEX statistics_case_facts_year_person ON statistics_case_facts (year, person_key COLLATE "C")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX statistics_case_facts_year_person`);
    await q.query(`ALTER TABLE statistics_case_facts DROP COLUMN person_key`);
  }
}
