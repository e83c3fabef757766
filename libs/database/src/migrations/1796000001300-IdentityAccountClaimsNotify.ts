import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each API process caches the claims `GET /session` answers (display name, language, roles,
 * organisation, active or not; @remedy/identity's AccountClaimsCache). This trigger notifies
 * `identity_account_claims` with the user id when any of them may have changed (an account
 * inserted or deleted, or one of those columns updated), at commit, so every process drops its
 * entry (issue 18 item 2).
 */
export class IdentityAccountClaimsNotify1796000001300 implements MigrationInterface {
  name = 'IdentityAccountClaimsNotify1796000001300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION identity_account_claims_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM pg_notify('identity_account_claims', NEW.user_id::text);
        ELSIF TG_OP = 'DELETE' THEN
          PERFORM pg_notify('identity_account_claims', OLD.user_id::text);
        ELSIF NEW.display_name IS DISTINCT FROM OLD.display_name
           OR NEW.language IS DISTINCT FROM OLD.language
           OR NEW.roles IS DISTINCT FROM OLD.roles
           OR NEW.organisation_id IS DISTINCT FROM OLD.organisation_id
           OR NEW.deactivated_at IS DISTINCT FROM OLD.deactivated_at
           OR NEW.user_id IS DISTINCT FROM OLD.user_id THEN
          PERFORM pg_notify('identity_account_claims', OLD.user_id::text);
          IF NEW.user_id IS DISTINCT FROM OLD.user_id THEN
            PERFORM pg_notify('identity_account_claims', NEW.user_id::text);
          END IF;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER identity_accounts_claims AFTER INSERT OR UPDATE OR DELETE
      ON identity_accounts FOR EACH ROW EXECUTE FUNCTION identity_account_claims_notify()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER identity_accounts_claims ON identity_accounts`);
    await q.query(`DROP FUNCTION identity_account_claims_notify`);
  }
}
