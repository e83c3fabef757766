import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read models of the case lifecycle (libs/case-read-models), written only by their projections.
 *
 * Personal data: these tables hold personal fields only as the event's ciphertext (sealed with
 * the case's data key); the API decrypts them for authorised callers. Everything else is a
 * coarse fact or an opaque id. Every row derived from a case stream stores the revision of the
 * last event of that stream it applied (`last_revision`), so that re-applying events is a no-op.
 */
export class CreateCaseReadModels1795400000000 implements MigrationInterface {
  name = 'CreateCaseReadModels1795400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE case_list (
        case_id                    text        PRIMARY KEY,
        organisation_id            text        NOT NULL,
        reference                  text        NOT NULL,
        lifecycle                  text        NOT NULL CHECK (lifecycle IN ('open', 'closure_requested', 'closed')),
        identification_status      text        NOT NULL,
        child_at_opening           boolean,
        child_at_identification    boolean,
        presumed_minor             boolean     NOT NULL DEFAULT false,
        adult_from                 date,
        caseworker_id              text,
        open_referrals             int         NOT NULL DEFAULT 0,
        reflection_ends_on         date,
        next_deadline              date,
        closure_requested_at       timestamptz,
        best_interests_pending     text[]      NOT NULL DEFAULT '{}',
        erased                     boolean     NOT NULL DEFAULT false,
        opened_at                  timestamptz NOT NULL,
        last_activity              timestamptz NOT NULL,
        last_revision              bigint      NOT NULL,
        facts                      jsonb       NOT NULL,
        sealed_personal            jsonb       NOT NULL DEFAULT '{}'
      )`);
    await q.query(
      `CREATE INDEX case_list_org_activity ON case_list (organisation_id, last_activity DESC, case_id DESC)`,
    );
    await q.query(
      `CREATE INDEX case_list_org_reference ON case_list (organisation_id, reference, case_id)`,
    );
    await q.query(
      `CREATE INDEX case_list_org_deadline ON case_list (organisation_id, (COALESCE(next_deadline, 'infinity'::date)), case_id)`,
    );
    await q.query(
      `CREATE INDEX case_list_reflection ON case_list (reflection_ends_on) WHERE reflection_ends_on IS NOT NULL`,
    );

    await q.query(`
      CREATE TABLE case_referrals (
        referral_id                text        PRIMARY KEY,
        case_id                    text        NOT NULL,
        from_organisation_id       text        NOT NULL,
        to_organisation_id         text        NOT NULL,
        service                    text        NOT NULL,
        status                     text        NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'completed', 'revoked')),
        case_reference             text        NOT NULL,
        consent_live               boolean     NOT NULL,
        referred_at                timestamptz NOT NULL,
        recorded_at                timestamptz NOT NULL,
        answered_at                timestamptz,
        closed_at                  timestamptz,
        last_revision              bigint      NOT NULL
      )`);
    await q.query(`CREATE INDEX case_referrals_case ON case_referrals (case_id)`);
    await q.query(
      `CREATE INDEX case_referrals_from ON case_referrals (from_organisation_id, recorded_at DESC)`,
    );
    await q.query(
      `CREATE INDEX case_referrals_to ON case_referrals (to_organisation_id, recorded_at DESC)`,
    );
    await q.query(
      `CREATE INDEX case_referrals_pending ON case_referrals (recorded_at) WHERE status = 'pending'`,
    );

    await q.query(`
      CREATE TABLE case_timeline (
        case_id                    text        NOT NULL,
        revision                   bigint      NOT NULL,
        event_type                 text        NOT NULL,
        occurred_at                timestamptz NOT NULL,
        recorded_at                timestamptz NOT NULL,
        actor_id                   text        NOT NULL,
        organisation_id            text        NOT NULL,
        facts                      jsonb       NOT NULL,
        has_personal               boolean     NOT NULL,
        sealed_personal            text,
        PRIMARY KEY (case_id, revision)
      )`);

    await q.query(`
      CREATE TABLE due_reminders (
        reminder_id                text        PRIMARY KEY,
        case_id                    text        NOT NULL,
        organisation_id            text        NOT NULL,
        kind                       text        NOT NULL,
        subject_id                 text,
        due_on                     date        NOT NULL,
        became_due_at              timestamptz NOT NULL DEFAULT now(),
        done_at                    timestamptz,
        done_by                    text
      )`);
    await q.query(
      `CREATE INDEX due_reminders_org_open ON due_reminders (organisation_id, due_on) WHERE done_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE due_reminders');
    await q.query('DROP TABLE case_timeline');
    await q.query('DROP TABLE case_referrals');
    await q.query('DROP TABLE case_list');
  }
}
