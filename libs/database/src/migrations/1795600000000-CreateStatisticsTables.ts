import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Statistics for national rapporteurs (libs/statistics).
 *
 * `statistics_case_state` / `statistics_case_facts` are written only by the `statistics.facts`
 * projection. Their key is a keyed one-way pseudonym of the case id (HMAC, key outside the
 * database): no case id, reference, organisation id, date finer than a year or free text is ever
 * stored here. `statistics_releases` holds each release once built (its JSON body, SHA-256 digest
 * and Ed25519 signature); a trigger refuses any change to a built release and any delete.
 * `statistics_privacy_ledger` is the append-only ledger of the differential-privacy budget spent
 * per period (a trigger refuses UPDATE and DELETE).
 */
export class CreateStatisticsTables1795600000000 implements MigrationInterface {
  name = 'CreateStatisticsTables1795600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE statistics_case_state (
        row_key        text   PRIMARY KEY,
        state          jsonb  NOT NULL,
        last_revision  bigint NOT NULL
      )`);
    await q.query(`
      CREATE TABLE statistics_case_facts (
        row_key                         text     NOT NULL,
        year                            smallint NOT NULL,
        identification_year             smallint,
        sex_gender                      text     NOT NULL,
        age_group                       text     NOT NULL,
        citizenships                    text[]   NOT NULL,
        status                          text     NOT NULL,
        deciding_body                   text     NOT NULL,
        identified_in_year              boolean  NOT NULL,
        forms                           text[]   NOT NULL,
        sectors                         text[]   NOT NULL,
        referral_source                 text     NOT NULL,
        assistance_types                text[]   NOT NULL,
        assisted                        boolean  NOT NULL,
        assisted_while_not_cooperating  boolean  NOT NULL,
        cooperation                     text     NOT NULL,
        reflection_granted              boolean  NOT NULL,
        child_decisions                 integer  NOT NULL,
        child_decisions_assessed        integer  NOT NULL,
        remedies                        text[]   NOT NULL,
        claims                          jsonb    NOT NULL,
        objects                         boolean  NOT NULL,
        PRIMARY KEY (row_key, year)
      )`);
    await q.query(`CREATE INDEX statistics_case_facts_year ON statistics_case_facts (year)`);
    await q.query(`
      CREATE TABLE statistics_releases (
        release_id    uuid        PRIMARY KEY,
        request_key   text        NOT NULL UNIQUE,
        status        text        NOT NULL CHECK (status IN ('queued', 'building', 'built', 'failed')),
        request       jsonb       NOT NULL,
        body          text,
        digest        text,
        signature     text,
        error         text,
        requested_at  timestamptz NOT NULL DEFAULT now(),
        built_at      timestamptz
      )`);
    await q.query(`
      CREATE FUNCTION statistics_release_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'statistics releases are never deleted';
        END IF;
        IF OLD.status = 'built' THEN
          RAISE EXCEPTION 'a built statistics release is immutable';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER statistics_releases_immutable BEFORE UPDATE OR DELETE ON statistics_releases
      FOR EACH ROW EXECUTE FUNCTION statistics_release_immutable()`);
    await q.query(`
      CREATE TABLE statistics_privacy_ledger (
        entry_id     bigserial   PRIMARY KEY,
        period       text        NOT NULL,
        release_id   uuid        NOT NULL UNIQUE REFERENCES statistics_releases (release_id),
        epsilon      numeric     NOT NULL CHECK (epsilon > 0),
        recorded_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE FUNCTION statistics_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the privacy-budget ledger is append-only';
      END $$`);
    await q.query(`
      CREATE TRIGGER statistics_privacy_ledger_append_only BEFORE UPDATE OR DELETE ON statistics_privacy_ledger
      FOR EACH ROW EXECUTE FUNCTION statistics_ledger_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE statistics_privacy_ledger');
    await q.query('DROP FUNCTION statistics_ledger_append_only');
    await q.query('DROP TABLE statistics_releases');
    await q.query('DROP FUNCTION statistics_release_immutable');
    await q.query('DROP TABLE statistics_case_facts');
    await q.query('DROP TABLE statistics_case_state');
  }
}
