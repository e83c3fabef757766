import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables under row-level security (forced, the owner role too) and their `remedy_app` policy. */
const POLICIES: Record<string, string> = {
  // The holder, or an organisation a consented live referral names.
  case_list: `lower(organisation_id) = remedy_organisation() OR remedy_organisation() = ANY (granted_organisations)`,
  // A referral is known to both ends (the receiver sees the case id only while consent is live).
  case_referrals: `lower(from_organisation_id) = remedy_organisation() OR lower(to_organisation_id) = remedy_organisation()`,
  // A case's timeline: whoever may see the case row (its own policy applies in the subquery).
  case_timeline: `EXISTS (SELECT 1 FROM case_list l WHERE l.case_id = case_timeline.case_id)`,
  due_reminders: `lower(organisation_id) = remedy_organisation()`,
  // The holder, or an organisation with legal-aid access AND the person's live consent naming it.
  legal_aid_cases: `lower(holding_organisation_id) = remedy_organisation()
        OR (EXISTS (SELECT 1 FROM unnest(legal_aid_organisations) o WHERE lower(o) = remedy_organisation())
            AND EXISTS (SELECT 1 FROM unnest(legal_aid_consents) o WHERE lower(o) = remedy_organisation()))`,
  legal_aid_claims: `EXISTS (SELECT 1 FROM legal_aid_cases c WHERE c.case_id = legal_aid_claims.case_id)`,
  // Blind indices are per organisation: an organisation finds only its own cases.
  person_blind_index: `organisation_id::text = remedy_organisation()`,
};

/**
 * Row-level security on the read models (issue 4, defence in depth under the access policy).
 *
 * Roles (cluster-wide, so created idempotently: several databases of one cluster migrate side by
 * side, e.g. the test databases), all NOLOGIN:
 * - `remedy_owner` owns the tables below. Its members (the migrating login, which also runs the
 *   worker and the command side) see every row through the `*_owner_all` policies.
 * - `remedy_app`: the API's reads (`SET LOCAL ROLE remedy_app` + `remedy.organisation_id`). Owns no
 *   table, no BYPASSRLS; grants: SELECT on the read models, INSERT + SELECT on the audit trail
 *   (never UPDATE or DELETE), and what the command side uses on its own tables.
 * - `remedy_projector`: the projections' batch transactions; reads and writes every read-model row.
 * The migrating login is granted membership in all three (so it can SET ROLE).
 *
 * `case_list.granted_organisations` carries the consent-based grants of the full case read
 * (organisations a pending or accepted referral names while the person's consent to that
 * referral is live: `caseReachOf` = 'referral'), maintained by the `case-read.cases` projection;
 * this migration resets that projection so it is rebuilt with the column filled.
 */
export class RowLevelSecurity1795800000000 implements MigrationInterface {
  name = 'RowLevelSecurity1795800000000';

  async up(q: QueryRunner): Promise<void> {
    // Roles: concurrent migrations of other databases may create them between the check and the
    // CREATE, or grant the same membership at once: those races are harmless, so swallowed.
    await q.query(`
      DO $$
      DECLARE r text;
      BEGIN
        FOREACH r IN ARRAY ARRAY['remedy_owner', 'remedy_app', 'remedy_projector'] LOOP
          IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            BEGIN
              EXECUTE format('CREATE ROLE %I NOLOGIN NOSUPERUSER NOBYPASSRLS', r);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
            END;
          END IF;
          IF NOT pg_has_role(current_user, r, 'USAGE') THEN
            BEGIN
              EXECUTE format('GRANT %I TO %I', r, current_user);
            EXCEPTION WHEN duplicate_object OR unique_violation OR internal_error THEN NULL;
            END;
          END IF;
        END LOOP;
      END $$`);

    await q.query(`GRANT USAGE, CREATE ON SCHEMA public TO remedy_owner`);
    await q.query(`GRANT USAGE ON SCHEMA public TO remedy_app, remedy_projector`);

    // The organisation of the transaction ('' or unset: none), lower-cased like the actor's.
    await q.query(`
      CREATE FUNCTION remedy_organisation() RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
        SELECT lower(nullif(current_setting('remedy.organisation_id', true), ''))
      $$`);

    // The grants the full case read carries (consented referrals), kept by the cases projection.
    await q.query(
      `ALTER TABLE case_list ADD COLUMN granted_organisations text[] NOT NULL DEFAULT '{}'`,
    );
    await q.query(`CREATE INDEX case_list_granted ON case_list USING gin (granted_organisations)`);
    // Rebuilt by the worker from the first event (the read model is derived; the column needs it).
    await q.query(`DELETE FROM case_referrals`);
    await q.query(`DELETE FROM case_list`);
    await q.query(
      `UPDATE projection_checkpoints SET position_commit = -1, position_prepare = -1, updated_at = now()
        WHERE projection = 'case-read.cases'`,
    );

    const owned = [
      ...Object.keys(POLICIES),
      'audit_trail',
      'organisation_directory',
      'statistics_case_state',
      'statistics_case_facts',
      'projection_checkpoints',
    ];
    for (const t of owned) await q.query(`ALTER TABLE ${t} OWNER TO remedy_owner`);

    // Application role: reads of the read models; the audit trail INSERT + SELECT only.
    await q.query(`
      GRANT SELECT ON case_list, case_referrals, case_timeline, legal_aid_cases, legal_aid_claims,
        organisation_directory, projection_checkpoints, statistics_case_facts, statistics_releases,
        statistics_privacy_ledger TO remedy_app`);
    await q.query(`GRANT SELECT, UPDATE ON due_reminders TO remedy_app`);
    await q.query(`GRANT INSERT, SELECT ON audit_trail TO remedy_app`);
    // Command side's own tables (reached as the login role today; granted so the API can run as
    // remedy_app throughout): idempotency, case references, person index, data keys, events.
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO remedy_app`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON case_reference_counters TO remedy_app`);
    await q.query(`GRANT SELECT, INSERT ON organisation_codes TO remedy_app`);
    await q.query(`GRANT SELECT, INSERT, DELETE ON person_blind_index TO remedy_app`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON case_data_keys TO remedy_app`);
    await q.query(`GRANT SELECT, INSERT ON events TO remedy_app`);
    await q.query(`GRANT INSERT ON statistics_releases TO remedy_app`);

    // Projector: every read model and the checkpoints; and the tables later migrations create
    // (a projection added later writes its own table without a grant of its own).
    await q.query(`
      GRANT SELECT, INSERT, UPDATE, DELETE ON case_list, case_referrals, case_timeline,
        legal_aid_cases, legal_aid_claims, organisation_directory, statistics_case_state,
        statistics_case_facts, projection_checkpoints TO remedy_projector`);
    await q.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO remedy_projector`,
    );

    // Row-level security, forced (the owner role too).
    for (const [table, using] of Object.entries(POLICIES)) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(
        `CREATE POLICY ${table}_app ON ${table} FOR ALL TO remedy_app USING (${using}) WITH CHECK (${using})`,
      );
      await q.query(
        `CREATE POLICY ${table}_projector ON ${table} FOR ALL TO remedy_projector USING (true) WITH CHECK (true)`,
      );
      await q.query(
        `CREATE POLICY ${table}_owner_all ON ${table} FOR ALL TO remedy_owner USING (true) WITH CHECK (true)`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of Object.keys(POLICIES)) {
      for (const p of ['app', 'projector', 'owner_all'])
        await q.query(`DROP POLICY ${t}_${p} ON ${t}`);
      await q.query(`ALTER TABLE ${t} NO FORCE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${t} DISABLE ROW LEVEL SECURITY`);
    }
    await q.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM remedy_projector`,
    );
    await q.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM remedy_app, remedy_projector`);
    await q.query(`REASSIGN OWNED BY remedy_owner TO current_user`);
    await q.query(`DROP INDEX case_list_granted`);
    await q.query(`ALTER TABLE case_list DROP COLUMN granted_organisations`);
    await q.query(`DROP FUNCTION remedy_organisation()`);
    // The roles stay: they are cluster-wide and other databases may use them.
  }
}
