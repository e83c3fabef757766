/**
 * The roles of the product brief (docs/DOMAIN.md "Who uses it"). `admin` is the platform
 * administrator (every organisation: the directory, users, the audit trail); `org_admin` the
 * organisation administrator (issue 15: the users and login policy of its own organisation only).
 */
export const ROLES = [
  'caseworker',
  'supervisor',
  'legal_aid',
  'rapporteur',
  'org_admin',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Who is acting: opaque ids only, never a name or an e-mail address. */
export interface Actor {
  readonly userId: string;
  readonly organisationId: string;
  readonly roles: readonly Role[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isOpaqueId(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
