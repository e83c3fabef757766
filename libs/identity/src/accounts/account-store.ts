import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify, type Algorithm } from '@node-rs/argon2';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { generateSecret, generateURI, verify as verifyTotp } from 'otplib';
import type { Pool, PoolClient } from 'pg';
import type { AuditTrail } from '@remedy/audit';
import { isRole, type Role } from '@remedy/auth';
import type {
  AccountClaims,
  FactorResult,
  IdentityAccounts,
  Language,
  LinkDetails,
  LoginContext,
  PasswordLoginResult,
  PasswordProblem,
  SecondFactor,
  SessionRevoker,
  WebAuthnJson,
} from './ports';
import {
  afterFailure,
  afterLogin,
  lockedForSeconds,
  normalisePassword,
  passwordProblem,
  type LockoutPolicy,
} from './rules';
import type { SecretBox } from './secret-box';

/** argon2id (OWASP's minimum: 19 MiB, 2 passes, 1 lane), @node-rs/argon2's defaults stated. */
const ARGON2 = { algorithm: 2 as Algorithm, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
const SETUP_LINK_HOURS = 24;
const RESET_LINK_HOURS = 1;
const CHALLENGE_MINUTES = 5;
const TOTP_PERIOD = 30;
/** Audit rows about no known account (an unknown login name): the nil uuid. */
export const NO_ACCOUNT = '00000000-0000-0000-0000-000000000000';

export interface AccountStoreOptions {
  readonly pool: Pool;
  readonly audit: Pick<AuditTrail, 'record'>;
  readonly secrets: SecretBox;
  /** PUBLIC_URL: the WebAuthn relying party (its host name) and origin, and the links' base. */
  readonly publicUrl: string;
  readonly lockout: LockoutPolicy;
  readonly revoker?: SessionRevoker | undefined;
  readonly now?: () => Date;
}

/** Who asked for an administrative change: the request (its audit row names the actor). */
export interface ChangeContext {
  /** The request id of the HTTP row the audit trail wrote for it, or `cli-…`. */
  readonly requestId: string;
  /** The acting user (an administrator), to refuse what it may not do to itself. */
  readonly actorUserId?: string;
}

export interface NewAccount {
  readonly organisationId: string;
  readonly loginName: string;
  readonly displayName: string;
  readonly roles: readonly Role[];
  readonly language: Language;
}

export interface OneTimeLink {
  /** `<publicUrl>/oidc/setup#<secret>`: the secret in the fragment (never sent to a server). */
  readonly url: string;
  readonly expiresAt: string;
}

export interface AccountView {
  readonly userId: string;
  readonly organisationId: string;
  readonly loginName: string;
  readonly displayName: string;
  readonly roles: readonly Role[];
  readonly language: Language;
  readonly active: boolean;
  readonly deactivatedAt: string | null;
  readonly passwordSet: boolean;
  readonly secondFactors: readonly SecondFactor[];
  readonly lockedUntil: string | null;
  readonly createdAt: string;
  /** The ETag of the account (If-Match of a change). */
  readonly version: number;
}

export interface LoginPolicyView {
  readonly organisationId: string;
  readonly requireSecondFactor: boolean;
  /** 0: never set (the default: no second factor required). */
  readonly version: number;
}

/** A change refused: the HTTP layer maps each kind to its status. */
export class AccountError extends Error {
  override readonly name = 'AccountError';
  constructor(
    readonly kind:
      | 'not_found'
      | 'login_name_taken'
      | 'version_mismatch'
      | 'already_deactivated'
      | 'not_deactivated'
      | 'deactivated',
  ) {
    super(kind);
  }
}

interface AccountRow {
  user_id: string;
  organisation_id: string;
  login_name: string;
  display_name: string;
  roles: string[];
  language: Language;
  password_hash: string | null;
  totp_secret: string | null;
  totp_pending: string | null;
  totp_last_step: string | null;
  failed_count: number;
  locked_until: Date | null;
  deactivated_at: Date | null;
  version: string;
  created_at: Date;
  passkeys: number;
}

const ACCOUNT_COLUMNS = `a.user_id::text, a.organisation_id::text, a.login_name, a.display_name, a.roles,
  a.language, a.password_hash, a.totp_secret, a.totp_pending, a.totp_last_step::text, a.failed_count,
  a.locked_until, a.deactivated_at, a.version::text, a.created_at,
  (SELECT count(*)::int FROM identity_passkeys p WHERE p.user_id = a.user_id) AS passkeys`;

const sha256 = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();
const rolesOf = (roles: readonly string[]): Role[] => roles.filter(isRole);
const factorsOf = (row: AccountRow): SecondFactor[] => [
  ...(row.totp_secret ? (['totp'] as const) : []),
  ...(row.passkeys > 0 ? (['passkey'] as const) : []),
];

type AuditRule =
  | 'LOGIN_SUCCEEDED'
  | 'LOGIN_FAILED'
  | 'LOGIN_LOCKED'
  | 'LOGOUT'
  | 'PASSWORD_SET'
  | 'PASSWORD_CHANGED'
  | 'PASSWORD_RESET'
  | 'PASSWORD_RESET_LINK_ISSUED'
  | 'FACTOR_ENROLLED'
  | 'FACTOR_RESET'
  | 'USER_CREATED'
  | 'USER_DEACTIVATED'
  | 'USER_REACTIVATED'
  | 'ROLES_CHANGED'
  | 'LOGIN_POLICY_CHANGED';

/** The audit row's route: what part of the login the event belongs to. */
const AUDIT_ROUTE: Record<AuditRule, string> = {
  LOGIN_SUCCEEDED: '/identity/login',
  LOGIN_FAILED: '/identity/login',
  LOGIN_LOCKED: '/identity/login',
  LOGOUT: '/identity/logout',
  PASSWORD_SET: '/identity/password',
  PASSWORD_CHANGED: '/identity/password',
  PASSWORD_RESET: '/identity/password',
  PASSWORD_RESET_LINK_ISSUED: '/identity/password',
  FACTOR_ENROLLED: '/identity/second-factor',
  FACTOR_RESET: '/identity/second-factor',
  USER_CREATED: '/identity/account',
  USER_DEACTIVATED: '/identity/account',
  USER_REACTIVATED: '/identity/account',
  ROLES_CHANGED: '/identity/account',
  LOGIN_POLICY_CHANGED: '/identity/login-policy',
};
const AUDIT_STATUS: Partial<Record<AuditRule, number>> = {
  LOGIN_FAILED: 401,
  LOGIN_LOCKED: 423,
};

/**
 * The accounts of the embedded OpenID provider in PostgreSQL (migration
 * 1796000000000-CreateIdentityAccounts): passwords (argon2id, @node-rs/argon2), TOTP (otplib,
 * ±1 step, a code never accepted twice), passkeys (@simplewebauthn/server), lockout after
 * consecutive failures, one-time links (SHA-256 of the secret stored, single use), the
 * organisations' login policies, and the administration of users. Every login, failure, lock,
 * logout and change is a row of the audit trail: method `AUTH`, route `/identity/…`, rule naming
 * the event, the account's opaque ids (the nil uuid for an unknown login name); an
 * administrator's change shares its request id with the HTTP row naming the administrator.
 */
export class AccountStore implements IdentityAccounts {
  private readonly now: () => Date;
  private readonly rpID: string;
  private readonly origin: string;
  private dummyHash: Promise<string> | undefined;
  /** Changes of deactivation made by this process (the NOTIFY reaches the others). */
  private readonly deactivationListeners: ((userId: string, deactivated: boolean) => void)[] = [];
  /** Changes of an account's claims made by this process, once committed (the NOTIFY reaches the others). */
  private readonly claimsListeners: ((userId: string) => void)[] = [];

  constructor(private readonly options: AccountStoreOptions) {
    this.now = options.now ?? (() => new Date());
    const url = new URL(options.publicUrl);
    this.rpID = url.hostname;
    this.origin = url.origin;
  }

  onDeactivationChange(listener: (userId: string, deactivated: boolean) => void): void {
    this.deactivationListeners.push(listener);
  }

  /** Called after this process commits a change that may change an account's claims. */
  onClaimsChange(listener: (userId: string) => void): void {
    this.claimsListeners.push(listener);
  }

  private claimsChanged(userId: string): void {
    for (const listener of this.claimsListeners) listener(userId);
  }

  // ---- reads -------------------------------------------------------------------------------

  private async row(userId: string, db: Pick<Pool, 'query'> = this.options.pool) {
    const { rows } = await db.query<AccountRow>(
      `SELECT ${ACCOUNT_COLUMNS} FROM identity_accounts a WHERE a.user_id = $1`,
      [userId],
    );
    return rows[0];
  }

  private async rowForUpdate(client: PoolClient, userId: string): Promise<AccountRow | undefined> {
    const { rows } = await client.query<AccountRow>(
      `SELECT ${ACCOUNT_COLUMNS} FROM identity_accounts a WHERE a.user_id = $1 FOR UPDATE OF a`,
      [userId],
    );
    return rows[0];
  }

  private view(row: AccountRow): AccountView {
    return {
      userId: row.user_id,
      organisationId: row.organisation_id,
      loginName: row.login_name,
      displayName: row.display_name,
      roles: rolesOf(row.roles),
      language: row.language,
      active: row.deactivated_at === null,
      deactivatedAt: row.deactivated_at?.toISOString() ?? null,
      passwordSet: row.password_hash !== null,
      secondFactors: factorsOf(row),
      lockedUntil:
        row.locked_until && row.locked_until > this.now() ? row.locked_until.toISOString() : null,
      createdAt: row.created_at.toISOString(),
      version: Number(row.version),
    };
  }

  async claimsOf(userId: string): Promise<AccountClaims | undefined> {
    if (!isUuid(userId)) return undefined;
    const row = await this.row(userId.toLowerCase());
    if (!row || row.deactivated_at) return undefined;
    return {
      userId: row.user_id,
      organisationId: row.organisation_id,
      roles: rolesOf(row.roles),
      displayName: row.display_name,
      language: row.language,
    };
  }

  /** An account (active or not), for administrators; undefined when there is none. */
  async get(userId: string): Promise<AccountView | undefined> {
    const row = await this.row(userId.toLowerCase());
    return row ? this.view(row) : undefined;
  }

  /** The organisation of an account (the access policy's ACCOUNT_LOOKUP). */
  async organisationOf(userId: string): Promise<string | undefined> {
    const { rows } = await this.options.pool.query<{ organisation_id: string }>(
      `SELECT organisation_id::text FROM identity_accounts WHERE user_id = $1`,
      [userId.toLowerCase()],
    );
    return rows[0]?.organisation_id;
  }

  /** An organisation's users by user id (keyset: pass the last user id as `after`). */
  async list(
    organisationId: string,
    options: { readonly after?: string; readonly limit?: number } = {},
  ): Promise<{ readonly items: AccountView[]; readonly nextAfter: string | null }> {
    const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
    const { rows } = await this.options.pool.query<AccountRow>(
      `SELECT ${ACCOUNT_COLUMNS} FROM identity_accounts a
        WHERE a.organisation_id = $1 AND a.user_id > $2
        ORDER BY a.user_id LIMIT ${limit + 1}`,
      [organisationId.toLowerCase(), options.after?.toLowerCase() ?? NO_ACCOUNT],
    );
    const page = rows.slice(0, limit);
    return {
      items: page.map((r) => this.view(r)),
      nextAfter: rows.length > limit ? page[page.length - 1]!.user_id : null,
    };
  }

  /**
   * The organisation's active caseworkers and supervisors (whom a case can be assigned to): id and
   * display name only, by name.
   */
  async caseworkers(
    organisationId: string,
  ): Promise<{ readonly userId: string; readonly displayName: string }[]> {
    const { rows } = await this.options.pool.query<{ user_id: string; display_name: string }>(
      `SELECT user_id::text, display_name FROM identity_accounts
        WHERE organisation_id = $1 AND deactivated_at IS NULL
          AND roles && ARRAY['caseworker', 'supervisor']::text[]
        ORDER BY display_name, user_id LIMIT 1000`,
      [organisationId.toLowerCase()],
    );
    return rows.map((r) => ({ userId: r.user_id, displayName: r.display_name }));
  }

  /** The user ids of every deactivated account (loaded by each API process at start). */
  async deactivatedUserIds(): Promise<string[]> {
    const { rows } = await this.options.pool.query<{ user_id: string }>(
      `SELECT user_id::text FROM identity_accounts WHERE deactivated_at IS NOT NULL`,
    );
    return rows.map((r) => r.user_id);
  }

  /** Whether an active platform administrator account exists (the first start's hint). */
  async hasActivePlatformAdministrator(): Promise<boolean> {
    const { rows } = await this.options.pool.query(
      `SELECT 1 FROM identity_accounts WHERE 'admin' = ANY (roles) AND deactivated_at IS NULL LIMIT 1`,
    );
    return rows.length > 0;
  }

  // ---- administration ----------------------------------------------------------------------

  /** A new account (no password yet) and its one-time setup link (24 h). */
  async create(
    input: NewAccount,
    context: ChangeContext,
  ): Promise<{ readonly userId: string; readonly link: OneTimeLink }> {
    const userId = randomUUID();
    const roles = [...new Set(input.roles)];
    const organisationId = input.organisationId.toLowerCase();
    const link = await this.transaction(async (client) => {
      try {
        await client.query(
          `INSERT INTO identity_accounts (user_id, organisation_id, login_name, display_name, roles,
             language, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5::text[], $6, $7, $7)`,
          [
            userId,
            organisationId,
            input.loginName,
            input.displayName,
            roles,
            input.language,
            this.now(),
          ],
        );
      } catch (error) {
        if ((error as { code?: string }).code === '23505')
          throw new AccountError('login_name_taken');
        throw error;
      }
      return this.issueLink(client, userId, 'setup');
    });
    this.claimsChanged(userId);
    await this.auditRow(context.requestId, 'USER_CREATED', { userId, organisationId, roles });
    return { userId, link };
  }

  /** Replaces the account's roles (If-Match: its version). */
  async setRoles(
    userId: string,
    roles: readonly Role[],
    ifMatch: number | undefined,
    context: ChangeContext,
  ): Promise<AccountView> {
    const unique = [...new Set(roles)];
    return this.change(userId, ifMatch, context, 'ROLES_CHANGED', async (client) => {
      await client.query(`UPDATE identity_accounts SET roles = $2::text[] WHERE user_id = $1`, [
        userId,
        unique,
      ]);
    });
  }

  /** Deactivates an account: every token of its user is refused from now on, its sessions end. */
  async deactivate(
    userId: string,
    ifMatch: number | undefined,
    context: ChangeContext,
  ): Promise<AccountView> {
    const view = await this.change(
      userId,
      ifMatch,
      context,
      'USER_DEACTIVATED',
      async (client, row) => {
        if (row.deactivated_at) throw new AccountError('already_deactivated');
        await client.query(`UPDATE identity_accounts SET deactivated_at = $2 WHERE user_id = $1`, [
          userId,
          this.now(),
        ]);
        // Open links and pending WebAuthn ceremonies end with the account.
        await client.query(`DELETE FROM identity_links WHERE user_id = $1`, [userId]);
        await client.query(`DELETE FROM identity_webauthn_challenges WHERE user_id = $1`, [userId]);
      },
    );
    for (const listener of this.deactivationListeners) listener(view.userId, true);
    await this.options.revoker?.revokeSessionsOf(view.userId);
    return view;
  }

  async reactivate(
    userId: string,
    ifMatch: number | undefined,
    context: ChangeContext,
  ): Promise<AccountView> {
    const view = await this.change(
      userId,
      ifMatch,
      context,
      'USER_REACTIVATED',
      async (client, row) => {
        if (!row.deactivated_at) throw new AccountError('not_deactivated');
        await client.query(
          `UPDATE identity_accounts SET deactivated_at = NULL, failed_count = 0, locked_until = NULL
            WHERE user_id = $1`,
          [userId],
        );
      },
    );
    for (const listener of this.deactivationListeners) listener(view.userId, false);
    return view;
  }

  /** A one-time link (1 h) to set a new password; earlier links of the account stop working. */
  async passwordResetLink(userId: string, context: ChangeContext): Promise<OneTimeLink> {
    let link: OneTimeLink | undefined;
    await this.change(
      userId,
      undefined,
      context,
      'PASSWORD_RESET_LINK_ISSUED',
      async (client, row) => {
        if (row.deactivated_at) throw new AccountError('deactivated');
        link = await this.issueLink(client, userId, 'reset');
      },
    );
    return link!;
  }

  /** Removes every second factor (TOTP, passkeys); the person enrols again at the next login. */
  async resetSecondFactor(userId: string, context: ChangeContext): Promise<AccountView> {
    const view = await this.change(userId, undefined, context, 'FACTOR_RESET', async (client) => {
      await client.query(
        `UPDATE identity_accounts SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL
          WHERE user_id = $1`,
        [userId],
      );
      await client.query(`DELETE FROM identity_passkeys WHERE user_id = $1`, [userId]);
    });
    await this.options.revoker?.revokeSessionsOf(view.userId);
    return view;
  }

  /** The account's preferred language (the console and the login pages use it). */
  async setLanguage(userId: string, language: Language): Promise<boolean> {
    const { rowCount } = await this.options.pool.query(
      `UPDATE identity_accounts SET language = $2, version = version + 1, updated_at = $3
        WHERE user_id = $1 AND deactivated_at IS NULL`,
      [userId.toLowerCase(), language, this.now()],
    );
    this.claimsChanged(userId);
    return (rowCount ?? 0) > 0;
  }

  async loginPolicy(organisationId: string): Promise<LoginPolicyView> {
    const { rows } = await this.options.pool.query<{
      require_second_factor: boolean;
      version: string;
    }>(
      `SELECT require_second_factor, version::text FROM identity_login_policies WHERE organisation_id = $1`,
      [organisationId.toLowerCase()],
    );
    return {
      organisationId: organisationId.toLowerCase(),
      requireSecondFactor: rows[0]?.require_second_factor ?? false,
      version: Number(rows[0]?.version ?? 0),
    };
  }

  /** Sets the organisation's login policy (If-Match: its version, `0` for one never set). */
  async setLoginPolicy(
    organisationId: string,
    requireSecondFactor: boolean,
    ifMatch: number | undefined,
    context: ChangeContext & { readonly actorUserId: string; readonly actorRoles: readonly Role[] },
  ): Promise<LoginPolicyView> {
    const id = organisationId.toLowerCase();
    return this.transaction(async (client) => {
      await client.query(
        `INSERT INTO identity_login_policies (organisation_id, version) VALUES ($1, 0)
         ON CONFLICT (organisation_id) DO NOTHING`,
        [id],
      );
      const { rows } = await client.query<{ version: string }>(
        `SELECT version::text FROM identity_login_policies WHERE organisation_id = $1 FOR UPDATE`,
        [id],
      );
      if (ifMatch !== undefined && Number(rows[0]!.version) !== ifMatch)
        throw new AccountError('version_mismatch');
      const updated = await client.query<{ version: string }>(
        `UPDATE identity_login_policies
            SET require_second_factor = $2, version = version + 1, updated_at = $3
          WHERE organisation_id = $1 RETURNING version::text`,
        [id, requireSecondFactor, this.now()],
      );
      return { organisationId: id, requireSecondFactor, version: Number(updated.rows[0]!.version) };
    }).then(async (view) => {
      await this.auditRow(context.requestId, 'LOGIN_POLICY_CHANGED', {
        userId: context.actorUserId,
        organisationId: id,
        roles: context.actorRoles,
      });
      return view;
    });
  }

  // ---- logins ------------------------------------------------------------------------------

  async passwordLogin(
    loginName: string,
    password: string,
    _context: LoginContext,
  ): Promise<PasswordLoginResult> {
    const { rows } = await this.options.pool.query<AccountRow>(
      `SELECT ${ACCOUNT_COLUMNS} FROM identity_accounts a WHERE lower(a.login_name) = lower($1)`,
      [typeof loginName === 'string' ? loginName.slice(0, 200) : ''],
    );
    const row = rows[0];
    if (!row || !row.password_hash || row.deactivated_at) {
      // The same work as for a known account, so the answer's time says nothing.
      await this.verifyPassword(await this.dummy(), password);
      await this.auditRow(randomRequestId(), 'LOGIN_FAILED', account(row));
      return { kind: 'refused' };
    }
    const lockedFor = lockedForSeconds(lockoutOf(row), this.now());
    if (lockedFor > 0) {
      await this.verifyPassword(await this.dummy(), password);
      await this.auditRow(randomRequestId(), 'LOGIN_LOCKED', account(row));
      return { kind: 'locked', retryAfterSeconds: lockedFor };
    }
    if (!(await this.verifyPassword(row.password_hash, password))) {
      const failed = await this.recordFailure(row.user_id);
      return failed;
    }
    const factors = factorsOf(row);
    if (factors.length > 0) return { kind: 'second_factor', userId: row.user_id, factors };
    if ((await this.loginPolicy(row.organisation_id)).requireSecondFactor)
      return { kind: 'enrol_second_factor', userId: row.user_id };
    await this.recordLogin(row.user_id);
    return { kind: 'signed_in', userId: row.user_id };
  }

  async totpLogin(userId: string, code: string, _context: LoginContext): Promise<FactorResult> {
    const row = isUuid(userId) ? await this.row(userId.toLowerCase()) : undefined;
    if (!row || row.deactivated_at || !row.totp_secret) return { kind: 'refused' };
    const lockedFor = lockedForSeconds(lockoutOf(row), this.now());
    if (lockedFor > 0) {
      await this.auditRow(randomRequestId(), 'LOGIN_LOCKED', account(row));
      return { kind: 'locked', retryAfterSeconds: lockedFor };
    }
    const step = await this.checkTotp(
      row.user_id,
      row.totp_secret,
      code,
      row.totp_last_step === null ? undefined : Number(row.totp_last_step),
    );
    if (step === undefined) return this.recordFailure(row.user_id);
    // The step is kept, so the same code (or an earlier one) is never accepted again.
    const used = await this.options.pool.query(
      `UPDATE identity_accounts SET totp_last_step = $2
        WHERE user_id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)`,
      [row.user_id, step],
    );
    if ((used.rowCount ?? 0) === 0) return this.recordFailure(row.user_id);
    await this.recordLogin(row.user_id);
    return { kind: 'signed_in', userId: row.user_id };
  }

  async passkeyLoginOptions(): Promise<{ challengeId: string; options: WebAuthnJson }> {
    const options = await generateAuthenticationOptions({
      rpID: this.rpID,
      userVerification: 'required',
      timeout: CHALLENGE_MINUTES * 60_000,
    });
    const challengeId = await this.storeChallenge(options.challenge, 'login', null);
    return { challengeId, options: options as unknown as WebAuthnJson };
  }

  async passkeyLogin(
    challengeId: string,
    response: WebAuthnJson,
    _context: LoginContext,
  ): Promise<FactorResult> {
    return this.passkeyAssertion(undefined, challengeId, response);
  }

  async passkeySecondFactor(
    userId: string,
    challengeId: string,
    response: WebAuthnJson,
    _context: LoginContext,
  ): Promise<FactorResult> {
    if (!isUuid(userId)) return { kind: 'refused' };
    return this.passkeyAssertion(userId.toLowerCase(), challengeId, response);
  }

  /**
   * A passkey assertion: alone (a login: user verification required) or after a password for
   * `userId` (presence suffices: the password was the other factor).
   */
  private async passkeyAssertion(
    userId: string | undefined,
    challengeId: string,
    response: WebAuthnJson,
  ): Promise<FactorResult> {
    const challenge = await this.takeChallenge(challengeId, 'login', null);
    const credentialId = typeof response?.id === 'string' ? response.id : undefined;
    if (!challenge || !credentialId || !/^[A-Za-z0-9_-]{1,1400}$/.test(credentialId))
      return { kind: 'refused' };
    const { rows } = await this.options.pool.query<{
      user_id: string;
      public_key: Buffer;
      counter: string;
      transports: string[];
    }>(
      `SELECT user_id::text, public_key, counter::text, transports FROM identity_passkeys
        WHERE credential_id = $1`,
      [credentialId],
    );
    const credential = rows[0];
    if (!credential || (userId !== undefined && credential.user_id !== userId))
      return { kind: 'refused' };
    const row = await this.row(credential.user_id);
    if (!row || row.deactivated_at) return { kind: 'refused' };
    const lockedFor = lockedForSeconds(lockoutOf(row), this.now());
    if (lockedFor > 0) {
      await this.auditRow(randomRequestId(), 'LOGIN_LOCKED', account(row));
      return { kind: 'locked', retryAfterSeconds: lockedFor };
    }
    let verified: boolean;
    let newCounter = Number(credential.counter);
    try {
      const result = await verifyAuthenticationResponse({
        response: response as unknown as AuthenticationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: this.origin,
        expectedRPID: this.rpID,
        credential: {
          id: credentialId,
          publicKey: new Uint8Array(credential.public_key),
          counter: Number(credential.counter),
          transports: credential.transports,
        },
        requireUserVerification: userId === undefined,
      });
      verified = result.verified;
      newCounter = result.authenticationInfo.newCounter;
    } catch {
      verified = false;
    }
    if (!verified) return this.recordFailure(row.user_id);
    await this.options.pool.query(
      `UPDATE identity_passkeys SET counter = $2, last_used_at = $3 WHERE credential_id = $1`,
      [credentialId, newCounter, this.now()],
    );
    await this.recordLogin(row.user_id);
    return { kind: 'signed_in', userId: row.user_id };
  }

  // ---- links and passwords -----------------------------------------------------------------

  async inspectLink(secret: string): Promise<LinkDetails | undefined> {
    if (typeof secret !== 'string' || secret.length === 0 || secret.length > 200) return undefined;
    const { rows } = await this.options.pool.query<{
      user_id: string;
      purpose: 'setup' | 'reset';
      language: Language;
      organisation_id: string;
    }>(
      `SELECT l.user_id::text, l.purpose, a.language, a.organisation_id::text
         FROM identity_links l JOIN identity_accounts a USING (user_id)
        WHERE l.secret_sha256 = $1 AND l.used_at IS NULL AND l.expires_at > $2
          AND a.deactivated_at IS NULL`,
      [sha256(secret), this.now()],
    );
    const link = rows[0];
    if (!link) return undefined;
    return {
      userId: link.user_id,
      purpose: link.purpose,
      language: link.language,
      secondFactorRequired: (await this.loginPolicy(link.organisation_id)).requireSecondFactor,
    };
  }

  async completeLink(
    secret: string,
    newPassword: string,
  ): Promise<
    | { readonly ok: true; readonly userId: string }
    | { readonly ok: false; readonly problem: PasswordProblem | 'link_expired_or_used' }
  > {
    const details = await this.inspectLink(secret);
    if (!details) return { ok: false, problem: 'link_expired_or_used' };
    const row = await this.row(details.userId);
    if (!row) return { ok: false, problem: 'link_expired_or_used' };
    const problem = passwordProblem(row.login_name, newPassword);
    if (problem) return { ok: false, problem };
    const hashed = await this.hashPassword(newPassword);
    const purpose = await this.transaction(async (client) => {
      // Used up in the same statement that checks it: two concurrent uses, one wins.
      const used = await client.query(
        `UPDATE identity_links SET used_at = $2
          WHERE secret_sha256 = $1 AND used_at IS NULL AND expires_at > $2 RETURNING purpose`,
        [sha256(secret), this.now()],
      );
      if ((used.rowCount ?? 0) === 0) return undefined;
      await client.query(
        `UPDATE identity_accounts
            SET password_hash = $2, failed_count = 0, locked_until = NULL, version = version + 1,
                updated_at = $3
          WHERE user_id = $1 AND deactivated_at IS NULL`,
        [row.user_id, hashed, this.now()],
      );
      return (used.rows[0] as { purpose: string }).purpose;
    });
    if (purpose === undefined) return { ok: false, problem: 'link_expired_or_used' };
    await this.auditRow(
      randomRequestId(),
      purpose === 'setup' ? 'PASSWORD_SET' : 'PASSWORD_RESET',
      account(row),
    );
    return { ok: true, userId: row.user_id };
  }

  async changePassword(
    loginName: string,
    currentPassword: string,
    newPassword: string,
    _context: LoginContext,
  ): Promise<
    | { readonly ok: true }
    | {
        readonly ok: false;
        readonly problem: PasswordProblem | 'refused' | 'locked';
        readonly retryAfterSeconds?: number;
      }
  > {
    const { rows } = await this.options.pool.query<AccountRow>(
      `SELECT ${ACCOUNT_COLUMNS} FROM identity_accounts a WHERE lower(a.login_name) = lower($1)`,
      [typeof loginName === 'string' ? loginName.slice(0, 200) : ''],
    );
    const row = rows[0];
    if (!row || !row.password_hash || row.deactivated_at) {
      // The same work as for a known account, so the answer's time says nothing.
      await this.verifyPassword(await this.dummy(), currentPassword);
      await this.auditRow(randomRequestId(), 'LOGIN_FAILED', account(row));
      return { ok: false, problem: 'refused' };
    }
    const lockedFor = lockedForSeconds(lockoutOf(row), this.now());
    if (lockedFor > 0) {
      await this.verifyPassword(await this.dummy(), currentPassword);
      await this.auditRow(randomRequestId(), 'LOGIN_LOCKED', account(row));
      return { ok: false, problem: 'locked', retryAfterSeconds: lockedFor };
    }
    if (!(await this.verifyPassword(row.password_hash, currentPassword))) {
      const failed = await this.recordFailure(row.user_id);
      return failed.kind === 'locked'
        ? { ok: false, problem: 'locked', retryAfterSeconds: failed.retryAfterSeconds }
        : { ok: false, problem: 'refused' };
    }
    const problem = passwordProblem(row.login_name, newPassword);
    if (problem) return { ok: false, problem };
    await this.options.pool.query(
      `UPDATE identity_accounts SET password_hash = $2, version = version + 1, updated_at = $3
        WHERE user_id = $1`,
      [row.user_id, await this.hashPassword(newPassword), this.now()],
    );
    await this.auditRow(randomRequestId(), 'PASSWORD_CHANGED', account(row));
    return { ok: true };
  }

  // ---- second factors: enrolment -----------------------------------------------------------

  async beginTotpEnrolment(userId: string): Promise<{ secret: string; otpauthUri: string }> {
    const row = isUuid(userId) ? await this.row(userId.toLowerCase()) : undefined;
    if (!row || row.deactivated_at) throw new AccountError('not_found');
    const secret = generateSecret();
    await this.options.pool.query(
      `UPDATE identity_accounts SET totp_pending = $2 WHERE user_id = $1`,
      [row.user_id, await this.options.secrets.seal(row.user_id, secret)],
    );
    const otpauthUri = generateURI({ issuer: 'Remedy', label: row.login_name, secret });
    return { secret, otpauthUri };
  }

  async confirmTotpEnrolment(userId: string, code: string): Promise<boolean> {
    const row = isUuid(userId) ? await this.row(userId.toLowerCase()) : undefined;
    if (!row || row.deactivated_at || !row.totp_pending) return false;
    const step = await this.checkTotp(row.user_id, row.totp_pending, code, undefined);
    if (step === undefined) return false;
    const done = await this.options.pool.query(
      `UPDATE identity_accounts
          SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = $3,
              version = version + 1, updated_at = $4
        WHERE user_id = $1 AND totp_pending = $2`,
      [row.user_id, row.totp_pending, step, this.now()],
    );
    if ((done.rowCount ?? 0) === 0) return false;
    await this.auditRow(randomRequestId(), 'FACTOR_ENROLLED', account(row));
    return true;
  }

  async passkeyRegistrationOptions(
    userId: string,
  ): Promise<{ challengeId: string; options: WebAuthnJson }> {
    const row = isUuid(userId) ? await this.row(userId.toLowerCase()) : undefined;
    if (!row || row.deactivated_at) throw new AccountError('not_found');
    const { rows: existing } = await this.options.pool.query<{
      credential_id: string;
      transports: string[];
    }>(`SELECT credential_id, transports FROM identity_passkeys WHERE user_id = $1`, [row.user_id]);
    const options = await generateRegistrationOptions({
      rpName: 'Remedy',
      rpID: this.rpID,
      userName: row.login_name,
      userDisplayName: row.display_name,
      userID: new Uint8Array(Buffer.from(row.user_id.replace(/-/g, ''), 'hex')),
      attestationType: 'none',
      timeout: CHALLENGE_MINUTES * 60_000,
      excludeCredentials: existing.map((c) => ({ id: c.credential_id, transports: c.transports })),
      // Discoverable, with user verification: a passkey is a login on its own.
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
    const challengeId = await this.storeChallenge(options.challenge, 'registration', row.user_id);
    return { challengeId, options: options as unknown as WebAuthnJson };
  }

  async verifyPasskeyRegistration(
    userId: string,
    challengeId: string,
    response: WebAuthnJson,
  ): Promise<boolean> {
    if (!isUuid(userId)) return false;
    const id = userId.toLowerCase();
    const challenge = await this.takeChallenge(challengeId, 'registration', id);
    const row = await this.row(id);
    if (!challenge || !row || row.deactivated_at) return false;
    let info;
    try {
      const result = await verifyRegistrationResponse({
        response: response as unknown as RegistrationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: this.origin,
        expectedRPID: this.rpID,
        requireUserVerification: true,
      });
      if (!result.verified) return false;
      info = result.registrationInfo;
    } catch {
      return false;
    }
    const inserted = await this.options.pool.query(
      `INSERT INTO identity_passkeys (credential_id, user_id, public_key, counter, transports, created_at)
       VALUES ($1, $2, $3, $4, $5::text[], $6) ON CONFLICT (credential_id) DO NOTHING`,
      [
        info.credential.id,
        id,
        Buffer.from(info.credential.publicKey),
        info.credential.counter,
        info.credential.transports ?? [],
        this.now(),
      ],
    );
    if ((inserted.rowCount ?? 0) === 0) return false;
    await this.options.pool.query(
      `UPDATE identity_accounts SET version = version + 1, updated_at = $2 WHERE user_id = $1`,
      [id, this.now()],
    );
    await this.auditRow(randomRequestId(), 'FACTOR_ENROLLED', account(row));
    return true;
  }

  async recordLogout(userId: string): Promise<void> {
    const row = isUuid(userId) ? await this.row(userId.toLowerCase()) : undefined;
    await this.auditRow(randomRequestId(), 'LOGOUT', account(row));
  }

  // ---- helpers -----------------------------------------------------------------------------

  private hashPassword(password: string): Promise<string> {
    return argon2Hash(normalisePassword(password), ARGON2);
  }

  private async verifyPassword(hashed: string, password: string): Promise<boolean> {
    if (typeof password !== 'string' || password.length > 4 * 128) return false;
    try {
      return await argon2Verify(hashed, normalisePassword(password));
    } catch {
      return false;
    }
  }

  /** A hash of a random password, verified against for unknown login names (same cost). */
  private dummy(): Promise<string> {
    this.dummyHash ??= argon2Hash(randomBytes(18).toString('base64'), ARGON2);
    return this.dummyHash;
  }

  /** The TOTP step a code matches (±1 step), after `afterStep`; undefined when it does not. */
  private async checkTotp(
    userId: string,
    sealed: string,
    code: string,
    afterStep: number | undefined,
  ): Promise<number | undefined> {
    if (typeof code !== 'string' || !/^\d{6}$/.test(code.trim())) return undefined;
    const secret = await this.options.secrets.open(userId, sealed);
    const result = await verifyTotp({
      secret,
      token: code.trim(),
      period: TOTP_PERIOD,
      epoch: Math.floor(this.now().getTime() / 1000),
      epochTolerance: TOTP_PERIOD,
      ...(afterStep !== undefined ? { afterTimeStep: afterStep } : {}),
    });
    return result.valid ? (result as { timeStep: number }).timeStep : undefined;
  }

  /** One more consecutive failure (audited); locks the account at the policy's maximum. */
  private async recordFailure(userId: string): Promise<
    | { kind: 'refused' }
    | {
        kind: 'locked';
        retryAfterSeconds: number;
      }
  > {
    const outcome = await this.transaction(async (client) => {
      const row = await this.rowForUpdate(client, userId);
      if (!row) return undefined;
      const next = afterFailure(lockoutOf(row), this.options.lockout, this.now());
      await client.query(
        `UPDATE identity_accounts SET failed_count = $2, locked_until = $3 WHERE user_id = $1`,
        [userId, next.failedCount, next.lockedUntil],
      );
      return { row, next };
    });
    if (!outcome) return { kind: 'refused' };
    await this.auditRow(randomRequestId(), 'LOGIN_FAILED', account(outcome.row));
    if (!outcome.next.locked) return { kind: 'refused' };
    await this.auditRow(randomRequestId(), 'LOGIN_LOCKED', account(outcome.row));
    return {
      kind: 'locked',
      retryAfterSeconds: lockedForSeconds(outcome.next, this.now()),
    };
  }

  /** LOGIN_SUCCEEDED, failures cleared (also the pages', after an enrolment: see the port). */
  async recordLogin(userId: string): Promise<void> {
    if (!isUuid(userId)) return;
    const reset = afterLogin();
    const { rows } = await this.options.pool.query<AccountRow>(
      `UPDATE identity_accounts SET failed_count = $2, locked_until = $3 WHERE user_id = $1
        RETURNING user_id::text, organisation_id::text, roles`,
      [userId, reset.failedCount, reset.lockedUntil],
    );
    await this.auditRow(randomRequestId(), 'LOGIN_SUCCEEDED', account(rows[0]));
  }

  /** A change of one account under If-Match, audited, in one transaction; answers the new view. */
  private async change(
    userId: string,
    ifMatch: number | undefined,
    context: ChangeContext,
    rule: AuditRule,
    apply: (client: PoolClient, row: AccountRow) => Promise<void>,
  ): Promise<AccountView> {
    const id = userId.toLowerCase();
    const who = await this.transaction(async (client) => {
      const row = await this.rowForUpdate(client, id);
      if (!row) throw new AccountError('not_found');
      if (ifMatch !== undefined && Number(row.version) !== ifMatch)
        throw new AccountError('version_mismatch');
      await apply(client, row);
      const { rows } = await client.query<{ roles: string[] }>(
        `UPDATE identity_accounts SET version = version + 1, updated_at = $2 WHERE user_id = $1
         RETURNING roles`,
        [id, this.now()],
      );
      return { ...account(row), roles: rows[0]!.roles };
    });
    this.claimsChanged(id);
    // Audited once committed (a separate connection: never one pool slot waiting on another).
    await this.auditRow(context.requestId, rule, who);
    return (await this.get(id))!;
  }

  private async issueLink(
    client: PoolClient,
    userId: string,
    purpose: 'setup' | 'reset',
  ): Promise<OneTimeLink> {
    const secret = randomBytes(32).toString('base64url');
    const hours = purpose === 'setup' ? SETUP_LINK_HOURS : RESET_LINK_HOURS;
    const expiresAt = new Date(this.now().getTime() + hours * 3_600_000);
    // One link at a time: a new one replaces any earlier one of the account.
    await client.query(`DELETE FROM identity_links WHERE user_id = $1`, [userId]);
    await client.query(
      `INSERT INTO identity_links (secret_sha256, user_id, purpose, expires_at, created_at)
       VALUES ($1, $2, $3, $4, $5)`,
      [sha256(secret), userId, purpose, expiresAt, this.now()],
    );
    return {
      url: `${this.options.publicUrl.replace(/\/+$/, '')}/oidc/setup#${secret}`,
      expiresAt: expiresAt.toISOString(),
    };
  }

  private async storeChallenge(
    challenge: string,
    purpose: 'registration' | 'login',
    userId: string | null,
  ): Promise<string> {
    const challengeId = randomUUID();
    // Expired challenges of any account go as new ones come.
    await this.options.pool.query(
      `DELETE FROM identity_webauthn_challenges WHERE expires_at < $1`,
      [this.now()],
    );
    await this.options.pool.query(
      `INSERT INTO identity_webauthn_challenges (challenge_id, challenge, purpose, user_id, expires_at)
       VALUES ($1, $2, $3, $4, $5)`,
      [
        challengeId,
        challenge,
        purpose,
        userId,
        new Date(this.now().getTime() + CHALLENGE_MINUTES * 60_000),
      ],
    );
    return challengeId;
  }

  /** The challenge, used up (single use); undefined when unknown, expired or someone else's. */
  private async takeChallenge(
    challengeId: string,
    purpose: 'registration' | 'login',
    userId: string | null,
  ): Promise<string | undefined> {
    if (!isUuid(challengeId)) return undefined;
    const { rows } = await this.options.pool.query<{ challenge: string }>(
      `DELETE FROM identity_webauthn_challenges
        WHERE challenge_id = $1 AND purpose = $2 AND user_id IS NOT DISTINCT FROM $3
          AND expires_at > $4
        RETURNING challenge`,
      [challengeId.toLowerCase(), purpose, userId, this.now()],
    );
    return rows[0]?.challenge;
  }

  private async auditRow(
    requestId: string,
    rule: AuditRule,
    who: { userId: string; organisationId: string; roles: readonly string[] },
  ): Promise<void> {
    const status = AUDIT_STATUS[rule] ?? 200;
    await this.options.audit.record({
      requestId,
      userId: who.userId,
      organisationId: who.organisationId,
      roles: rolesOf(who.roles),
      method: 'AUTH',
      route: AUDIT_ROUTE[rule],
      caseId: null,
      caseIds: [],
      status,
      outcome: status < 400 ? 'allowed' : 'denied',
      rule,
    });
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.options.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);
const randomRequestId = () => `auth-${randomUUID()}`;
const lockoutOf = (row: Pick<AccountRow, 'failed_count' | 'locked_until'>) => ({
  failedCount: row.failed_count,
  lockedUntil: row.locked_until,
});
/** The audit row's who: the account's ids, or the nil uuid for no account. */
function account(row: Pick<AccountRow, 'user_id' | 'organisation_id' | 'roles'> | undefined) {
  return row
    ? { userId: row.user_id, organisationId: row.organisation_id, roles: row.roles }
    : { userId: NO_ACCOUNT, organisationId: NO_ACCOUNT, roles: [] as string[] };
}
