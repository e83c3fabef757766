import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { UnsecuredJWT } from 'jose';
import { startRealApiOnTestDatabase, type RealApiOnTestDatabase } from '../faults/support/real-api';
import { TestOidcProvider } from '../support/oidc-provider';

/**
 * The real API composition (apps/api's ApiModule) configured for an OpenID Connect provider by
 * the OIDC_* settings alone, Keycloak style (realm roles with a prefix, an organisation_id
 * attribute mapper), the provider being a node:http server of this test: GET /session answers
 * the mapped actor; the local issuer's tokens keep working; every bad token is 401; a token that
 * cannot be checked because the provider is unreachable is 503.
 */
describe('OpenID Connect tokens on the API (GET /session)', () => {
  let started: RealApiOnTestDatabase;
  let app: NestFastifyApplication;
  let provider: TestOidcProvider;
  const userId = randomUUID();
  const organisationId = randomUUID();
  const claims = (extra: Record<string, unknown> = {}) => ({
    sub: userId,
    organisation_id: organisationId,
    realm_access: {
      roles: ['remedy-caseworker', 'remedy-supervisor', 'offline_access', 'uma_authorization'],
    },
    email: 'ana@example.org',
    ...extra,
  });
  const session = (token: string) =>
    app.inject({ method: 'GET', url: '/session', headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    provider = await TestOidcProvider.start();
    await provider.stop(); // down when the first token arrives
    started = await startRealApiOnTestDatabase('oidc', {
      LOG_LEVEL: 'silent',
      OIDC_ISSUER: provider.issuer,
      OIDC_AUDIENCE: 'remedy-api',
      OIDC_CLAIM_ROLES: 'realm_access.roles',
      OIDC_ROLE_PREFIX: 'remedy-',
      REDIS_URL: undefined,
      EVENTSTORE_CONNECTION_STRING: undefined,
    });
    app = started.api.app;
  });

  afterAll(async () => {
    await started?.close();
    await provider?.stop();
    for (const k of ['OIDC_ISSUER', 'OIDC_AUDIENCE', 'OIDC_CLAIM_ROLES', 'OIDC_ROLE_PREFIX'])
      delete process.env[k];
  });

  it('given the provider unreachable, then 503 with Retry-After (the token could not be checked), then 200 once it answers', async () => {
    const token = await provider.sign(claims());
    const down = await session(token);
    expect(down.statusCode).toBe(503);
    expect(down.headers['retry-after']).toBe('5');
    expect(down.json()).toMatchObject({
      status: 503,
      type: 'https://remedy.example/problems/unavailable',
    });
    expect(down.body).not.toContain(token.slice(0, 30));

    await provider.listen();
    const up = await session(token);
    expect(up.statusCode).toBe(200);
    // No account of the embedded provider behind an external provider's user: no name, no language.
    expect(up.json()).toEqual({
      userId,
      organisationId,
      roles: ['caseworker', 'supervisor'],
      displayName: null,
      language: null,
    });
    expect(up.body).not.toContain('ana@example.org');
  });

  it('keeps accepting the local issuer’s tokens side by side', async () => {
    const issuer = started.api.issuer;
    const localUser = randomUUID();
    const res = await session(
      await issuer.mintToken({ userId: localUser, organisationId, roles: ['admin'] }),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      userId: localUser,
      organisationId,
      roles: ['admin'],
      displayName: null,
      language: null,
    });
  });

  it('answers 401 naming the reason for expired, unsigned, wrongly signed, other issuer, other audience, missing organisation, non-uuid ids, no known role', async () => {
    const unpublished = await provider.addKey({ publish: false });
    const unsigned = new UnsecuredJWT(claims())
      .setIssuer(provider.issuer)
      .setAudience('remedy-api')
      .setIssuedAt()
      .setExpirationTime('5m')
      .encode();
    const { organisation_id: _omitted, ...withoutOrganisation } = claims();
    const cases: Array<[string, Promise<string>, string]> = [
      ['expired', provider.sign(claims(), { expiresIn: -120 }), 'expired'],
      ['unsigned (alg none)', Promise.resolve(unsigned), 'unsigned'],
      ['signed with another key', provider.sign(claims(), { kid: unpublished }), 'bad_signature'],
      [
        'another issuer',
        provider.sign(claims(), { iss: 'https://id.example.org/realms/remedy' }),
        'wrong_issuer',
      ],
      ['another audience', provider.sign(claims(), { aud: 'account' }), 'wrong_audience'],
      ['no organisation claim', provider.sign(withoutOrganisation), 'invalid_claims'],
      [
        'organisation as a name',
        provider.sign(claims({ organisation_id: 'Helping Hands' })),
        'invalid_claims',
      ],
      ['user as an e-mail', provider.sign(claims({ sub: 'ana@example.org' })), 'invalid_claims'],
      [
        'no Remedy role',
        provider.sign(claims({ realm_access: { roles: ['caseworker'] } })),
        'invalid_claims',
      ],
    ];
    for (const [name, token, reason] of cases) {
      const res = await session(await token);
      expect({ name, status: res.statusCode, reason: res.json().reason }).toEqual({
        name,
        status: 401,
        reason,
      });
      expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    }
  });
});
