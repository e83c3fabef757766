import { SignJWT, generateKeyPair } from 'jose';
import { DataSource } from 'typeorm';
import { EVENT_STORE } from '@remedy/event-store';
import { rebuildProjection } from '@remedy/projections';
import {
  CASE_CIPHER,
  CaseCommandsModule,
  organisationDirectoryProjection,
} from '@remedy/case-commands';
import {
  CaseReadModelsModule,
  DASHBOARD_FIGURES,
  casesProjection,
  dashboardProjection,
  type SupervisorDashboard,
} from '@remedy/case-read-models';
import { ExternalStaffNames } from '@remedy/identity';
import { createApiApp, type ApiApp } from '../../support/api-app';
import {
  DASHBOARD_TIME_ZONE,
  NAMED_CASEWORKER,
  seedDashboard,
  type DashboardSeed,
} from '../../support/dashboard-seed';
import { organisationWithStaff, type OrganisationWithStaff } from '../commands/support';

/**
 * The supervisor's dashboard over HTTP and PostgreSQL (issue 17 item 2): every figure equals the
 * count computed from the seeded cases; GET /cases?figure= lists exactly the cases behind each;
 * another organisation's supervisor sees none of them (row-level security); other roles 403;
 * a rebuild of the projection from the first event gives the same figures; with an external
 * provider, the `name` claim is recorded once per token lifetime and names the caseworker.
 */
describe('the supervisor dashboard (HTTP, PostgreSQL)', () => {
  let api: ApiApp;
  let holder: OrganisationWithStaff;
  let receiver: OrganisationWithStaff;
  let seed: DashboardSeed;

  beforeAll(async () => {
    api = await createApiApp({
      modules: [
        CaseCommandsModule,
        CaseReadModelsModule.forRoot({ imports: [CaseCommandsModule], cipherToken: CASE_CIPHER }),
      ],
      projections: [organisationDirectoryProjection, casesProjection, dashboardProjection],
      env: { REMEDY_JURISDICTION_TIMEZONE: DASHBOARD_TIME_ZONE },
    });
    const admin = await api.user(['admin']);
    holder = await organisationWithStaff(api, admin);
    receiver = await organisationWithStaff(api, admin);
    seed = await seedDashboard(api, holder, receiver);
  }, 300_000);

  afterAll(async () => {
    await api?.close();
  });

  const get = async (user = holder.supervisor, url = '/dashboard/supervisor') => {
    const res = await api.get(user, url, { 'x-min-position': seed.position });
    expect(res.statusCode).toBe(200);
    return res.json();
  };

  const figuresOf = (d: SupervisorDashboard) => ({
    openTotal: d.openTotal,
    openCells: Object.fromEntries(
      d.openCases.map((c) => [`${c.caseworkerName ?? ''}|${c.identificationStatus}`, c.count]),
    ),
    firstAssistance: d.firstAssistance,
    reflectionEndingIn7Days: d.reflectionEndingIn7Days,
    reflectionEndingIn30Days: d.reflectionEndingIn30Days,
    childrenAwaitingAssessment: d.childrenAwaitingAssessment,
    referralsSent: d.referralsSent,
    referralsReceived: d.referralsReceived,
    closuresAwaitingApproval: d.closuresAwaitingApproval,
    overdueReminders: d.overdueReminders,
  });

  it('every figure equals the count computed from the seeded cases', async () => {
    const dashboard = (await get()) as SupervisorDashboard;
    expect(dashboard.today).toBe(seed.today);
    expect(figuresOf(dashboard)).toEqual(seed.expected);
  });

  it('GET /cases?figure= lists exactly the cases behind each figure', async () => {
    for (const figure of DASHBOARD_FIGURES) {
      const page = await get(holder.supervisor, `/cases?figure=${figure}&limit=100`);
      const ids = (page.items as { caseId: string }[]).map((i) => i.caseId).sort();
      expect({ figure, ids }).toEqual({ figure, ids: seed.casesBehind[figure] });
    }
    const named = await get(
      holder.supervisor,
      `/cases?figure=open&caseworkerId=${seed.namedCaseworkerId}&limit=100`,
    );
    const namedCells = Object.entries(seed.expected.openCells).filter(([k]) =>
      k.startsWith(`${NAMED_CASEWORKER}|`),
    );
    expect(named.items).toHaveLength(namedCells.reduce((sum, [, n]) => sum + n, 0));
  });

  it("another organisation's supervisor sees none of the holder's cases; other roles are refused", async () => {
    const theirs = (await get(receiver.supervisor)) as SupervisorDashboard;
    // The receiver holds one case (referred to the holder) and answered two of the holder's referrals.
    expect(theirs.openTotal).toBe(1);
    expect(theirs.referralsReceived.count).toBe(seed.expected.referralsSent.count);
    expect(theirs.closuresAwaitingApproval).toBe(0);
    const stranger = await api.user(['supervisor']);
    const empty = (await get(stranger)) as SupervisorDashboard;
    expect(empty.openTotal + empty.referralsSent.count + empty.overdueReminders).toBe(0);
    for (const role of ['caseworker', 'legal_aid', 'rapporteur', 'admin'] as const) {
      const res = await api.get(
        await api.user([role], holder.organisationId),
        '/dashboard/supervisor',
      );
      expect({ role, status: res.statusCode }).toEqual({ role, status: 403 });
    }
    expect(
      (await api.request(undefined, { method: 'GET', url: '/dashboard/supervisor' })).statusCode,
    ).toBe(401);
    expect((await api.get(holder.supervisor, '/cases?figure=nonsense')).statusCode).toBe(400);
  });

  it('a rebuild of the projection from the first event gives the same figures', async () => {
    const before = await get();
    const report = await rebuildProjection({
      dataSource: api.app.get(DataSource),
      eventStore: api.app.get(EVENT_STORE),
      projection: dashboardProjection,
    });
    expect(report.events).toBeGreaterThan(0);
    expect(await get()).toEqual(before);
  });

  it("an external provider's name claim is recorded once per token lifetime and names the caseworker", async () => {
    const issuer = 'https://idp.example.org/realms/remedy';
    const { privateKey } = await generateKeyPair('ES256');
    const token = (name: string, exp: number) =>
      new SignJWT({ name, org: holder.organisationId })
        .setProtectedHeader({ alg: 'ES256' })
        .setIssuer(issuer)
        .setSubject(seed.unnamedCaseworkerId)
        .setIssuedAt()
        .setExpirationTime(exp)
        .sign(privateKey);
    const actor = {
      userId: seed.unnamedCaseworkerId,
      organisationId: holder.organisationId,
      roles: ['caseworker' as const],
    };
    let now = 1_000;
    const writes: unknown[][] = [];
    const pool = {
      query: (sql: string, params: unknown[]) => {
        writes.push(params);
        return api.pool.query(sql, params);
      },
    };
    const names = new ExternalStaffNames(pool as never, issuer, () => now);
    names.seen(actor, await token('Omar Saleh', 2_000));
    await names.settled();
    names.seen(actor, await token('Omar Saleh', 2_000)); // same lifetime: no write
    names.seen(actor, await token('Someone Else', 3_000)); // still within the first token's lifetime
    await names.settled();
    expect(writes).toHaveLength(1);
    // Another issuer's token is never recorded.
    now = 2_500;
    const other = new ExternalStaffNames(pool as never, 'https://elsewhere.example.org', () => now);
    other.seen(actor, await token('Not Recorded', 4_000));
    await other.settled();
    expect(writes).toHaveLength(1);
    const dashboard = (await get()) as SupervisorDashboard;
    const cell = dashboard.openCases.find((c) => c.caseworkerId === seed.unnamedCaseworkerId);
    expect(cell?.caseworkerName).toBe('Omar Saleh');
  });
});
