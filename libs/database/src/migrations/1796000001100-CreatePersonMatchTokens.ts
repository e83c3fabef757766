import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Possible duplicates within an organisation (issue 19).
 *
 * - `person_match_tokens`: one row per case, the person's keyed blind tokens (`matchTokens` of
 *   @remedy/person-matching: HMAC-SHA256 under an organisation-scoped key derived from the
 *   blind-index key; opaque, never a name or a date) and the blocking subset the candidates are
 *   found by (array overlap, GIN index). Written by the command side after OpenCase, corrections of
 *   identifying facts and transfers (it holds the clear values), and by the backfill; deleted by
 *   erasure (step `person-match-tokens`).
 * - `person_duplicate_decisions`: the pairs a caseworker decided (both directions), so that a
 *   decided pair is never suggested again even before the mirror event reaches the other stream.
 *   Opaque ids only.
 * - `person_match_backfill`: the backfill's checkpoint (global position of the last CaseOpened done).
 *
 * Row-level security as `person_blind_index`: an organisation reaches its own rows only.
 */
export class CreatePersonMatchTokens1796000001100 implements MigrationInterface {
  name = 'CreatePersonMatchTokens1796000001100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE person_match_tokens (
        case_id         text        PRIMARY KEY,
        organisation_id text        NOT NULL,
        case_reference  text        NOT NULL,
        opened_on       date        NOT NULL,
        version         text        NOT NULL,
        tokens          text[]      NOT NULL,
        blocking        text[]      NOT NULL,
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX person_match_tokens_blocking ON person_match_tokens USING gin (blocking)`,
    );
    await q.query(
      `CREATE INDEX person_match_tokens_organisation ON person_match_tokens (organisation_id)`,
    );
    await q.query(`
      CREATE TABLE person_duplicate_decisions (
        case_id         text        NOT NULL,
        other_case_id   text        NOT NULL,
        organisation_id text        NOT NULL,
        decision        text        NOT NULL CHECK (decision IN ('same_person', 'not_same_person')),
        decision_id     text        NOT NULL,
        decided_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (case_id, other_case_id)
      )`);
    await q.query(`
      CREATE TABLE person_match_backfill (
        name             text        PRIMARY KEY,
        position_commit  bigint      NOT NULL,
        position_prepare bigint      NOT NULL,
        cases_done       bigint      NOT NULL DEFAULT 0,
        updated_at       timestamptz NOT NULL DEFAULT now()
      )`);
    for (const table of ['person_match_tokens', 'person_duplicate_decisions']) {
      await q.query(`ALTER TABLE ${table} OWNER TO remedy_owner`);
      await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO remedy_app`);
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      const using = `lower(organisation_id) = remedy_organisation()`;
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
    await q.query(`ALTER TABLE person_match_backfill OWNER TO remedy_owner`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS person_match_backfill');
    await q.query('DROP TABLE IF EXISTS person_duplicate_decisions');
    await q.query('DROP TABLE IF EXISTS person_match_tokens');
  }
}
