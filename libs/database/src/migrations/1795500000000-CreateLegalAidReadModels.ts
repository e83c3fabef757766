import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read models of legal aid (libs/legal-aid), written only by the `legal-aid.cases` projection.
 *
 * `legal_aid_cases` holds only the facts a legal-aid lawyer may see of a case (data
 * minimisation, see libs/legal-aid/README.md) plus which organisations hold live legal-aid
 * access. Personal fields only as the event's ciphertext. `last_revision` keeps re-application
 * idempotent.
 */
export class CreateLegalAidReadModels1795500000000 implements MigrationInterface {
  name = 'CreateLegalAidReadModels1795500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE legal_aid_cases (
        case_id                    text        PRIMARY KEY,
        holding_organisation_id    text        NOT NULL,
        reference                  text        NOT NULL,
        legal_aid_organisations    text[]      NOT NULL DEFAULT '{}',
        legal_aid_consents         text[]      NOT NULL DEFAULT '{}',
        sex_gender                 text,
        age_group                  jsonb,
        citizenships               text[]      NOT NULL DEFAULT '{}',
        languages                  text[]      NOT NULL DEFAULT '{}',
        identification_status      text        NOT NULL,
        forms_of_exploitation      text[]      NOT NULL DEFAULT '{}',
        non_punishment_flags       jsonb       NOT NULL DEFAULT '[]',
        remedies                   jsonb       NOT NULL DEFAULT '[]',
        sealed_opening             text,
        erased                     boolean     NOT NULL DEFAULT false,
        last_revision              bigint      NOT NULL,
        updated_at                 timestamptz NOT NULL
      )`);
    await q.query(
      `CREATE INDEX legal_aid_cases_holder ON legal_aid_cases (holding_organisation_id)`,
    );
    await q.query(
      `CREATE INDEX legal_aid_cases_access ON legal_aid_cases USING gin (legal_aid_organisations)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE legal_aid_cases');
  }
}
