import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Compensation claims as the legal-aid read side sees them (libs/legal-aid, projection
 * `legal-aid.cases`): one row per claim, amounts in integer minor units of the claim's one
 * currency, pending deadlines, and the ciphertexts of the claim events' free text. Also whether
 * the person objects to statistical use (outcome figures leave such cases out).
 */
export class CreateLegalAidClaims1795500000001 implements MigrationInterface {
  name = 'CreateLegalAidClaims1795500000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE legal_aid_cases ADD COLUMN objects_to_statistics boolean NOT NULL DEFAULT false`,
    );
    await q.query(`
      CREATE TABLE legal_aid_claims (
        claim_id                   text        PRIMARY KEY,
        case_id                    text        NOT NULL,
        remedy_id                  text,
        avenue                     text        NOT NULL,
        respondent_kind            text        NOT NULL,
        currency                   char(3)     NOT NULL,
        status                     text        NOT NULL CHECK (status IN ('filed', 'decided', 'appealed', 'final', 'closed')),
        claimed                    jsonb       NOT NULL,
        claimed_total              bigint      NOT NULL CHECK (claimed_total >= 0),
        awarded                    jsonb,
        awarded_total              bigint      CHECK (awarded_total >= 0),
        paid_total                 bigint      NOT NULL CHECK (paid_total >= 0),
        outstanding                bigint      NOT NULL CHECK (outstanding >= 0),
        filed_on                   date        NOT NULL,
        filing_deadline            date,
        filed_late                 boolean     NOT NULL,
        decisions                  jsonb       NOT NULL DEFAULT '[]',
        appeals                    jsonb       NOT NULL DEFAULT '[]',
        final_on                   date,
        hearings                   jsonb       NOT NULL DEFAULT '[]',
        payments                   jsonb       NOT NULL DEFAULT '[]',
        payment_due_on             date,
        enforcement_started_on     date,
        closure_outcome            text,
        closed_on                  date,
        legal_representative_id    text,
        deadlines                  jsonb       NOT NULL DEFAULT '[]',
        sealed_texts               jsonb       NOT NULL DEFAULT '[]',
        last_revision              bigint      NOT NULL,
        updated_at                 timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX legal_aid_claims_case ON legal_aid_claims (case_id)`);
    await q.query(
      `CREATE INDEX legal_aid_claims_representative ON legal_aid_claims (legal_representative_id) WHERE legal_representative_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX legal_aid_claims_open ON legal_aid_claims (case_id) WHERE status <> 'closed'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE legal_aid_claims');
    await q.query('ALTER TABLE legal_aid_cases DROP COLUMN objects_to_statistics');
  }
}
