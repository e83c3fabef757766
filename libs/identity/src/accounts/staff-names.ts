import { decodeJwt } from 'jose';
import type { Pool } from 'pg';
import type { Actor, StaffNameRecorder } from '@remedy/auth';

const UPSERT = `INSERT INTO staff_display_names AS s (user_id, organisation_id, display_name, recorded_at)
  VALUES ($1, $2, $3, now())
  ON CONFLICT (user_id) DO UPDATE SET organisation_id = EXCLUDED.organisation_id,
    display_name = EXCLUDED.display_name, recorded_at = now()
  WHERE s.display_name IS DISTINCT FROM EXCLUDED.display_name OR s.organisation_id <> EXCLUDED.organisation_id`;

/** Users remembered at once (beyond it the memory starts afresh: a few more writes, no more). */
const MAX_USERS = 10_000;

/**
 * The `name` claim of the external provider's tokens (OIDC_ISSUER), recorded in
 * `staff_display_names` (staff only: the dashboards name caseworkers by it). Off the hot path: a
 * user's token is decoded (already verified by AuthGuard) only when the last token whose name was
 * recorded has expired, and the write runs in the background; so at most one write per user per
 * token lifetime. The name is never logged; a failed write is retried with the next token.
 */
export class ExternalStaffNames implements StaffNameRecorder {
  /** userId → expiry (seconds) of the token whose name was last recorded. */
  private readonly recordedUntil = new Map<string, number>();
  private pending: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly pool: Pick<Pool, 'query'>,
    private readonly issuer: string,
    private readonly nowSeconds: () => number = () => Date.now() / 1000,
  ) {}

  seen(actor: Actor, token: string): void {
    if (this.nowSeconds() < (this.recordedUntil.get(actor.userId) ?? 0)) return;
    let claims: ReturnType<typeof decodeJwt>;
    try {
      claims = decodeJwt(token);
    } catch {
      return;
    }
    if (claims.iss !== this.issuer || typeof claims.exp !== 'number') return;
    if (this.recordedUntil.size >= MAX_USERS) this.recordedUntil.clear();
    this.recordedUntil.set(actor.userId, claims.exp);
    const name = typeof claims.name === 'string' ? claims.name.trim().slice(0, 120) : '';
    if (name === '') return;
    this.pending = this.pool
      .query(UPSERT, [actor.userId, actor.organisationId, name])
      .catch(() => this.recordedUntil.delete(actor.userId));
  }

  /** The last write, settled (tests). */
  settled(): Promise<unknown> {
    return this.pending;
  }
}
