import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JWTPayload } from 'jose';
import { AuthError, OidcIssuerVerifier, oidcActorMapper, ROLES } from '@remedy/auth';
import { loadConfig, type OidcConfig } from '@remedy/config';
import { TestOidcProvider } from '../support/oidc-provider';

/**
 * Issue 15: Keycloak, the documented external provider. No Keycloak can run here, so this test
 * reads docker/keycloak/remedy-realm.json (the realm `--import-realm` creates) and builds the
 * access token claims its protocol mappers would produce for a sample user, interpreting each
 * mapper's configuration as Keycloak does (a mapper type or setting it does not know fails the
 * test rather than being guessed at). Those claims must give the expected actor through
 * libs/auth's mapping, configured as docker/compose.yml with docker/keycloak/keycloak.env
 * configures the api; and a token signed with them must pass the api's OIDC verifier.
 * What stays unverified: that Keycloak itself imports the file and signs such tokens.
 */

const DOCKER = join(__dirname, '..', '..', 'docker');

interface ProtocolMapper {
  readonly name: string;
  readonly protocol: string;
  readonly protocolMapper: string;
  readonly config: Record<string, string>;
}

interface ClientRepresentation {
  readonly clientId: string;
  readonly publicClient?: boolean;
  readonly standardFlowEnabled?: boolean;
  readonly implicitFlowEnabled?: boolean;
  readonly directAccessGrantsEnabled?: boolean;
  readonly serviceAccountsEnabled?: boolean;
  readonly redirectUris?: readonly string[];
  readonly webOrigins?: readonly string[];
  readonly attributes?: Record<string, string>;
  readonly fullScopeAllowed?: boolean;
  readonly defaultClientScopes?: readonly string[];
  readonly optionalClientScopes?: readonly string[];
  readonly protocolMappers?: readonly ProtocolMapper[];
}

interface RoleRepresentation {
  readonly name: string;
  readonly composite?: boolean;
  readonly composites?: { readonly realm?: readonly string[] };
}

interface RealmRepresentation {
  readonly realm: string;
  readonly enabled: boolean;
  readonly roles: { readonly realm: readonly RoleRepresentation[] };
  readonly clients: readonly ClientRepresentation[];
  readonly clientScopes?: readonly {
    readonly name: string;
    readonly protocolMappers?: readonly ProtocolMapper[];
  }[];
  readonly scopeMappings?: readonly {
    readonly client?: string;
    readonly roles: readonly string[];
  }[];
  readonly components?: Record<
    string,
    readonly { providerId: string; config: Record<string, string[]> }[]
  >;
}

/** A Keycloak user as the admin API shows it: its id is a uuid, attributes are lists. */
interface SampleUser {
  readonly id: string;
  readonly attributes: Record<string, readonly string[]>;
  /** Effective realm roles (Keycloak adds the realm's default roles to every user). */
  readonly realmRoles: readonly string[];
}

const realm = JSON.parse(
  readFileSync(join(DOCKER, 'keycloak', 'remedy-realm.json'), 'utf8'),
) as RealmRepresentation;
const compose = readFileSync(join(DOCKER, 'compose.yml'), 'utf8');
const keycloakEnv = parseEnvFile(readFileSync(join(DOCKER, 'keycloak', 'keycloak.env'), 'utf8'));

function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!match) throw new Error(`keycloak.env: not KEY=value: ${line}`);
    env[match[1]!] = match[2]!;
  }
  return env;
}

/** The settings the api and worker receive: compose passes `KEY: ${KEY:-}` through. */
function apiEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(keycloakEnv)) {
    if (key.startsWith('COMPOSE_')) continue;
    expect(compose).toContain(`\n  ${key}: \${${key}:-}\n`);
    env[key] = value;
  }
  return env;
}

function keycloakServiceSetting(key: string): string {
  const match = new RegExp(`\\n      ${key}: (.+)\\n`).exec(compose);
  if (!match) throw new Error(`compose.yml: the keycloak service sets no ${key}`);
  return match[1]!.trim();
}

function client(clientId: string): ClientRepresentation {
  const found = realm.clients.find((c) => c.clientId === clientId);
  if (!found) throw new Error(`no client ${clientId} in the realm`);
  return found;
}

/** The settings each mapper type understands here; anything else fails (no guessing). */
const KNOWN_SETTINGS: Record<string, readonly string[]> = {
  'oidc-sub-mapper': ['access.token.claim', 'introspection.token.claim'],
  'oidc-usermodel-attribute-mapper': [
    'user.attribute',
    'claim.name',
    'jsonType.label',
    'multivalued',
    'aggregate.attrs',
    'access.token.claim',
    'id.token.claim',
    'userinfo.token.claim',
    'introspection.token.claim',
  ],
  'oidc-usermodel-realm-role-mapper': [
    'claim.name',
    'jsonType.label',
    'multivalued',
    'usermodel.realmRoleMapping.rolePrefix',
    'access.token.claim',
    'id.token.claim',
    'userinfo.token.claim',
    'introspection.token.claim',
  ],
  'oidc-audience-mapper': [
    'included.custom.audience',
    'included.client.audience',
    'access.token.claim',
    'id.token.claim',
    'introspection.token.claim',
  ],
};

/** Keycloak's claim names: dots nest (`realm_access.roles`) unless escaped (`a\.b`). */
function setClaim(claims: Record<string, unknown>, name: string, value: unknown): void {
  const path = name.split(/(?<!\\)\./).map((part) => part.replace(/\\\./g, '.'));
  let target = claims;
  for (const key of path.slice(0, -1)) {
    target[key] ??= {};
    target = target[key] as Record<string, unknown>;
  }
  target[path.at(-1)!] = value;
}

function typed(value: string, label: string | undefined): unknown {
  switch (label ?? 'String') {
    case 'String':
      return value;
    default:
      throw new Error(`jsonType.label ${label} is not interpreted here`);
  }
}

/** The user's realm roles the client may put in a token: all (full scope) or its scope mappings. */
function rolesInScope(realmRep: RealmRepresentation, c: ClientRepresentation, user: SampleUser) {
  const effective = new Set<string>();
  const add = (name: string): void => {
    if (effective.has(name)) return;
    effective.add(name);
    const role = realmRep.roles.realm.find((r) => r.name === name);
    for (const inner of role?.composites?.realm ?? []) add(inner);
  };
  user.realmRoles.forEach(add);
  if (c.fullScopeAllowed ?? true) return [...effective];
  const scoped = new Set(
    (realmRep.scopeMappings ?? []).filter((m) => m.client === c.clientId).flatMap((m) => m.roles),
  );
  return [...effective].filter((r) => scoped.has(r));
}

/**
 * The access token claims Keycloak issues to `clientId` for `user` (scope `openid`), from the
 * realm's mappers: the client's own and those of its default client scopes (which must be in the
 * file: Keycloak's built-in scopes are not interpreted here).
 */
function accessTokenClaims(
  realmRep: RealmRepresentation,
  clientId: string,
  user: SampleUser,
  issuer: string,
): Record<string, unknown> {
  const c = realmRep.clients.find((x) => x.clientId === clientId);
  if (!c) throw new Error(`no client ${clientId}`);
  const mappers: ProtocolMapper[] = [...(c.protocolMappers ?? [])];
  for (const scopeName of c.defaultClientScopes ?? []) {
    const scope = realmRep.clientScopes?.find((s) => s.name === scopeName);
    if (!scope) throw new Error(`client scope ${scopeName} is not in the realm file`);
    mappers.push(...(scope.protocolMappers ?? []));
  }
  const claims: Record<string, unknown> = {
    iss: issuer,
    typ: 'Bearer',
    azp: clientId,
    scope: 'openid',
  };
  const audiences: string[] = [];
  for (const mapper of mappers) {
    const known = KNOWN_SETTINGS[mapper.protocolMapper];
    if (!known) throw new Error(`mapper type ${mapper.protocolMapper} is not interpreted here`);
    if (mapper.protocol !== 'openid-connect') throw new Error(`mapper ${mapper.name}: protocol`);
    const unknown = Object.keys(mapper.config).filter((k) => !known.includes(k));
    if (unknown.length > 0)
      throw new Error(
        `mapper ${mapper.name}: settings not interpreted here: ${unknown.join(', ')}`,
      );
    const config = mapper.config;
    if (config['access.token.claim'] !== 'true') continue;
    switch (mapper.protocolMapper) {
      case 'oidc-sub-mapper':
        claims.sub = user.id;
        break;
      case 'oidc-usermodel-attribute-mapper': {
        if (config['aggregate.attrs'] === 'true')
          throw new Error('aggregate.attrs not interpreted');
        const values = user.attributes[config['user.attribute']!] ?? [];
        if (values.length === 0) break; // Keycloak leaves the claim out
        const label = config['jsonType.label'];
        setClaim(
          claims,
          config['claim.name']!,
          config.multivalued === 'true'
            ? values.map((v) => typed(v, label))
            : typed(values[0]!, label),
        );
        break;
      }
      case 'oidc-usermodel-realm-role-mapper': {
        const prefix = config['usermodel.realmRoleMapping.rolePrefix'] ?? '';
        const roles = rolesInScope(realmRep, c, user).map((r) => prefix + r);
        if (roles.length === 0) break;
        const label = config['jsonType.label'];
        setClaim(
          claims,
          config['claim.name']!,
          config.multivalued === 'true' ? roles.map((r) => typed(r, label)) : roles.join(','),
        );
        break;
      }
      case 'oidc-audience-mapper': {
        const audience = config['included.custom.audience'] ?? config['included.client.audience'];
        if (audience) audiences.push(audience);
        break;
      }
    }
  }
  // Keycloak writes a single audience as a string, several as a list.
  if (audiences.length === 1) claims.aud = audiences[0];
  else if (audiences.length > 1) claims.aud = audiences;
  return claims;
}

function apiOidcConfig(): OidcConfig {
  // compose.yml always sets DATABASE_URL (its postgres service); the value is not read here.
  const config = loadConfig({
    DATABASE_URL: 'postgres://remedy@postgres:5432/remedy',
    ...apiEnvironment(),
  });
  if (!config.oidc) throw new Error('keycloak.env does not configure an external provider');
  return config.oidc;
}

const ORGANISATION = randomUUID();
/** Keycloak's default roles, which every user has and which are not Remedy's. */
const DEFAULT_ROLES = ['default-roles-remedy', 'offline_access', 'uma_authorization'];
const user = (
  realmRoles: readonly string[],
  attributes: Record<string, readonly string[]> = { organisation_id: [ORGANISATION] },
): SampleUser => ({
  id: randomUUID(),
  attributes,
  realmRoles: [...realmRoles, ...DEFAULT_ROLES],
});

describe('Keycloak realm import (docker/keycloak/remedy-realm.json) and the api configuration', () => {
  const oidc = apiOidcConfig();
  const toActor = oidcActorMapper(oidc.claims, oidc.rolePrefix);
  const prefix = oidc.rolePrefix ?? '';

  it('the api is configured for the realm: its issuer, its audience, RS256', () => {
    expect(realm.realm).toBe('remedy');
    expect(realm.enabled).toBe(true);
    expect(oidc.issuer).toBe(`${keycloakServiceSetting('KC_HOSTNAME')}/realms/${realm.realm}`);
    expect(oidc.algorithms).toContain('RS256');
    expect(compose).toMatch(/image: quay\.io\/keycloak\/keycloak:\d+\.\d+\.\d+\n/);
    expect(compose).toContain(
      './keycloak/remedy-realm.json:/opt/keycloak/data/import/remedy-realm.json:ro',
    );
  });

  it('a realm role for every Remedy role (and org_admin), none other', () => {
    const names = realm.roles.realm.map((r) => r.name).sort();
    expect(names).toEqual(
      [...new Set<string>([...ROLES, 'org_admin'])].map((r) => prefix + r).sort(),
    );
  });

  it('the console is a public client: Authorization Code with PKCE S256 only, its callback', () => {
    const console = client('remedy-console');
    expect(console).toMatchObject({
      publicClient: true,
      standardFlowEnabled: true,
      implicitFlowEnabled: false,
      directAccessGrantsEnabled: false,
      serviceAccountsEnabled: false,
      redirectUris: ['http://localhost:3000/callback'],
      webOrigins: ['http://localhost:3000'],
    });
    expect(console.attributes?.['pkce.code.challenge.method']).toBe('S256');
  });

  it('organisation_id is a declared user attribute: a uuid, set and seen by administrators only', () => {
    const provider = realm.components?.['org.keycloak.userprofile.UserProfileProvider']?.[0];
    expect(provider?.providerId).toBe('declarative-user-profile');
    const profile = JSON.parse(provider!.config['kc.user.profile.config']![0]!) as {
      attributes: {
        name: string;
        permissions: { edit: string[]; view: string[] };
        validations?: { pattern?: { pattern: string } };
      }[];
    };
    const attribute = profile.attributes.find((a) => a.name === 'organisation_id');
    expect(attribute?.permissions).toEqual({ view: ['admin'], edit: ['admin'] });
    const pattern = new RegExp(attribute!.validations!.pattern!.pattern);
    expect(pattern.test(ORGANISATION)).toBe(true);
    expect(pattern.test('ana@example.org')).toBe(false);
  });

  it("a caseworker and supervisor's access token maps to the expected actor, for the api's audience", () => {
    const sample = user(['caseworker', 'supervisor']);
    const claims = accessTokenClaims(realm, 'remedy-console', sample, oidc.issuer);
    expect(claims.aud).toBe(oidc.audience);
    expect(claims.aud).toBe(keycloakEnv.OIDC_AUDIENCE);
    // Only the roles in the client's scope reach the token: not Keycloak's default roles.
    expect(claims).toMatchObject({ sub: sample.id, organisation_id: ORGANISATION });
    const actor = toActor(claims as JWTPayload);
    expect({ ...actor, roles: [...actor.roles].sort() }).toEqual({
      userId: sample.id,
      organisationId: ORGANISATION,
      roles: ['caseworker', 'supervisor'],
    });
  });

  it.each([...ROLES])('the realm role %s reaches the actor', (role) => {
    const claims = accessTokenClaims(realm, 'remedy-console', user([prefix + role]), oidc.issuer);
    expect(toActor(claims as JWTPayload).roles).toEqual([role]);
  });

  it('a user without organisation_id, or with no Remedy role, gets no actor', () => {
    const noOrganisation = accessTokenClaims(
      realm,
      'remedy-console',
      user(['caseworker'], {}),
      oidc.issuer,
    );
    expect(noOrganisation).not.toHaveProperty('organisation_id');
    expect(() => toActor(noOrganisation as JWTPayload)).toThrow(AuthError);
    const noRole = accessTokenClaims(realm, 'remedy-console', user([]), oidc.issuer);
    expect(() => toActor(noRole as JWTPayload)).toThrow(AuthError);
  });

  it('a token signed with these claims passes the api verifier as configured (key set served here)', async () => {
    const provider = await TestOidcProvider.start();
    try {
      const sample = user(['legal_aid']);
      const { iss, aud, ...claims } = accessTokenClaims(
        realm,
        'remedy-console',
        sample,
        oidc.issuer,
      );
      const token = await provider.sign(claims, { iss: iss as string, aud: aud as string });
      const verifier = new OidcIssuerVerifier({ ...oidc, jwksUrl: provider.jwksUrl });
      await expect(verifier.verify(token)).resolves.toEqual({
        userId: sample.id,
        organisationId: ORGANISATION,
        roles: ['legal_aid'],
      });
      const other = await provider.sign(claims, { iss: iss as string, aud: 'account' });
      await expect(verifier.verify(other)).rejects.toMatchObject({ kind: 'wrong_audience' });
    } finally {
      await provider.stop();
    }
  });

  it('the interpretation fails on a mapper type or a setting it does not know', () => {
    const withMapper = (mapper: ProtocolMapper): RealmRepresentation => ({
      ...realm,
      clients: [{ ...client('remedy-console'), protocolMappers: [mapper] }],
    });
    const base = { name: 'x', protocol: 'openid-connect' };
    expect(() =>
      accessTokenClaims(
        withMapper({
          ...base,
          protocolMapper: 'oidc-hardcoded-claim-mapper',
          config: { 'claim.name': 'organisation_id', 'access.token.claim': 'true' },
        }),
        'remedy-console',
        user(['caseworker']),
        oidc.issuer,
      ),
    ).toThrow(/not interpreted/);
    expect(() =>
      accessTokenClaims(
        withMapper({
          ...base,
          protocolMapper: 'oidc-usermodel-attribute-mapper',
          config: { 'user.attribute': 'x', 'claim.name': 'x', 'lightweight.claim': 'true' },
        }),
        'remedy-console',
        user(['caseworker']),
        oidc.issuer,
      ),
    ).toThrow(/lightweight\.claim/);
  });
});
