/**
 * One error body for every non-2xx answer. Messages name fields, rules and opaque ids only:
 * never a submitted value (it may be personal data).
 */
export interface Problem {
  readonly statusCode: number;
  readonly error: string;
  readonly message: string;
  /** 400: each invalid field and why. */
  readonly fields?: readonly { field: string; reason: string }[];
  /** 422: the domain rule that refused the command. */
  readonly rule?: string;
}
