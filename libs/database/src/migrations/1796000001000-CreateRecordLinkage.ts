import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Privacy-preserving record linkage across organisations (issue 19 part 2).
 *
 * Organisation side (schema `public`, owned by `remedy_owner`, never granted to the linkage role):
 * - `linkage_cases`: per case, the readable facts that decide whether it is encoded (holder,
 *   objection to statistical use, erased) and whether it must be (re-)encoded (`dirty`). Kept by
 *   the worker's `linkage.cases` projection. Opaque ids and booleans only.
 * - `linkage_records`: case id → the opaque random record id its encoding was submitted under,
 *   and the version of the shared secret it was encoded with. Present only while the case is
 *   encoded (deleted on objection and on erasure).
 *
 * Linkage unit (schema `linkage`):
 * - `linkage.encodings`: record id → CLK (Bloom filter, keyed by the shared secret), blocking
 *   keys, secret version. Written by the organisation side, read by the unit.
 * - `linkage.pairs`: record pairs whose Dice coefficient reaches the threshold.
 * - `linkage.record_clusters`: record id → cluster id (connected components of the pairs; the
 *   id of a cluster is kept across runs while any of its records stays in it).
 * - `linkage.runs`: when the unit ran and over what (counts only).
 *
 * The API (role `remedy_app`) reads none of these tables: it may only call
 * `linkage_probable_match_elsewhere(case_id)` (SECURITY DEFINER, owned by `remedy_owner`): true
 * when the case, held by the transaction's organisation (`remedy_organisation()`), is in a
 * cluster with a record of another organisation. One boolean, nothing about the other case.
 *
 * Role `remedy_linkage` (NOLOGIN here; the supervisor of a zero-setup start, or the operator,
 * gives it LOGIN and a password): USAGE on schema `linkage` only; SELECT on encodings; SELECT,
 * INSERT, UPDATE, DELETE on pairs, record_clusters and runs. No privilege on any other table,
 * no BYPASSRLS, no membership of another Remedy role.
 */
export class CreateRecordLinkage1796000001000 implements MigrationInterface {
  name = 'CreateRecordLinkage1796000001000';

  async up(q: QueryRunner): Promise<void> {
    // Cluster-wide role, created idempotently (several databases of one cluster migrate at once).
    await q.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'remedy_linkage') THEN
          BEGIN
            CREATE ROLE remedy_linkage NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
          EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
          END;
        END IF;
      END $$`);

    await q.query(`
      CREATE TABLE linkage_cases (
        case_id          uuid        PRIMARY KEY,
        organisation_id  uuid        NOT NULL,
        objects          boolean     NOT NULL DEFAULT false,
        erased           boolean     NOT NULL DEFAULT false,
        dirty            boolean     NOT NULL DEFAULT true,
        last_revision    bigint      NOT NULL
      )`);
    await q.query(
      `CREATE INDEX linkage_cases_dirty ON linkage_cases (case_id) WHERE dirty AND NOT objects AND NOT erased`,
    );
    await q.query(`
      CREATE TABLE linkage_records (
        case_id          uuid        PRIMARY KEY,
        organisation_id  uuid        NOT NULL,
        record_id        uuid        NOT NULL UNIQUE,
        secret_version   int         NOT NULL,
        encoded_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX linkage_records_version ON linkage_records (secret_version)`);

    await q.query(`CREATE SCHEMA linkage`);
    await q.query(`
      CREATE TABLE linkage.encodings (
        record_id        uuid        PRIMARY KEY,
        clk              bytea       NOT NULL,
        blocks           text[]      NOT NULL,
        secret_version   int         NOT NULL,
        submitted_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE linkage.pairs (
        record_a         uuid        NOT NULL,
        record_b         uuid        NOT NULL,
        score            real        NOT NULL,
        PRIMARY KEY (record_a, record_b),
        CHECK (record_a < record_b)
      )`);
    await q.query(`CREATE INDEX linkage_pairs_b ON linkage.pairs (record_b)`);
    await q.query(`
      CREATE TABLE linkage.record_clusters (
        record_id        uuid        PRIMARY KEY,
        cluster_id       uuid        NOT NULL
      )`);
    await q.query(
      `CREATE INDEX linkage_record_clusters_cluster ON linkage.record_clusters (cluster_id)`,
    );
    await q.query(`
      CREATE TABLE linkage.runs (
        run_id           bigserial   PRIMARY KEY,
        started_at       timestamptz NOT NULL,
        finished_at      timestamptz NOT NULL,
        encodings        int         NOT NULL,
        comparisons      bigint      NOT NULL,
        pairs            int         NOT NULL,
        clusters         int         NOT NULL,
        fingerprint      text        NOT NULL
      )`);

    for (const t of ['linkage_cases', 'linkage_records']) {
      await q.query(`ALTER TABLE ${t} OWNER TO remedy_owner`);
    }
    await q.query(`ALTER SCHEMA linkage OWNER TO remedy_owner`);
    for (const t of ['encodings', 'pairs', 'record_clusters', 'runs']) {
      await q.query(`ALTER TABLE linkage.${t} OWNER TO remedy_owner`);
    }
    await q.query(`ALTER SEQUENCE linkage.runs_run_id_seq OWNER TO remedy_owner`);
    // The organisation side's projector writes its own tables and submits encodings.
    await q.query(`GRANT USAGE ON SCHEMA linkage TO remedy_projector`);
    await q.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON linkage.encodings, linkage.pairs, linkage.record_clusters TO remedy_projector`,
    );

    // The API's one question (the consent is checked on the stream before it is asked).
    await q.query(`
      CREATE FUNCTION linkage_probable_match_elsewhere(p_case_id uuid) RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        SELECT EXISTS (
          SELECT 1 FROM public.linkage_records mine
            JOIN linkage.record_clusters c ON c.record_id = mine.record_id
            JOIN linkage.record_clusters other ON other.cluster_id = c.cluster_id
                                              AND other.record_id <> c.record_id
            JOIN public.linkage_records theirs ON theirs.record_id = other.record_id
           WHERE mine.case_id = p_case_id
             AND mine.organisation_id::text = public.remedy_organisation()
             AND theirs.organisation_id <> mine.organisation_id)
      $$`);
    await q.query(`ALTER FUNCTION linkage_probable_match_elsewhere(uuid) OWNER TO remedy_owner`);
    await q.query(`REVOKE ALL ON FUNCTION linkage_probable_match_elsewhere(uuid) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION linkage_probable_match_elsewhere(uuid) TO remedy_app`);

    // The linkage unit: its own schema only.
    await q.query(`REVOKE ALL ON SCHEMA linkage FROM PUBLIC`);
    await q.query(`GRANT USAGE ON SCHEMA linkage TO remedy_linkage`);
    await q.query(`GRANT SELECT ON linkage.encodings TO remedy_linkage`);
    await q.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON linkage.pairs, linkage.record_clusters, linkage.runs TO remedy_linkage`,
    );
    await q.query(`GRANT USAGE ON SEQUENCE linkage.runs_run_id_seq TO remedy_linkage`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION linkage_probable_match_elsewhere(uuid)`);
    await q.query(`DROP SCHEMA linkage CASCADE`);
    await q.query(`DROP TABLE linkage_records`);
    await q.query(`DROP TABLE linkage_cases`);
    // The role is cluster-wide (other databases may use it): left in place.
  }
}
