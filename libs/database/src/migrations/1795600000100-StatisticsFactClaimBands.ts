import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Statistics fact rows hold claim amounts in BANDS only (issue 6 item 1): the claims of
 * `statistics_case_facts.claims` carry `payment`, `awardedBand` and `paidBand` instead of the
 * exact `awarded` / `paid` minor units. The rows written before this change are dropped with the
 * projection's fold state and its checkpoint, so the `statistics.facts` projection replays every
 * event and writes them again in the new shape. A CHECK refuses any claim with an exact amount
 * from now on. Releases already built are untouched (they are immutable).
 */
export class StatisticsFactClaimBands1795600000100 implements MigrationInterface {
  name = 'StatisticsFactClaimBands1795600000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM statistics_case_facts`);
    await q.query(`DELETE FROM statistics_case_state`);
    await q.query(`DELETE FROM projection_checkpoints WHERE projection = 'statistics.facts'`);
    await q.query(`
      ALTER TABLE statistics_case_facts ADD CONSTRAINT statistics_case_facts_claims_banded
      CHECK (jsonb_typeof(claims) = 'array'
             AND NOT jsonb_path_exists(claims, '$[*] ? (exists(@.awarded) || exists(@.paid))'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE statistics_case_facts DROP CONSTRAINT statistics_case_facts_claims_banded`,
    );
  }
}
