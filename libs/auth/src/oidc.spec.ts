import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK, jwtVerify, SignJWT, UnsecuredJWT } from 'jose';
import { TestOidcProvider } from '../../../test/support/oidc-provider';
import { AuthError, IdentityProviderUnavailableError } from './errors';
import { LocalTokenIssuer } from './local-issuer';
import {
  claimAt,
  createTokenVerifier,
  OidcIssuerVerifier,
  oidcActorMapper,
  storedKeySet,
} from './oidc';

const userId = randomUUID();
const organisationId = randomUUID();
const keycloakClaims = (roles: unknown = ['remedy-caseworker', 'offline_access']) => ({
  sub: userId,
  organisation_id: organisationId,
  realm_access: { roles },
  preferred_username: 'ana.caseworker',
  email: 'ana@example.org',
});

async function kindOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof AuthError) return error.kind;
  if (error instanceof IdentityProviderUnavailableError) return 'unavailable';
  throw new Error(`expected a refusal, got ${String(error)}`);
}

describe('OIDC claim mapping (pure)', () => {
  it('reads claim names and dotted paths, own properties only', () => {
    const claims = { a: { b: { c: 1 } }, list: [1], s: 'x' };
    expect(claimAt(claims, 'a.b.c')).toBe(1);
    expect(claimAt(claims, 'a.b')).toEqual({ c: 1 });
    expect(claimAt(claims, 'a.x.c')).toBeUndefined();
    expect(claimAt(claims, 'list.0')).toBeUndefined();
    expect(claimAt(claims, 's.length')).toBeUndefined();
    expect(claimAt(claims, 'a.__proto__')).toBeUndefined();
    expect(claimAt(claims, 'constructor')).toBeUndefined();
  });

  it('maps roles onto Remedy roles: prefix removed, unknown names ignored, at least one known', () => {
    const map = oidcActorMapper({ roles: 'realm_access.roles' }, 'remedy-');
    expect(
      map(keycloakClaims(['remedy-caseworker', 'remedy-supervisor', 'caseworker', 'remedy-root'])),
    ).toEqual({ userId, organisationId, roles: ['caseworker', 'supervisor'] });
    expect(() => map(keycloakClaims(['caseworker', 'offline_access']))).toThrow(AuthError);
    expect(() => map(keycloakClaims('remedy-admin'))).not.toThrow();
    const plain = oidcActorMapper({});
    expect(
      plain({ sub: userId, organisation_id: organisationId, roles: ['admin', 'admin', 7] }),
    ).toEqual({ userId, organisationId, roles: ['admin'] });
  });

  it('refuses ids that are not uuids (an e-mail address, a name, a number) and Keycloak ID tokens', () => {
    const map = oidcActorMapper({ user: 'email', organisation: 'org.id' });
    const refused = (claims: Record<string, unknown>) => {
      try {
        map(claims);
        return undefined;
      } catch (e) {
        return (e as AuthError).kind;
      }
    };
    expect(
      refused({ email: 'ana@example.org', org: { id: organisationId }, roles: ['admin'] }),
    ).toBe('invalid_claims');
    expect(refused({ email: userId, org: { id: 'Helping Hands' }, roles: ['admin'] })).toBe(
      'invalid_claims',
    );
    expect(refused({ email: userId, org: { id: 42 }, roles: ['admin'] })).toBe('invalid_claims');
    expect(
      refused({ email: userId, org: { id: organisationId }, roles: ['admin'] }),
    ).toBeUndefined();
    expect(
      refused({ email: userId, org: { id: organisationId }, roles: ['admin'], typ: 'ID' }),
    ).toBe('invalid_claims');
  });
});

describe('OidcIssuerVerifier against a provider served by the test (discovery, JWKS)', () => {
  let provider: TestOidcProvider;
  let verifier: OidcIssuerVerifier;

  beforeAll(async () => {
    provider = await TestOidcProvider.start();
    verifier = new OidcIssuerVerifier({
      issuer: provider.issuer,
      audience: 'remedy-api',
      algorithms: ['RS256', 'ES256'],
      claims: { roles: 'realm_access.roles' },
      rolePrefix: 'remedy-',
      jwks: { cooldownMs: 0 },
    });
  });
  afterAll(async () => provider.stop());

  it('given a valid token, then the mapped actor (opaque ids and roles only)', async () => {
    const actor = await verifier.verify(await provider.sign(keycloakClaims()));
    expect(actor).toEqual({ userId, organisationId, roles: ['caseworker'] });
    expect(provider.hits.get('/realms/remedy/.well-known/openid-configuration')).toBe(1);
  });

  it('refuses expired, unsigned, wrongly signed, other issuer, other audience, missing organisation', async () => {
    const otherKid = await provider.addKey({ publish: false });
    const valid = await provider.sign(keycloakClaims());
    const unsigned = new UnsecuredJWT(keycloakClaims())
      .setIssuer(provider.issuer)
      .setAudience('remedy-api')
      .setIssuedAt()
      .setExpirationTime('5m')
      .encode();
    const { organisation_id: _omit, ...noOrganisation } = keycloakClaims();
    const [h, , s] = valid.split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({
        ...keycloakClaims(['remedy-admin']),
        iss: provider.issuer,
        aud: 'remedy-api',
        exp: 9e9,
        iat: 1,
      }),
    ).toString('base64url');
    const cases: Array<[Promise<string>, string]> = [
      [provider.sign(keycloakClaims(), { expiresIn: -60 }), 'expired'],
      [Promise.resolve(unsigned), 'unsigned'],
      [provider.sign(keycloakClaims(), { kid: otherKid }), 'bad_signature'],
      [Promise.resolve(`${h}.${forgedPayload}.${s}`), 'bad_signature'],
      [
        provider.sign(keycloakClaims(), { iss: 'https://evil.example.org/realms/remedy' }),
        'wrong_issuer',
      ],
      [provider.sign(keycloakClaims(), { aud: 'account' }), 'wrong_audience'],
      [provider.sign(noOrganisation), 'invalid_claims'],
      [provider.sign(keycloakClaims(['offline_access'])), 'invalid_claims'],
      [provider.sign({ ...keycloakClaims(), sub: 'ana@example.org' }), 'invalid_claims'],
    ];
    for (const [token, kind] of cases)
      expect([kind, await kindOf(verifier.verify(await token))]).toEqual([kind, kind]);
  });

  it('given key rotation (a new kid appears in the JWKS), then tokens signed with the new key are accepted', async () => {
    const next = await provider.addKey({ publish: false, alg: 'ES256' });
    const token = await provider.sign(keycloakClaims(), { kid: next });
    expect(await kindOf(verifier.verify(token))).toBe('bad_signature'); // not published yet
    provider.publish(next);
    await expect(verifier.verify(token)).resolves.toMatchObject({ userId });
    // The old key still works while it stays published.
    await expect(verifier.verify(await provider.sign(keycloakClaims()))).resolves.toMatchObject({
      userId,
    });
  });

  it('given the provider down, then known keys still verify from the cache and a token needing a fetch is "unavailable", not refused', async () => {
    const unseen = await provider.addKey();
    await provider.stop();
    try {
      await expect(verifier.verify(await provider.sign(keycloakClaims()))).resolves.toMatchObject({
        userId,
      });
      expect(
        await kindOf(verifier.verify(await provider.sign(keycloakClaims(), { kid: unseen }))),
      ).toBe('unavailable');
      // Nothing to fetch for a token of an unknown issuer or an unsigned one: still refused.
      expect(
        await kindOf(verifier.verify(await provider.sign(keycloakClaims(), { aud: 'x' }))),
      ).toBe('wrong_audience');
    } finally {
      await provider.listen();
    }
    await expect(
      verifier.verify(await provider.sign(keycloakClaims(), { kid: unseen })),
    ).resolves.toMatchObject({
      userId,
    });
  });

  it('given an unreachable provider at the first token, then unavailable; once it answers, discovery succeeds', async () => {
    const fresh = new OidcIssuerVerifier({
      issuer: provider.issuer,
      audience: 'remedy-api',
      claims: { roles: 'realm_access.roles' },
      rolePrefix: 'remedy-',
    });
    const token = await provider.sign(keycloakClaims());
    await provider.stop();
    try {
      expect(await kindOf(fresh.verify(token))).toBe('unavailable');
    } finally {
      await provider.listen();
    }
    await expect(fresh.verify(token)).resolves.toMatchObject({ organisationId });
  });

  it('given a discovery document naming another issuer, then unavailable (misconfiguration), never accepted', async () => {
    const misnamed = new OidcIssuerVerifier({
      issuer: `${provider.issuer}/`,
      audience: 'remedy-api',
    });
    expect(
      await kindOf(
        misnamed.verify(await provider.sign(keycloakClaims(), { iss: `${provider.issuer}/` })),
      ),
    ).toBe('unavailable');
  });

  it('given OIDC_JWKS_URL, then the keys come from it and no discovery document is fetched', async () => {
    const discovery = '/realms/remedy/.well-known/openid-configuration';
    const before = provider.hits.get(discovery) ?? 0;
    const direct = new OidcIssuerVerifier({
      issuer: provider.issuer,
      audience: 'remedy-api',
      jwksUrl: provider.jwksUrl,
      claims: { roles: 'realm_access.roles' },
      rolePrefix: 'remedy-',
    });
    await expect(direct.verify(await provider.sign(keycloakClaims()))).resolves.toMatchObject({
      userId,
    });
    expect(provider.hits.get(discovery) ?? 0).toBe(before);
  });

  it('refuses HMAC algorithms at construction', () => {
    expect(
      () =>
        new OidcIssuerVerifier({ issuer: provider.issuer, audience: 'a', algorithms: ['HS256'] }),
    ).toThrow(/asymmetric/);
  });

  it('side by side with the local issuer: each token goes to the verifier of its iss', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'remedy-oidc-'));
    try {
      const list = await createTokenVerifier({
        dataDir,
        oidc: {
          issuer: provider.issuer,
          audience: 'remedy-api',
          claims: { roles: 'realm_access.roles' },
          rolePrefix: 'remedy-',
        },
      });
      const local = await LocalTokenIssuer.load({ dataDir });
      const localUser = randomUUID();
      await expect(
        list.verify(await local.mintToken({ userId: localUser, organisationId, roles: ['admin'] })),
      ).resolves.toMatchObject({ userId: localUser, roles: ['admin'] });
      await expect(list.verify(await provider.sign(keycloakClaims()))).resolves.toMatchObject({
        userId,
      });
      expect(
        await kindOf(
          list.verify(await provider.sign(keycloakClaims(), { iss: 'https://other.example.org' })),
        ),
      ).toBe('wrong_issuer');
      // A provider token claiming the local issuer is checked against the local key: refused.
      expect(
        await kindOf(list.verify(await provider.sign(keycloakClaims(), { iss: 'remedy-local' }))),
      ).toBe('bad_algorithm');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('a key set read from a store (the embedded provider)', () => {
  async function key(kid: string) {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
    const sign = () =>
      new SignJWT({ organisation_id: organisationId, roles: ['caseworker'] })
        .setProtectedHeader({ alg: 'ES256', kid })
        .setIssuer('http://127.0.0.1/oidc')
        .setAudience('remedy-api')
        .setSubject(userId)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
    return { jwk, sign };
  }

  it('re-reads the store for an unknown kid (a rotation), at most once per cooldown', async () => {
    const first = await key('k1');
    const second = await key('k2');
    const stored: JWK[] = [first.jwk];
    let loads = 0;
    let now = 0;
    const keys = storedKeySet(
      {
        load: async () => {
          loads++;
          return { keys: [...stored] };
        },
        cooldownMs: 1_000,
      },
      () => now,
    );
    await jwtVerify(await first.sign(), keys);
    expect(loads).toBe(1);
    // A key the store does not hold: reloaded once per cooldown at most, not once per request.
    await expect(jwtVerify(await second.sign(), keys)).rejects.toThrow();
    expect(loads).toBe(1); // within the cooldown of the first load
    now = 1_000;
    await expect(jwtVerify(await second.sign(), keys)).rejects.toThrow();
    expect(loads).toBe(2);
    stored.push(second.jwk);
    await expect(jwtVerify(await second.sign(), keys)).rejects.toThrow(); // cooldown again
    now = 2_000;
    await expect(jwtVerify(await second.sign(), keys)).resolves.toBeDefined();
    expect(loads).toBe(3);
    await jwtVerify(await first.sign(), keys);
    expect(loads).toBe(3);
  });

  it('verifies the embedded issuer like any provider: issuer, audience, claims', async () => {
    const signer = await key('k1');
    const dataDir = await mkdtemp(join(tmpdir(), 'remedy-oidc-stored-'));
    try {
      const verifier = await createTokenVerifier({
        dataDir,
        embedded: {
          issuer: 'http://127.0.0.1/oidc',
          audience: 'remedy-api',
          algorithms: ['ES256'],
          keySource: { load: async () => ({ keys: [signer.jwk] }) },
        },
      });
      await expect(verifier.verify(await signer.sign())).resolves.toEqual({
        userId,
        organisationId,
        roles: ['caseworker'],
      });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
