/**
 * Why a token was refused. The API answers every kind with 401; the kind is safe to log and
 * to return (it never carries the token or any claim value).
 */
export type AuthErrorKind =
  | 'missing'
  | 'malformed'
  | 'unsigned'
  | 'bad_algorithm'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'invalid_claims'
  | 'deactivated';

const MESSAGES: Record<AuthErrorKind, string> = {
  missing: 'A bearer token is required',
  malformed: 'The token is malformed',
  unsigned: 'Unsigned tokens are not accepted',
  bad_algorithm: 'The token is signed with an algorithm that is not accepted',
  bad_signature: 'The token signature is invalid',
  expired: 'The token has expired',
  not_yet_valid: 'The token is not valid yet',
  wrong_issuer: 'The token was issued by an issuer that is not trusted',
  wrong_audience: 'The token is not meant for this API',
  invalid_claims: 'The token claims are invalid',
  deactivated: 'The account is deactivated',
};

export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(readonly kind: AuthErrorKind) {
    super(MESSAGES[kind]);
  }
}

/**
 * A token that cannot be checked because the identity provider's keys (discovery document or
 * JWKS) cannot be fetched: not the caller's fault, so the API answers 503, never 401.
 */
export class IdentityProviderUnavailableError extends Error {
  override readonly name = 'IdentityProviderUnavailableError';
  constructor(cause?: unknown) {
    super("The identity provider's signing keys cannot be fetched", { cause });
  }
}
