import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tables of the case command side (libs/case-commands). None holds personal data in clear:
 *
 * - `idempotency_keys`: one row per Idempotency-Key, scoped to user + route. The key itself is
 *   stored only as a SHA-256 hash (with the user and route); `request_hash` is a SHA-256 of the
 *   canonical request body; `response` holds the first response (opaque ids, revision, position).
 *   A row with `completed_at` NULL is a command in flight (reserved, not yet answered).
 * - `organisation_directory`: read model of the organisation streams (projection
 *   `organisation-directory`), idempotent by `last_revision`.
 * - `organisation_codes`: the short reference code of each organisation, unique, claimed by the
 *   command handler before the organisation's first event is appended.
 * - `case_reference_counters`: the last case reference sequence per organisation and year,
 *   allocated by one atomic upsert (`... ON CONFLICT DO UPDATE ... RETURNING`).
 * - `person_blind_index`: find-a-person lookup: keyed HMAC (blind index, per organisation) of a
 *   person's normalised name and birth date → case id. Deleted on erasure.
 */
export class CreateCaseCommandTables1795400000001 implements MigrationInterface {
  readonly name = 'CreateCaseCommandTables1795400000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_keys (
        key_hash      text        PRIMARY KEY,
        user_id       uuid        NOT NULL,
        route         text        NOT NULL,
        request_hash  text        NOT NULL,
        status        integer,
        response      jsonb,
        created_at    timestamptz NOT NULL DEFAULT now(),
        completed_at  timestamptz,
        CONSTRAINT idempotency_keys_completed CHECK ((completed_at IS NULL) = (status IS NULL))
      )`);
    await q.query(`CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at)`);
    await q.query(`
      CREATE TABLE organisation_directory (
        organisation_id   uuid        PRIMARY KEY,
        name              text        NOT NULL,
        type              text        NOT NULL,
        services          text[]      NOT NULL DEFAULT '{}',
        country           char(2)     NOT NULL,
        code              text        NOT NULL,
        registered_at     timestamptz NOT NULL,
        updated_at        timestamptz NOT NULL,
        last_revision     bigint      NOT NULL
      )`);
    await q.query(
      `CREATE INDEX organisation_directory_country ON organisation_directory (country)`,
    );
    await q.query(
      `CREATE INDEX organisation_directory_services ON organisation_directory USING gin (services)`,
    );
    await q.query(`
      CREATE TABLE organisation_codes (
        code             text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9]{1,9}$'),
        organisation_id  uuid NOT NULL UNIQUE
      )`);
    await q.query(`
      CREATE TABLE case_reference_counters (
        organisation_id  uuid    NOT NULL,
        year             integer NOT NULL CHECK (year BETWEEN 1000 AND 9999),
        last_sequence    integer NOT NULL CHECK (last_sequence >= 1),
        PRIMARY KEY (organisation_id, year)
      )`);
    await q.query(`
      CREATE TABLE person_blind_index (
        organisation_id  uuid        NOT NULL,
        blind_index      text        NOT NULL,
        case_id          uuid        NOT NULL,
        case_reference   text        NOT NULL,
        created_at       timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (organisation_id, blind_index, case_id)
      )`);
    await q.query(`CREATE INDEX person_blind_index_case ON person_blind_index (case_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS person_blind_index');
    await q.query('DROP TABLE IF EXISTS case_reference_counters');
    await q.query('DROP TABLE IF EXISTS organisation_codes');
    await q.query('DROP TABLE IF EXISTS organisation_directory');
    await q.query('DROP TABLE IF EXISTS idempotency_keys');
  }
}
