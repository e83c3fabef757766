import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Get, Global, Inject, Module, Param, Req, Res } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandFactory, CommandRunnerService } from 'nest-commander';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import * as client from 'openid-client';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { AuthModule, createTokenVerifier, Public, type Role } from '@remedy/auth';
import { REMEDY_CONFIG, type RemedyConfig } from '@remedy/config';
import { configureHttpApp, fastifyOptions } from '@remedy/http';
import {
  type AccountClaims,
  CONSOLE_CLIENT_ID,
  createProvider,
  defaultTtls,
  EMBEDDED_PROVIDER,
  EmbeddedProvider,
  EmbeddedProviderModule,
  embeddedVerifierOptions,
  IDENTITY_ACCOUNTS,
  type IdentityAccounts,
  keyDbOf,
  keyRetentionSeconds,
  OidcKeyStore,
  postgresAdapterFactory,
  PROVIDER_CSP,
  SESSION_REVOKER,
  type SessionRevoker,
  sqlOf,
  sweepExpired,
} from '@remedy/identity';
import { PlatformModule } from '@remedy/platform';
import { SessionController } from '../../apps/api/src/session/session.controller';
import { CliContext } from '../../apps/cli/src/cli-context';
import { CliModule } from '../../apps/cli/src/cli.module';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { CookieJar, codeFlow, discover } from './support/oidc-flow';

/**
 * Issue 15: the embedded OpenID provider (oidc-provider at /oidc in the API's Fastify, its state
 * and keys in PostgreSQL), driven by openid-client as the console would, without a browser: the
 * login itself (the login pages' job) is a test-only interaction route that logs in whoever the
 * test names, through EMBEDDED_PROVIDER as the pages do.
 */

/** IdentityAccounts as far as the provider uses it: claims of active accounts, logouts. */
class FakeAccounts implements Pick<IdentityAccounts, 'claimsOf' | 'recordLogout'> {
  readonly accounts = new Map<string, AccountClaims>();
  readonly inactive = new Set<string>();
  readonly logouts: string[] = [];

  add(roles: readonly Role[], organisationId = randomUUID()): AccountClaims {
    const claims: AccountClaims = {
      userId: randomUUID(),
      organisationId,
      roles,
      displayName: 'A person',
      language: 'en',
    };
    this.accounts.set(claims.userId, claims);
    return claims;
  }

  async claimsOf(userId: string): Promise<AccountClaims | undefined> {
    return this.inactive.has(userId) ? undefined : this.accounts.get(userId);
  }

  async recordLogout(userId: string): Promise<void> {
    this.logouts.push(userId);
  }
}

/** Who the test's interaction route logs in next. */
const login: { accountId: string | undefined } = { accountId: undefined };

/** A stand-in for the login pages: finishes the interaction as `login.accountId`. */
@Controller('oidc/interaction')
class TestInteractionController {
  constructor(@Inject(EMBEDDED_PROVIDER) private readonly embedded: EmbeddedProvider) {}

  @Public()
  @Get(':uid')
  async show(
    @Param('uid') uid: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const details = await this.embedded.interactionDetails(request.raw, reply.raw);
    if (details.uid !== uid || details.prompt.name !== 'login')
      throw new Error(`unexpected interaction ${details.prompt.name}`);
    reply.hijack();
    await this.embedded.interactionFinished(request.raw, reply.raw, {
      login: { accountId: login.accountId!, amr: ['pwd'] },
    });
  }
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Api {
  readonly app: NestFastifyApplication;
  readonly base: string;
  session(token: string): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

/** The API's composition for these tests: platform, verifier as apps/api builds it, provider, GET /session. */
async function startApi(
  db: TestDatabase,
  accounts: FakeAccounts,
  env: Record<string, string>,
): Promise<Api> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'remedy-oidc-'));
  for (const key of ['OIDC_ISSUER', 'OIDC_AUDIENCE', 'OIDC_ALGORITHMS', 'REDIS_URL'])
    delete process.env[key];
  Object.assign(process.env, {
    DATABASE_URL: db.url,
    REMEDY_DATA_DIR: dataDir,
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ...env,
  });

  @Global()
  @Module({
    providers: [{ provide: IDENTITY_ACCOUNTS, useValue: accounts }],
    exports: [IDENTITY_ACCOUNTS],
  })
  class FakeAccountsModule {}

  @Module({
    imports: [
      PlatformModule.forRoot({ projections: [], runProjections: false, poolSize: 5 }),
      FakeAccountsModule,
      AuthModule.forRootAsync({
        inject: [REMEDY_CONFIG, DataSource],
        useFactory: async (config: RemedyConfig, dataSource: DataSource) =>
          createTokenVerifier({
            dataDir: config.dataDir,
            oidc: config.oidc,
            // Refresh on an unknown kid at once (no cooldown): the rotation test needs no wait.
            embedded: embeddedVerifierOptions(config, dataSource, { refreshCooldownMs: 0 }),
          }),
      }),
      EmbeddedProviderModule.forRoot({ refreshMs: 3_600_000 }),
    ],
    controllers: [SessionController, TestInteractionController],
  })
  class TestApiModule {}

  const moduleRef = await Test.createTestingModule({ imports: [TestApiModule] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(
    new FastifyAdapter(fastifyOptions()),
    { logger: false },
  );
  configureHttpApp(app, { security: { rateLimit: { perMinute: 1_000_000 } } });
  await app.listen({ port, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${port}`;
  return {
    app,
    base,
    async session(token) {
      const response = await fetch(`${base}/session`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return { status: response.status, body: await response.json() };
    },
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A second oidc-provider, as an external OpenID provider (configured like the embedded one, on
 * its own node:http server, own issuer, own in-memory keys), logging in `login.accountId`.
 */
async function startExternalProvider(db: TestDatabase, accounts: FakeAccounts) {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}/external`;
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'external-1', alg: 'ES256', use: 'sig' };
  const pool = new Pool({ connectionString: db.url, max: 2 });
  const provider = createProvider({
    issuer,
    publicUrl: `http://127.0.0.1:${port}`,
    accounts,
    sql: async (text, params) => (await pool.query(text, params ? [...params] : [])).rows,
    keys: { signing: [jwk], cookies: ['external-cookie-secret'], version: '1' },
    ttl: defaultTtls(300),
  });
  const handler = provider.callback();
  const server: Server = createHttpServer((req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/external/interaction/')) {
      void provider.interactionFinished(req, res, { login: { accountId: login.accountId! } });
      return;
    }
    (req as typeof req & { originalUrl?: string }).originalUrl = url;
    req.url = url.slice('/external'.length) || '/';
    void handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    issuer,
    redirectUri: `http://127.0.0.1:${port}/callback`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await pool.end();
    },
  };
}

describe('the embedded OpenID provider', () => {
  let db: TestDatabase;
  let api: Api;
  let pool: Pool;
  let config: client.Configuration;
  let issuer: string;
  let redirectUri: string;
  const accounts = new FakeAccounts();

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new Pool({ connectionString: db.url, max: 2 });
    api = await startApi(db, accounts, {});
    issuer = `${api.base}/oidc`;
    redirectUri = `${api.base}/callback`;
    config = await discover(issuer, CONSOLE_CLIENT_ID);
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await pool?.end();
    await db?.drop();
  });

  const signIn = async (claims: AccountClaims) => {
    login.accountId = claims.userId;
    return codeFlow(config, redirectUri);
  };

  it('publishes a discovery document and a key set that openid-client accepts', async () => {
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(issuer);
    expect(metadata.jwks_uri).toBe(`${issuer}/jwks`);
    expect(metadata.authorization_endpoint).toBe(`${issuer}/auth`);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.end_session_endpoint).toBe(`${issuer}/session/end`);
    // The project's security headers on the provider's hijacked answers, its own CSP.
    const answer = await fetch(metadata.jwks_uri!);
    expect(answer.headers.get('content-security-policy')).toBe(PROVIDER_CSP);
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('strict-transport-security')).toMatch(/max-age=/);
    const jwks = (await answer.json()) as {
      keys: Record<string, unknown>[];
    };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('logs the console in with code + PKCE: a JWT for the API with the account claims, accepted on GET /session', async () => {
    const person = accounts.add(['caseworker']);
    const tokens = await signIn(person);
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const claims = decodeJwt(tokens.access_token);
    expect(claims).toMatchObject({
      iss: issuer,
      aud: 'remedy-api',
      sub: person.userId,
      organisation_id: person.organisationId,
      roles: ['caseworker'],
      client_id: CONSOLE_CLIENT_ID,
    });
    expect(claims.exp! - claims.iat!).toBe(300);
    // The ID token names the account only.
    expect(Object.keys(tokens.claims()!)).not.toContain('name');
    // The accounts here are a stand-in for the port: no account row, so no display name.
    expect(await api.session(tokens.access_token)).toEqual({
      status: 200,
      body: {
        userId: person.userId,
        organisationId: person.organisationId,
        roles: ['caseworker'],
        displayName: null,
        language: null,
      },
    });
  });

  it('refuses an authorisation request without PKCE', async () => {
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid',
      state: 'x',
    });
    const response = await fetch(url, { redirect: 'manual' });
    const location = new URL(response.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(redirectUri);
    expect(location.searchParams.get('error')).toBe('invalid_request');
  });

  it('rotates the refresh token on every use: the old one is refused once used', async () => {
    const person = accounts.add(['supervisor']);
    const first = await signIn(person);
    const second = await client.refreshTokenGrant(config, first.refresh_token!);
    expect(second.refresh_token).toEqual(expect.any(String));
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await api.session(second.access_token)).status).toBe(200);
    await expect(client.refreshTokenGrant(config, first.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it("refuses a deactivated user's refresh token at once", async () => {
    const person = accounts.add(['caseworker']);
    const tokens = await signIn(person);
    accounts.inactive.add(person.userId);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    accounts.inactive.delete(person.userId);
  });

  it("revokeSessionsOf ends the user's sessions, grants and tokens, and no one else's", async () => {
    const leaver = accounts.add(['caseworker']);
    const stayer = accounts.add(['caseworker']);
    const leaverTokens = await signIn(leaver);
    const stayerTokens = await signIn(stayer);
    const rows = async (accountId: string) =>
      (
        await pool.query(
          `SELECT count(*)::int AS n FROM oidc_provider_store WHERE account_id = $1`,
          [accountId],
        )
      ).rows[0].n as number;
    expect(await rows(leaver.userId)).toBeGreaterThan(0);
    await api.app.get<symbol, SessionRevoker>(SESSION_REVOKER).revokeSessionsOf(leaver.userId);
    expect(await rows(leaver.userId)).toBe(0);
    await expect(
      client.refreshTokenGrant(config, leaverTokens.refresh_token!),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.refreshTokenGrant(config, stayerTokens.refresh_token!)).resolves.toEqual(
      expect.objectContaining({ access_token: expect.any(String) }),
    );
  });

  it('logs out (RP-initiated) and audits it through the accounts', async () => {
    const person = accounts.add(['caseworker']);
    login.accountId = person.userId;
    const jar = new CookieJar();
    const tokens = await codeFlow(config, redirectUri, jar);
    const endSession = client.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: `${api.base}/`,
    });
    const confirm = await fetch(endSession, { headers: { cookie: jar.header() } });
    jar.store(confirm);
    const page = await confirm.text();
    expect(confirm.status).toBe(200);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(page)![1]!;
    const done = await fetch(`${issuer}/session/end/confirm`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
      body: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
    });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`${api.base}/`);
    expect(accounts.logouts).toContain(person.userId);
    // The session's refresh token ended with it.
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('rotates the signing key (CLI): old tokens stay valid, new ones are signed with the new key', async () => {
    const person = accounts.add(['caseworker']);
    const before = await signIn(person);
    const oldKid = decodeProtectedHeader(before.access_token).kid;

    const out: string[] = [];
    const cli = await CommandFactory.createWithoutRunning(CliModule, { logger: false });
    const context = cli.get(CliContext);
    context.env = { DATABASE_URL: db.url, REMEDY_DATA_DIR: process.env.REMEDY_DATA_DIR! };
    context.out = (line) => out.push(line);
    context.info = () => undefined;
    try {
      await cli.get(CommandRunnerService).run(['node', 'remedy', 'keys', 'rotate-oidc']);
    } finally {
      await cli.close();
    }
    expect(out[0]).toMatch(/^embedded OpenID provider: new signing key [A-Za-z0-9_-]+$/);
    expect(out[1]).toBe(
      `previous key ${oldKid} stays published for ${keyRetentionSeconds(300)} s, then is removed`,
    );

    // This instance re-reads its keys (every minute; here at once).
    expect(await api.app.get<symbol, EmbeddedProvider>(EMBEDDED_PROVIDER).refreshKeys()).toBe(true);
    const after = await client.refreshTokenGrant(config, before.refresh_token!);
    const newKid = decodeProtectedHeader(after.access_token).kid;
    expect(newKid).not.toBe(oldKid);
    expect(out[0]).toContain(newKid);
    const jwks = (await (await fetch(`${issuer}/jwks`)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toEqual([newKid, oldKid]);
    // The API had not seen the new key: an unknown kid makes it re-read the key store.
    expect((await api.session(after.access_token)).status).toBe(200);
    expect((await api.session(before.access_token)).status).toBe(200);
  });

  it('creates the keys once when several instances start at once (advisory lock)', async () => {
    const store = () =>
      new OidcKeyStore(keyDbOf(api.app.get(DataSource)), keyRetentionSeconds(300));
    const { rows: before } = await pool.query(`SELECT kid FROM oidc_provider_keys ORDER BY kid`);
    await Promise.all([store().ensureKeys(), store().ensureKeys(), store().ensureKeys()]);
    const { rows: after } = await pool.query(`SELECT kid FROM oidc_provider_keys ORDER BY kid`);
    expect(after).toEqual(before);
    // On an empty store, too: exactly one current key of each kind.
    await pool.query(`DELETE FROM oidc_provider_keys`);
    await Promise.all([store().ensureKeys(), store().ensureKeys(), store().ensureKeys()]);
    const { rows } = await pool.query(
      `SELECT kind, count(*)::int AS n FROM oidc_provider_keys GROUP BY kind ORDER BY kind`,
    );
    expect(rows).toEqual([
      { kind: 'cookie', n: 1 },
      { kind: 'signing', n: 1 },
    ]);
    await api.app.get<symbol, EmbeddedProvider>(EMBEDDED_PROVIDER).refreshKeys();
  });

  it('ignores expired rows and sweeps them', async () => {
    const sql = sqlOf(api.app.get(DataSource));
    await pool.query(
      `INSERT INTO oidc_provider_store (model, id, payload, expires_at)
       VALUES ('Session', 'expired-one', '{"uid":"u-expired"}', now() - interval '1 second')`,
    );
    expect(await postgresAdapterFactory(sql)('Session').find('expired-one')).toBeUndefined();
    expect(await sweepExpired(sql)).toBeGreaterThanOrEqual(1);
    const { rows } = await pool.query(`SELECT 1 FROM oidc_provider_store WHERE id = 'expired-one'`);
    expect(rows).toEqual([]);
  });

  describe('and an external provider', () => {
    let external: Awaited<ReturnType<typeof startExternalProvider>>;
    let externalApi: Api;

    beforeAll(async () => {
      external = await startExternalProvider(db, accounts);
      externalApi = await startApi(db, accounts, {
        OIDC_ISSUER: external.issuer,
        OIDC_AUDIENCE: 'remedy-api',
        OIDC_ALGORITHMS: 'ES256',
      });
    }, 60_000);

    afterAll(async () => {
      await externalApi?.close();
      await external?.close();
    });

    it('with OIDC_ISSUER set: no embedded provider, and its tokens are refused', async () => {
      expect(externalApi.app.get(EMBEDDED_PROVIDER)).toBeNull();
      expect(
        (await fetch(`${externalApi.base}/oidc/.well-known/openid-configuration`)).status,
      ).toBe(404);
      const person = accounts.add(['caseworker']);
      const embeddedTokens = await signIn(person);
      expect((await api.session(embeddedTokens.access_token)).status).toBe(200);
      expect((await externalApi.session(embeddedTokens.access_token)).status).toBe(401);
    });

    it("the external provider's tokens: accepted by the API configured for it, refused by the embedded one's", async () => {
      const person = accounts.add(['legal_aid']);
      login.accountId = person.userId;
      const externalConfig = await discover(external.issuer, CONSOLE_CLIENT_ID);
      const tokens = await codeFlow(externalConfig, external.redirectUri);
      expect(decodeJwt(tokens.access_token).iss).toBe(external.issuer);
      expect(await externalApi.session(tokens.access_token)).toEqual({
        status: 200,
        body: {
          userId: person.userId,
          organisationId: person.organisationId,
          roles: ['legal_aid'],
          displayName: null,
          language: null,
        },
      });
      expect((await api.session(tokens.access_token)).status).toBe(401);
    });
  });
});
