import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importJWK, type JWK, SignJWT, UnsecuredJWT } from 'jose';
import { AuthError, type AuthErrorKind } from './errors';
import { API_AUDIENCE, LOCAL_ISSUER, LocalTokenIssuer, parseDuration } from './local-issuer';
import { CachingTokenVerifier, IssuerVerifierList } from './verifier';

describe('local token issuer (Ed25519 JWT)', () => {
  let dataDir: string;
  let issuer: LocalTokenIssuer;
  const actor = {
    userId: randomUUID(),
    organisationId: randomUUID(),
    roles: ['caseworker', 'supervisor'] as const,
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'remedy-auth-'));
    issuer = await LocalTokenIssuer.load({ dataDir });
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  const signingKey = async () => {
    const jwk = JSON.parse(
      await readFile(join(dataDir, 'keys', 'jwt-signing-key.json'), 'utf8'),
    ) as JWK;
    return { key: await importJWK(jwk, 'EdDSA'), kid: jwk.kid! };
  };
  const rejection = async (
    token: string,
    verifier: { verify(t: string): Promise<unknown> } = issuer,
  ) => {
    const error = await verifier.verify(token).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthError);
    return (error as AuthError).kind;
  };

  it('given an actor, when a token is minted and verified, then the same actor comes back', async () => {
    const token = await issuer.mintToken({ ...actor, roles: [...actor.roles], expiresIn: '8h' });
    await expect(issuer.verifyToken(token)).resolves.toEqual({
      ...actor,
      roles: ['caseworker', 'supervisor'],
    });
    const [header, payload] = token
      .split('.')
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p!, 'base64url').toString()));
    expect(header).toMatchObject({ alg: 'EdDSA', typ: 'JWT', kid: expect.any(String) });
    expect(payload).toMatchObject({
      iss: LOCAL_ISSUER,
      aud: API_AUDIENCE,
      sub: actor.userId,
      org: actor.organisationId,
    });
    expect(payload.exp - payload.iat).toBe(8 * 3600);
  });

  it('generates the signing key once (0600) and a second start reuses it', async () => {
    const file = join(dataDir, 'keys', 'jwt-signing-key.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const again = await LocalTokenIssuer.load({ dataDir });
    const token = await again.mintToken({ ...actor, roles: ['admin'] });
    await expect(issuer.verify(token)).resolves.toMatchObject({ roles: ['admin'] });
    expect(again.jwks()).toEqual(issuer.jwks());
    expect(issuer.jwks().keys[0]).not.toHaveProperty('d');
  });

  it('given several processes starting together on an empty data dir, then they share one signing key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'remedy-auth-race-'));
    try {
      const issuers = await Promise.all(
        Array.from({ length: 6 }, () => LocalTokenIssuer.load({ dataDir: dir })),
      );
      const token = await issuers[0]!.mintToken({ ...actor, roles: ['caseworker'] });
      for (const i of issuers)
        await expect(i.verify(token)).resolves.toMatchObject({ userId: actor.userId });
      expect(await readdir(join(dir, 'keys'))).toEqual(['jwt-signing-key.json']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects an expired token', async () => {
    const past = await LocalTokenIssuer.load({
      dataDir,
      now: () => new Date(Date.now() - 2 * 3600_000),
    });
    expect(
      await rejection(await past.mintToken({ ...actor, roles: ['caseworker'], expiresIn: '1h' })),
    ).toBe('expired');
  });

  it('rejects a token signed by another key, and a token whose claims were altered', async () => {
    const otherDir = await mkdtemp(join(tmpdir(), 'remedy-auth-other-'));
    try {
      const other = await LocalTokenIssuer.load({ dataDir: otherDir });
      expect(await rejection(await other.mintToken({ ...actor, roles: ['admin'] }))).toBe(
        'bad_signature',
      );
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
    const [h, p, s] = (await issuer.mintToken({ ...actor, roles: ['caseworker'] })).split('.') as [
      string,
      string,
      string,
    ];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString(
      'base64url',
    );
    expect(await rejection(`${h}.${forged}.${s}`)).toBe('bad_signature');
  });

  it('rejects a token from another issuer or for another audience, even when signed with the right key', async () => {
    const { key, kid } = await signingKey();
    const sign = (iss: string, aud: string) =>
      new SignJWT({ org: actor.organisationId, roles: ['caseworker'] })
        .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT' })
        .setIssuer(iss)
        .setAudience(aud)
        .setSubject(actor.userId)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(key);
    expect(await rejection(await sign('evil-issuer', API_AUDIENCE))).toBe('wrong_issuer');
    expect(await rejection(await sign(LOCAL_ISSUER, 'another-api'))).toBe('wrong_audience');
    // Through the issuer list, an unknown issuer is refused before any key is chosen.
    const list = new IssuerVerifierList([issuer]);
    expect(await rejection(await sign('evil-issuer', API_AUDIENCE), list)).toBe('wrong_issuer');
    await expect(list.verify(await sign(LOCAL_ISSUER, API_AUDIENCE))).resolves.toMatchObject({
      userId: actor.userId,
    });
  });

  it('rejects unsigned tokens (alg: none), in every spelling', async () => {
    const claims = {
      sub: actor.userId,
      org: actor.organisationId,
      roles: ['admin'],
      iss: LOCAL_ISSUER,
      aud: API_AUDIENCE,
    };
    const unsecured = new UnsecuredJWT(claims).setIssuedAt().setExpirationTime('1h').encode();
    expect(await rejection(unsecured)).toBe('unsigned');
    const body = unsecured.split('.')[1]!;
    for (const alg of ['NONE', 'None']) {
      const header = Buffer.from(JSON.stringify({ alg, typ: 'JWT' })).toString('base64url');
      expect(await rejection(`${header}.${body}.`)).toBe('unsigned');
    }
    expect(await rejection(unsecured, new IssuerVerifierList([issuer]))).toBe('unsigned');
  });

  it('rejects an HMAC token made with the public key as secret (algorithm confusion)', async () => {
    const publicX = Buffer.from(issuer.jwks().keys[0]!.x!, 'base64url');
    const token = await new SignJWT({ org: actor.organisationId, roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(API_AUDIENCE)
      .setSubject(actor.userId)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(publicX);
    expect(await rejection(token)).toBe('bad_algorithm');
  });

  it('rejects malformed tokens', async () => {
    const kinds = new Set<AuthErrorKind>();
    for (const token of ['', 'abc', 'a.b', 'a.b.c', '!!.??.##', `${'x'.repeat(9000)}.a.b`]) {
      kinds.add(await rejection(token));
    }
    expect([...kinds].sort()).toEqual(['malformed', 'missing']);
    // A well-formed header over a garbage payload: the signature is checked before the payload is read.
    expect(await rejection('eyJhbGciOiJFZERTQSJ9.bm90IGpzb24.c2ln')).toBe('bad_signature');
  });

  it('rejects a validly signed token whose claims are not an actor (unknown role, non-opaque ids, not yet valid)', async () => {
    const { key, kid } = await signingKey();
    const sign = (claims: Record<string, unknown>, sub: string = actor.userId, nbf?: number) => {
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT' })
        .setIssuer(LOCAL_ISSUER)
        .setAudience(API_AUDIENCE)
        .setSubject(sub)
        .setIssuedAt()
        .setExpirationTime('1h');
      if (nbf) jwt.setNotBefore(nbf);
      return jwt.sign(key);
    };
    expect(await rejection(await sign({ org: actor.organisationId, roles: ['superuser'] }))).toBe(
      'invalid_claims',
    );
    expect(await rejection(await sign({ org: actor.organisationId, roles: [] }))).toBe(
      'invalid_claims',
    );
    expect(await rejection(await sign({ org: 'Helping Hands NGO', roles: ['admin'] }))).toBe(
      'invalid_claims',
    );
    expect(
      await rejection(
        await sign({ org: actor.organisationId, roles: ['admin'] }, 'ana@example.org'),
      ),
    ).toBe('invalid_claims');
    const inAnHour = Math.floor(Date.now() / 1000) + 3600;
    expect(
      await rejection(
        await sign({ org: actor.organisationId, roles: ['admin'] }, actor.userId, inAnHour),
      ),
    ).toBe('not_yet_valid');
  });

  it('mints only for opaque ids, known roles and bounded lifetimes', async () => {
    await expect(
      issuer.mintToken({ ...actor, userId: 'ana@example.org', roles: ['caseworker'] }),
    ).rejects.toThrow(TypeError);
    await expect(issuer.mintToken({ ...actor, roles: ['root' as never] })).rejects.toThrow(
      TypeError,
    );
    await expect(issuer.mintToken({ ...actor, roles: [] })).rejects.toThrow(TypeError);
    await expect(
      issuer.mintToken({ ...actor, roles: ['admin'], expiresIn: '30d' }),
    ).rejects.toThrow(/at most/);
    expect([
      parseDuration('90'),
      parseDuration('15m'),
      parseDuration('8h'),
      parseDuration('1d'),
      parseDuration(60),
    ]).toEqual([90, 900, 28800, 86400, 60]);
    expect(() => parseDuration('8 hours')).toThrow(TypeError);
    expect(() => parseDuration(0)).toThrow(TypeError);
  });

  it('AuthError messages never quote the token', async () => {
    const token = await issuer.mintToken({ ...actor, roles: ['caseworker'] });
    const error = await issuer.verify(`${token}x`).catch((e: Error) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).not.toContain(token.slice(0, 20));
  });
});

describe('CachingTokenVerifier', () => {
  let dataDir: string;
  let issuer: LocalTokenIssuer;
  const actor = {
    userId: randomUUID(),
    organisationId: randomUUID(),
    roles: ['caseworker' as const],
  };
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'remedy-auth-cache-'));
    issuer = await LocalTokenIssuer.load({ dataDir });
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it('verifies a token once, serves repeats from memory, and still refuses it once expired', async () => {
    let now = Date.now();
    let calls = 0;
    const counting = { verify: (t: string) => ((calls += 1), issuer.verify(t)) };
    const cached = new CachingTokenVerifier(counting, { now: () => now, ttlMs: 3_600_000 });
    const token = await issuer.mintToken({ ...actor, expiresIn: 60 });
    expect(cached.verified(token)).toBeUndefined(); // not verified yet
    await expect(cached.verify(token)).resolves.toEqual(actor);
    expect(cached.verified(token)).toEqual(actor); // without a promise (AuthGuard's path)
    await expect(cached.verify(token)).resolves.toEqual(actor);
    expect(calls).toBe(1);
    now += 61_000; // past exp: the cached result is not used, the token is verified again
    expect(cached.verified(token)).toBeUndefined();
    await cached.verify(token).catch(() => undefined);
    expect(calls).toBe(2);
  });

  it('never caches failures, and a token differing in one byte is verified on its own', async () => {
    const cached = new CachingTokenVerifier(issuer);
    const token = await issuer.mintToken(actor);
    await cached.verify(token);
    const c = token.at(-3)!;
    const tampered = `${token.slice(0, -3)}${c === 'A' ? 'B' : 'A'}${token.slice(-2)}`;
    expect(tampered).not.toBe(token);
    await expect(cached.verify(tampered)).rejects.toMatchObject({ kind: 'bad_signature' });
    await expect(cached.verify(tampered)).rejects.toMatchObject({ kind: 'bad_signature' });
  });
});
