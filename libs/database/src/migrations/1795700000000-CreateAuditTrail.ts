import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail (libs/audit): one row per authenticated request the API audits, written before
 * the answer is sent. Append-only: a trigger raises on UPDATE, DELETE and TRUNCATE, so the
 * application (and anyone using its database role) cannot edit or remove a row; a separate
 * database role that may only INSERT and SELECT comes with row-level security later.
 *
 * No personal data: opaque ids (users, organisations, cases), the route template (never a URL
 * with values or a query string), the status code, the outcome and a rule id. CHECK constraints
 * hold every text column to those shapes, so a value that could carry a name cannot be stored.
 */
export class CreateAuditTrail1795700000000 implements MigrationInterface {
  name = 'CreateAuditTrail1795700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_trail (
        audit_id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        recorded_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
        request_id       text        NOT NULL CHECK (request_id ~ '^[A-Za-z0-9._:-]{1,128}$'),
        user_id          uuid        NOT NULL,
        organisation_id  uuid        NOT NULL,
        roles            text[]      NOT NULL
          CHECK (roles <@ ARRAY['caseworker', 'supervisor', 'legal_aid', 'rapporteur', 'admin']::text[]),
        method           text        NOT NULL CHECK (method ~ '^[A-Z]{3,7}$'),
        route            text        NOT NULL CHECK (route ~ '^/[A-Za-z0-9/:_.*-]{0,199}$'),
        case_id          uuid,
        case_ids         uuid[]      NOT NULL DEFAULT '{}',
        status           smallint    NOT NULL CHECK (status BETWEEN 100 AND 599),
        outcome          text        NOT NULL CHECK (outcome IN ('allowed', 'denied', 'failed')),
        rule             text        CHECK (rule ~ '^[A-Z][A-Z0-9_]{0,79}$')
      )`);
    await q.query(
      `CREATE INDEX audit_trail_case ON audit_trail (case_id, audit_id) WHERE case_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX audit_trail_case_ids ON audit_trail USING gin (case_ids)`);
    await q.query(`CREATE INDEX audit_trail_recorded ON audit_trail (recorded_at, audit_id)`);
    await q.query(`
      CREATE FUNCTION audit_trail_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit trail is append-only (% refused)', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_trail_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_trail
      FOR EACH ROW EXECUTE FUNCTION audit_trail_append_only()`);
    await q.query(`
      CREATE TRIGGER audit_trail_no_truncate BEFORE TRUNCATE ON audit_trail
      FOR EACH STATEMENT EXECUTE FUNCTION audit_trail_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_trail');
    await q.query('DROP FUNCTION audit_trail_append_only');
  }
}
