import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import { Pool } from 'pg';
import { AccessPolicyModule } from '@remedy/access-policy';
import { AuthError, createTokenVerifier, LocalTokenIssuer, type Role } from '@remedy/auth';
import { loadConfig } from '@remedy/config';
import { LocalKeyManagementService } from '@remedy/crypto';
import {
  AccountClaimsCache,
  AccountStore,
  AccountsModule,
  createAccountStore,
  DeactivatedSet,
  NO_ACCOUNT,
  SecretBox,
} from '@remedy/identity';
import { createCommandsApp, registerOrganisation } from '../cases/commands/support';
import { createApiApp, type ApiApp } from '../support/api-app';
import { createTestDatabase, type TestDatabase } from '../support/database';

const CONTEXT = { ip: '127.0.0.1' };
const PASSWORD = 'a long enough passphrase';

/**
 * The accounts of the embedded provider against real PostgreSQL (issue 15): lockout and its
 * audit, one-time links (single use, expiry), TOTP enrolment and login (no code twice),
 * deactivated users' tokens refused at once (this process and, through NOTIFY, another one),
 * local-issuer tokens only while AUTH_LOCAL_TOKENS is enabled.
 */
describe('accounts of the embedded provider (PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: Pool;
  let dataDir: string;
  let clock: Date;
  let accounts: AccountStore;
  const organisationId = randomUUID();
  const byCli = () => ({ requestId: `cli-${randomUUID()}` });

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new Pool({ connectionString: db.url, max: 5 });
    dataDir = mkdtempSync(join(tmpdir(), 'remedy-accounts-'));
    clock = new Date();
    const config = loadConfig({
      DATABASE_URL: db.url,
      REMEDY_DATA_DIR: dataDir,
      LOGIN_MAX_FAILURES: '3',
      LOGIN_LOCKOUT_MINUTES: '15',
    });
    const secrets = new SecretBox(await LocalKeyManagementService.load({ dataDir }));
    accounts = createAccountStore({ pool, secrets, config, now: () => clock });
  });

  afterAll(async () => {
    await pool.end();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A new account with its password set through its setup link. */
  async function account(roles: ('caseworker' | 'admin' | 'org_admin')[] = ['caseworker']) {
    const loginName = `user.${randomUUID().slice(0, 8)}`;
    const { userId, link } = await accounts.create(
      { organisationId, loginName, displayName: 'Test Person', roles, language: 'en' },
      byCli(),
    );
    const secret = link.url.split('#')[1]!;
    expect(await accounts.completeLink(secret, PASSWORD)).toEqual({ ok: true, userId });
    return { userId, loginName };
  }

  const auditRules = async (userId: string) =>
    (
      await pool.query<{ rule: string; method: string; route: string }>(
        `SELECT rule, method, route FROM audit_trail WHERE user_id = $1 ORDER BY audit_id`,
        [userId],
      )
    ).rows;

  it('wrong password ×3 → locked (even the right password is refused), each failure and the lock audited', async () => {
    const { userId, loginName } = await account();
    for (let i = 0; i < 2; i++)
      expect(await accounts.passwordLogin(loginName, 'wrong password here', CONTEXT)).toEqual({
        kind: 'refused',
      });
    const third = await accounts.passwordLogin(loginName, 'wrong password here', CONTEXT);
    expect(third).toEqual({ kind: 'locked', retryAfterSeconds: 900 });
    expect(await accounts.passwordLogin(loginName, PASSWORD, CONTEXT)).toMatchObject({
      kind: 'locked',
    });
    const rows = await auditRules(userId);
    expect(rows.map((r) => r.rule)).toEqual([
      'USER_CREATED',
      'PASSWORD_SET',
      'LOGIN_FAILED',
      'LOGIN_FAILED',
      'LOGIN_FAILED',
      'LOGIN_LOCKED',
      'LOGIN_LOCKED',
    ]);
    expect(rows.every((r) => r.method === 'AUTH' && r.route.startsWith('/identity/'))).toBe(true);
    // After the lockout minutes, the right password signs in and the count starts again.
    clock = new Date(clock.getTime() + 15 * 60_000 + 1_000);
    expect(await accounts.passwordLogin(loginName, PASSWORD, CONTEXT)).toEqual({
      kind: 'signed_in',
      userId,
    });
    expect((await auditRules(userId)).at(-1)!.rule).toBe('LOGIN_SUCCEEDED');
  });

  it('an unknown login name is refused like a wrong password, audited without any id', async () => {
    const before = (await auditRules(NO_ACCOUNT)).length;
    expect(await accounts.passwordLogin('nobody.here', PASSWORD, CONTEXT)).toEqual({
      kind: 'refused',
    });
    expect((await auditRules(NO_ACCOUNT)).length).toBe(before + 1);
  });

  it('a one-time link works once, and not after its expiry (24 h setup, 1 h reset)', async () => {
    const { userId, loginName } = await account();
    const reset = await accounts.passwordResetLink(userId, byCli());
    expect(new Date(reset.expiresAt).getTime() - clock.getTime()).toBe(3_600_000);
    const secret = reset.url.split('#')[1]!;
    expect(reset.url.startsWith('http://localhost:3000/oidc/setup#')).toBe(true);
    expect(await accounts.inspectLink(secret)).toMatchObject({ userId, purpose: 'reset' });
    // The password policy is checked before the link is used up.
    expect(await accounts.completeLink(secret, loginName)).toEqual({
      ok: false,
      problem: 'same_as_login_name',
    });
    expect(await accounts.completeLink(secret, 'short')).toEqual({
      ok: false,
      problem: 'too_short',
    });
    expect(await accounts.completeLink(secret, 'another long passphrase')).toEqual({
      ok: true,
      userId,
    });
    expect(await accounts.completeLink(secret, 'yet another passphrase')).toEqual({
      ok: false,
      problem: 'link_expired_or_used',
    });
    expect(await accounts.inspectLink(secret)).toBeUndefined();
    // Only a hash is stored.
    const stored = await pool.query(`SELECT secret_sha256 FROM identity_links WHERE user_id = $1`, [
      userId,
    ]);
    expect(stored.rows.every((r) => !String(r.secret_sha256).includes(secret))).toBe(true);

    const late = await accounts.passwordResetLink(userId, byCli());
    clock = new Date(clock.getTime() + 3_600_000 + 1);
    expect(await accounts.completeLink(late.url.split('#')[1]!, 'late long passphrase')).toEqual({
      ok: false,
      problem: 'link_expired_or_used',
    });
    expect((await auditRules(userId)).map((r) => r.rule)).toContain('PASSWORD_RESET');
  });

  it('TOTP: enrolment, then password → second factor → code; a code is never accepted twice; a wrong code counts as a failure', async () => {
    const { userId, loginName } = await account();
    const { secret, otpauthUri } = await accounts.beginTotpEnrolment(userId);
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    const epoch = () => Math.floor(clock.getTime() / 1000);
    expect(await accounts.confirmTotpEnrolment(userId, '000000')).toBe(false);
    expect(
      await accounts.confirmTotpEnrolment(userId, await generate({ secret, epoch: epoch() })),
    ).toBe(true);
    // The secret is encrypted at rest.
    const row = await pool.query(`SELECT totp_secret FROM identity_accounts WHERE user_id = $1`, [
      userId,
    ]);
    expect(row.rows[0].totp_secret).not.toContain(secret);

    expect(await accounts.passwordLogin(loginName, PASSWORD, CONTEXT)).toEqual({
      kind: 'second_factor',
      userId,
      factors: ['totp'],
    });
    clock = new Date(clock.getTime() + 30_000);
    const code = await generate({ secret, epoch: epoch() });
    expect(await accounts.totpLogin(userId, code, CONTEXT)).toEqual({ kind: 'signed_in', userId });
    expect(await accounts.totpLogin(userId, code, CONTEXT)).toEqual({ kind: 'refused' });
    // One step of drift either way is accepted.
    clock = new Date(clock.getTime() + 60_000);
    const previous = await generate({ secret, epoch: epoch() - 30 });
    expect(await accounts.totpLogin(userId, previous, CONTEXT)).toEqual({
      kind: 'signed_in',
      userId,
    });
    // Wrong codes lock the account as wrong passwords do.
    await accounts.totpLogin(userId, '123456', CONTEXT);
    await accounts.totpLogin(userId, '123456', CONTEXT);
    expect(await accounts.totpLogin(userId, '123456', CONTEXT)).toMatchObject({ kind: 'locked' });
    // An administrator's reset removes the factor (audited).
    await accounts.resetSecondFactor(userId, byCli());
    expect((await accounts.get(userId))!.secondFactors).toEqual([]);
    const rules = (await auditRules(userId)).map((r) => r.rule);
    expect(rules).toEqual(expect.arrayContaining(['FACTOR_ENROLLED', 'FACTOR_RESET']));
  });

  it("an organisation's rule: a second factor required and none enrolled → enrol one", async () => {
    const { userId, loginName } = await account();
    await accounts.setLoginPolicy(organisationId, true, undefined, {
      requestId: 'cli-policy',
      actorUserId: userId,
      actorRoles: ['admin'],
    });
    try {
      expect(await accounts.passwordLogin(loginName, PASSWORD, CONTEXT)).toEqual({
        kind: 'enrol_second_factor',
        userId,
      });
    } finally {
      await accounts.setLoginPolicy(organisationId, false, undefined, {
        requestId: 'cli-policy',
        actorUserId: userId,
        actorRoles: ['admin'],
      });
    }
  });

  it('passkeys: options name the relying party of PUBLIC_URL and need user verification; a forged answer is refused', async () => {
    const { userId } = await account();
    const registration = await accounts.passkeyRegistrationOptions(userId);
    expect(registration.options).toMatchObject({
      rp: { id: 'localhost', name: 'Remedy' },
      authenticatorSelection: { userVerification: 'required', residentKey: 'required' },
    });
    expect(
      await accounts.verifyPasskeyRegistration(userId, registration.challengeId, {
        id: 'AAAA',
        rawId: 'AAAA',
        type: 'public-key',
        response: { clientDataJSON: 'e30', attestationObject: 'AAAA' },
      }),
    ).toBe(false);
    // The challenge was used up by the attempt.
    expect(
      await pool.query(`SELECT 1 FROM identity_webauthn_challenges WHERE challenge_id = $1`, [
        registration.challengeId,
      ]),
    ).toMatchObject({ rowCount: 0 });
    const login = await accounts.passkeyLoginOptions();
    expect(login.options).toMatchObject({ rpId: 'localhost', userVerification: 'required' });
    expect(
      await accounts.passkeyLogin(login.challengeId, { id: 'unknown', response: {} }, CONTEXT),
    ).toEqual({ kind: 'refused' });
  });

  it('a deactivation reaches another API process through NOTIFY', async () => {
    const { userId } = await account();
    const other = new DeactivatedSet(pool, () => accounts.deactivatedUserIds());
    await other.start();
    try {
      expect(other.isDeactivated(userId)).toBe(false);
      await accounts.deactivate(userId, undefined, byCli());
      for (let i = 0; i < 100 && !other.isDeactivated(userId); i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(other.isDeactivated(userId)).toBe(true);
      expect(await accounts.claimsOf(userId)).toBeUndefined();
      expect(
        await accounts.passwordLogin((await accounts.get(userId))!.loginName, PASSWORD, CONTEXT),
      ).toEqual({
        kind: 'refused',
      });
      await accounts.reactivate(userId, undefined, byCli());
      for (let i = 0; i < 100 && other.isDeactivated(userId); i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(other.isDeactivated(userId)).toBe(false);
    } finally {
      await other.close();
    }
  });

  it("an account's claims cached by GET /session: a change through one process is seen by another within the NOTIFY (< 5 s here, milliseconds in practice), by the changing process at once", async () => {
    const { userId } = await account();
    const stranger = randomUUID();
    // This process: its own changes invalidate at once (after the commit).
    const own = new AccountClaimsCache(pool, (id) => accounts.claimsOf(id));
    accounts.onClaimsChange((id) => own.invalidate(id));
    // Another API process: only the notification reaches it.
    let loads = 0;
    const other = new AccountClaimsCache(pool, (id) => {
      loads++;
      return accounts.claimsOf(id);
    });
    await own.start();
    await other.start();
    const seenByOther = async (
      check: (c: Awaited<ReturnType<AccountClaimsCache['claimsOf']>>) => boolean,
    ) => {
      const started = Date.now();
      while (!check(await other.claimsOf(userId))) {
        if (Date.now() - started > 5_000)
          throw new Error('the change did not reach the other process');
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    try {
      expect(await other.claimsOf(userId)).toMatchObject({ language: 'en', roles: ['caseworker'] });
      expect(await own.claimsOf(userId)).toMatchObject({ language: 'en' });
      // Cached: no more reads of the table.
      const before = loads;
      for (let i = 0; i < 10; i++) await other.claimsOf(userId);
      expect(loads).toBe(before);
      // No account: cached as none too.
      expect(await other.claimsOf(stranger)).toBeUndefined();

      await accounts.setLanguage(userId, 'fr');
      expect(await own.claimsOf(userId)).toMatchObject({ language: 'fr' });
      await seenByOther((c) => c?.language === 'fr');

      await accounts.setRoles(userId, ['supervisor'], undefined, byCli());
      expect(await own.claimsOf(userId)).toMatchObject({ roles: ['supervisor'] });
      await seenByOther((c) => c?.roles.join() === 'supervisor');

      // A change made outside the AccountStore (an administrator's SQL) is notified too.
      await pool.query(`UPDATE identity_accounts SET display_name = 'Renamed' WHERE user_id = $1`, [
        userId,
      ]);
      await seenByOther((c) => c?.displayName === 'Renamed');

      await accounts.deactivate(userId, undefined, byCli());
      expect(await own.claimsOf(userId)).toBeUndefined();
      await seenByOther((c) => c === undefined);
      await accounts.reactivate(userId, undefined, byCli());
      await seenByOther((c) => c?.displayName === 'Renamed');
    } finally {
      await own.close();
      await other.close();
    }
  });

  it('local-issuer tokens are accepted only while AUTH_LOCAL_TOKENS is enabled', async () => {
    const issuer = await LocalTokenIssuer.load({ dataDir });
    const token = await issuer.mintToken({
      userId: randomUUID(),
      organisationId,
      roles: ['caseworker'],
    });
    const enabled = loadConfig({ DATABASE_URL: db.url, REMEDY_DATA_DIR: dataDir });
    const disabled = loadConfig({
      DATABASE_URL: db.url,
      REMEDY_DATA_DIR: dataDir,
      AUTH_LOCAL_TOKENS: 'disabled',
    });
    expect(enabled.identity.localTokens).toBe(true);
    expect(disabled.identity.localTokens).toBe(false);
    const on = await createTokenVerifier({ dataDir, localTokens: enabled.identity.localTokens });
    await expect(on.verify(token)).resolves.toMatchObject({ organisationId });
    const off = await createTokenVerifier({ dataDir, localTokens: disabled.identity.localTokens });
    await expect(off.verify(token)).rejects.toEqual(new AuthError('wrong_issuer'));
  });
});

describe('user administration over HTTP: deactivated users refused at once', () => {
  let api: ApiApp;

  beforeAll(async () => {
    api = await createApiApp({ modules: [AccessPolicyModule.forRoot(), AccountsModule.forRoot()] });
  });
  afterAll(async () => api?.close());

  it("a deactivated user's local-issuer token is refused (401) on the next request; reactivated, accepted again; an admin cannot deactivate itself (422)", async () => {
    const admin = await api.user(['admin']);
    const orgAdmin = await api.user(['org_admin']);
    const store = api.app.get(AccountStore);
    const { userId } = await store.create(
      {
        organisationId: orgAdmin.organisationId,
        loginName: `leaver.${randomUUID().slice(0, 6)}`,
        displayName: 'Leaver',
        roles: ['org_admin'],
        language: 'fr',
      },
      { requestId: 'cli-test' },
    );
    const issuer = await LocalTokenIssuer.load({ dataDir: api.dataDir });
    const leaver = {
      userId,
      organisationId: orgAdmin.organisationId,
      roles: ['org_admin'] as const,
      token: await issuer.mintToken({
        userId,
        organisationId: orgAdmin.organisationId,
        roles: ['org_admin'],
      }),
    };
    expect((await api.get(leaver, `/users/${userId}`)).statusCode).toBe(200);
    // Another organisation's administrator: 404 (users are not public); a platform admin: any.
    const stranger = await api.user(['org_admin']);
    expect((await api.get(stranger, `/users/${userId}`)).statusCode).toBe(404);
    const read = await api.get(admin, `/users/${userId}`);
    expect(read.statusCode).toBe(200);
    expect(read.headers.etag).toBe('"1"');

    const off = await api.post(admin, `/users/${userId}/deactivation`, undefined, {
      'if-match': '"1"',
    });
    expect(off.statusCode).toBe(200);
    const refused = await api.get(leaver, `/users/${userId}`);
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ reason: 'deactivated' });

    expect((await api.post(admin, `/users/${userId}/reactivation`)).statusCode).toBe(200);
    expect((await api.get(leaver, `/users/${userId}`)).statusCode).toBe(200);

    const self = await api.post(leaver, `/users/${userId}/deactivation`);
    expect(self.statusCode).toBe(422);
    expect(self.json()).toMatchObject({ rule: 'ACCOUNT_SELF_DEACTIVATION' });
    // An organisation administrator never grants admin.
    const grant = await api.request(leaver, {
      method: 'PUT',
      url: `/users/${userId}/roles`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ roles: ['admin'] }),
    });
    expect(grant.statusCode).toBe(403);
  });
});

describe("an organisation's caseworkers by display name (whom a case can be assigned to)", () => {
  let api: ApiApp;

  beforeAll(async () => {
    api = await createCommandsApp({
      modules: [AccessPolicyModule.forRoot(), AccountsModule.forRoot()],
    });
  });
  afterAll(async () => api?.close());

  it("the organisation's caseworkers by display name: its caseworkers and supervisors read them (active, with those roles only); its other roles and other organisations 403", async () => {
    const admin = await api.user(['admin']);
    const { organisationId: own } = await registerOrganisation(api, admin);
    const { organisationId: elsewhere } = await registerOrganisation(api, admin);
    const supervisor = await api.user(['supervisor'], own);
    const store = api.app.get(AccountStore);
    const account = async (displayName: string, roles: Role[], organisationId: string) =>
      (
        await store.create(
          {
            organisationId,
            loginName: `cw.${randomUUID().slice(0, 8)}`,
            displayName,
            roles,
            language: 'en',
          },
          { requestId: 'cli-test' },
        )
      ).userId;
    const zoe = await account('Zoë Caseworker', ['caseworker'], own);
    const amal = await account('Amal Supervisor', ['supervisor', 'caseworker'], own);
    await account('Olga Admin', ['org_admin'], own);
    const gone = await account('Gone Caseworker', ['caseworker'], own);
    await store.deactivate(gone, undefined, { requestId: 'cli-test' });
    const caseworker = await api.user(['caseworker'], elsewhere);
    await account('Elsewhere', ['caseworker'], caseworker.organisationId);

    const listed = await api.get(supervisor, `/organisations/${own}/caseworkers`);
    expect(listed.statusCode).toBe(200);
    expect(listed.json()).toEqual({
      items: [
        { userId: amal, displayName: 'Amal Supervisor' },
        { userId: zoe, displayName: 'Zoë Caseworker' },
      ],
    });
    // Another organisation's caseworker, its own organisation's administrator: 403.
    expect((await api.get(caseworker, `/organisations/${own}/caseworkers`)).statusCode).toBe(403);
    const orgAdmin = await api.user(['org_admin'], own);
    expect((await api.get(orgAdmin, `/organisations/${own}/caseworkers`)).statusCode).toBe(403);
    const mine = await api.get(
      caseworker,
      `/organisations/${caseworker.organisationId}/caseworkers`,
    );
    expect(mine.statusCode).toBe(200);
    expect(mine.json().items.map((u: { displayName: string }) => u.displayName)).toEqual([
      'Elsewhere',
    ]);
  });
});
