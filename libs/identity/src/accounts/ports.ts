import type { Role } from '@remedy/auth';

/**
 * The contract between the accounts of the embedded OpenID provider (`accounts/`: storage,
 * passwords, second factors, lockout, one-time links, audit) and its two users: the provider
 * (`provider/`: oidc-provider's findAccount and token claims) and the login pages
 * (`pages/`: the interaction routes). Opaque ids only cross it, plus the login name and the
 * secrets a person types, which are never logged, stored in clear or put in an error.
 */

/** The console's and the login pages' languages (issue 15 item 4, issue 16 item 3). */
export const LANGUAGES = ['ar', 'en', 'es', 'fr', 'ru', 'zh'] as const;
export type Language = (typeof LANGUAGES)[number];
export const isLanguage = (value: unknown): value is Language =>
  typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);

/** What the provider puts in a token, and what `GET /session` adds: an active account only. */
export interface AccountClaims {
  readonly userId: string;
  readonly organisationId: string;
  readonly roles: readonly Role[];
  /** The account's display name (an account needs one; never put in a token or a log). */
  readonly displayName: string;
  readonly language: Language;
}

/** Who is asking, for rate limits and lockout only (the address is never stored with an account). */
export interface LoginContext {
  readonly ip: string;
}

export type SecondFactor = 'totp' | 'passkey';

export type PasswordLoginResult =
  /** Password right, no second factor enrolled and none required. */
  | { readonly kind: 'signed_in'; readonly userId: string }
  /** Password right; one of these factors must follow. */
  | {
      readonly kind: 'second_factor';
      readonly userId: string;
      readonly factors: readonly SecondFactor[];
    }
  /** Password right; the organisation requires a second factor and none is enrolled yet. */
  | { readonly kind: 'enrol_second_factor'; readonly userId: string }
  /** Unknown login name, wrong password or a deactivated account: the page never says which. */
  | { readonly kind: 'refused' }
  /** Too many failures: locked for this long (audited when it happens). */
  | { readonly kind: 'locked'; readonly retryAfterSeconds: number };

export type FactorResult =
  | { readonly kind: 'signed_in'; readonly userId: string }
  | { readonly kind: 'refused' }
  | { readonly kind: 'locked'; readonly retryAfterSeconds: number };

/** A one-time link: the first password of a new account, or an administrator's reset. */
export interface LinkDetails {
  readonly userId: string;
  readonly purpose: 'setup' | 'reset';
  readonly language: Language;
  /** Whether the organisation requires a second factor (the page then enrols one). */
  readonly secondFactorRequired: boolean;
}

export type PasswordProblem = 'too_short' | 'too_long' | 'same_as_login_name';

/** JSON as @simplewebauthn/server produces and @simplewebauthn/browser consumes. */
export type WebAuthnJson = Record<string, unknown>;

export interface IdentityAccounts {
  /** An active account's claims; undefined for an unknown or deactivated one. */
  claimsOf(userId: string): Promise<AccountClaims | undefined>;

  passwordLogin(
    loginName: string,
    password: string,
    context: LoginContext,
  ): Promise<PasswordLoginResult>;
  totpLogin(userId: string, code: string, context: LoginContext): Promise<FactorResult>;
  passkeyLoginOptions(): Promise<{ readonly challengeId: string; readonly options: WebAuthnJson }>;
  /** A passkey with user verification is a login on its own (and satisfies a second-factor rule). */
  passkeyLogin(
    challengeId: string,
    response: WebAuthnJson,
    context: LoginContext,
  ): Promise<FactorResult>;
  /** A passkey as the second step after a password. */
  passkeySecondFactor(
    userId: string,
    challengeId: string,
    response: WebAuthnJson,
    context: LoginContext,
  ): Promise<FactorResult>;

  /** The link's account and purpose, while it is unused and unexpired. */
  inspectLink(secret: string): Promise<LinkDetails | undefined>;
  /** Sets the password and uses the link up (one use). */
  completeLink(
    secret: string,
    newPassword: string,
  ): Promise<
    | { readonly ok: true; readonly userId: string }
    | { readonly ok: false; readonly problem: PasswordProblem | 'link_expired_or_used' }
  >;
  /**
   * The password change page (within a login): the login name and the current password, as at
   * login (a wrong one counts towards the lockout), then the new one. Audited PASSWORD_CHANGED.
   */
  changePassword(
    loginName: string,
    currentPassword: string,
    newPassword: string,
    context: LoginContext,
  ): Promise<
    | { readonly ok: true }
    | {
        readonly ok: false;
        readonly problem: PasswordProblem | 'refused' | 'locked';
        /** When locked: for how long. */
        readonly retryAfterSeconds?: number;
      }
  >;

  /** TOTP enrolment: a new secret (not active until confirmed with a code). */
  beginTotpEnrolment(
    userId: string,
  ): Promise<{ readonly secret: string; readonly otpauthUri: string }>;
  confirmTotpEnrolment(userId: string, code: string): Promise<boolean>;
  passkeyRegistrationOptions(
    userId: string,
  ): Promise<{ readonly challengeId: string; readonly options: WebAuthnJson }>;
  verifyPasskeyRegistration(
    userId: string,
    challengeId: string,
    response: WebAuthnJson,
  ): Promise<boolean>;

  /**
   * Audits a login the pages finished themselves (LOGIN_SUCCEEDED, failures cleared): after a
   * password login that had to enrol a second factor first (`enrol_second_factor`).
   */
  recordLogin(userId: string): Promise<void>;

  /** Audits a logout (the provider's end-session). */
  recordLogout(userId: string): Promise<void>;
}
export const IDENTITY_ACCOUNTS = Symbol('IDENTITY_ACCOUNTS');

/** Ends a user's sessions and refresh tokens at once (deactivation, second-factor reset). */
export interface SessionRevoker {
  revokeSessionsOf(userId: string): Promise<void>;
}
export const SESSION_REVOKER = Symbol('SESSION_REVOKER');
