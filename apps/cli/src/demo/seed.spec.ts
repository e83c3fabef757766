import { AccessPolicyModule } from '@remedy/access-policy';
import { CASE_CIPHER, CaseCommandsModule } from '@remedy/case-commands';
import { CaseReadModelsModule } from '@remedy/case-read-models';
import { CaseRemindersModule } from '@remedy/case-reminders';
import { parsePosition } from '@remedy/event-store';
import { LegalAidModule } from '@remedy/legal-aid';
import { CheckpointWaiter } from '@remedy/projections';
import { ALL_PROJECTIONS } from '@remedy/read-models';
import { createApiApp, type ApiApp } from '../../../../test/support/api-app';
import { DEMO_ORGANISATIONS, FAMILY_NAMES } from './fictional';
import { formatDemoSummary, planCase, seedDemo, type DemoReport } from './seed';

const CASES = 20;

describe('npm run demo: seeding through the command API', () => {
  let api: ApiApp;
  let apiUrl: string;
  let report: DemoReport;

  beforeAll(async () => {
    api = await createApiApp({
      modules: [
        // The API's access policy (PolicyGuard), as `npm run demo` meets it: a second run retries
        // answers the policy now refuses (a declined or completed referral's receiver).
        AccessPolicyModule.forRoot(),
        CaseCommandsModule,
        CaseReadModelsModule.forRoot({ imports: [CaseCommandsModule], cipherToken: CASE_CIPHER }),
        LegalAidModule.forRoot({ imports: [CaseCommandsModule], cipherToken: CASE_CIPHER }),
        CaseRemindersModule.forApi(),
      ],
      projections: ALL_PROJECTIONS,
      env: { REMEDY_JURISDICTION_TIMEZONE: 'Europe/Vienna' },
    });
    await api.app.listen(0, '127.0.0.1');
    const address = api.app.getHttpServer().address() as { port: number };
    apiUrl = `http://127.0.0.1:${address.port}`;
    report = await seedDemo({ apiUrl, dataDir: api.dataDir, cases: CASES, concurrency: 4 });
    // Every projection has applied everything the demo wrote (no sleeps: the checkpoint waiter).
    const caughtUp = await api.app.get(CheckpointWaiter).waitFor(
      ALL_PROJECTIONS.map((p) => p.name),
      parsePosition(report.lastPosition!)!,
      20_000,
    );
    expect(caughtUp).toBe(true);
  });
  afterAll(async () => api?.close());

  const scalar = async (sql: string, params: unknown[] = []) =>
    Number((await api.pool.query(sql, params)).rows[0].n);

  it('plans every state the brief asks for, deterministically (the same plan on every run)', () => {
    const plans = Array.from({ length: 300 }, (_, i) => planCase(i, '2026-11-29'));
    expect(JSON.stringify(plans)).toBe(
      JSON.stringify(Array.from({ length: 300 }, (_, i) => planCase(i, '2026-11-29'))),
    );
    const steps = new Set(plans.flatMap((p) => p.steps.map((s) => s.name.replace(/-\d+$/, ''))));
    for (const step of [
      'open',
      'identify',
      'not-a-victim',
      'consent-assistance',
      'reflection',
      'assistance',
      'refer',
      'referral-accept',
      'referral-complete',
      'referral-decline',
      'presume-minority',
      'guardian',
      'best-interests-referral',
      'best-interests-closure',
      'closure-request',
      'closure-approve',
      'reopen',
      'note',
      'legal-aid-access',
      'remedy',
      'claim',
      'claim-hearing',
      'claim-decision',
      'claim-payment',
      'claim-closure',
    ])
      expect({ step, planned: steps.has(step) }).toEqual({ step, planned: true });
    const opened = plans.map(
      (p) => p.steps[0]!.body as { profile: { sexGender: string; citizenships: string[] } },
    );
    expect(new Set(opened.map((b) => b.profile.sexGender)).size).toBe(6);
    expect(new Set(opened.map((b) => b.profile.citizenships[0])).size).toBeGreaterThan(5);
    expect(plans.filter((p) => p.referral === 'pending').length).toBeGreaterThan(0);
    expect(new Set(plans.map((p) => p.claim?.currency).filter(Boolean)).size).toBeGreaterThan(3);
    expect(new Set(plans.map((p) => p.claim?.stage).filter(Boolean)).size).toBe(5);
  });

  it('registers the fictional organisations (a legal-aid organisation of type LegalService) through POST /organisations', async () => {
    expect(report.failures).toEqual([]);
    expect(report.requests.failed).toBe(0);
    const { rows } = await api.pool.query<{ code: string; type: string; name: string }>(
      'SELECT code, type, name FROM organisation_directory ORDER BY code',
    );
    expect(rows).toEqual(
      [...DEMO_ORGANISATIONS]
        .sort((a, b) => a.code.localeCompare(b.code))
        .map((o) => ({ code: o.code, type: o.type, name: o.name })),
    );
    expect(rows.find((r) => r.code === 'DFLA')!.type).toBe('LegalService');
    expect(rows.every((r) => r.name.includes('fictional'))).toBe(true);
    expect(
      await scalar(`SELECT count(*) AS n FROM events WHERE event_type = 'OrganisationRegistered'`),
    ).toBe(DEMO_ORGANISATIONS.length);
  });

  it('appends exactly the planned events, and the case list holds every case in its planned state', async () => {
    const { rows } = await api.pool.query<{ event_type: string; n: string }>(
      `SELECT event_type, count(*) AS n FROM events WHERE stream_id LIKE 'case-%' GROUP BY event_type`,
    );
    expect(Object.fromEntries(rows.map((r) => [r.event_type, Number(r.n)]))).toEqual(
      report.expected.events,
    );
    expect(report.expected.events.CaseOpened).toBe(CASES);

    const byStatus = await api.pool.query<{ status: string; n: string }>(
      'SELECT lifecycle AS status, count(*) AS n FROM case_list GROUP BY lifecycle',
    );
    const expectedStatus = Object.fromEntries(
      Object.entries(report.expected.byStatus).filter(([, n]) => n > 0),
    );
    expect(Object.fromEntries(byStatus.rows.map((r) => [r.status, Number(r.n)]))).toEqual(
      expectedStatus,
    );
    expect(await scalar('SELECT count(*) AS n FROM case_list')).toBe(CASES);

    const claims = await api.pool.query<{ currency: string; n: string }>(
      'SELECT currency, count(*) AS n FROM legal_aid_claims GROUP BY currency',
    );
    expect(Object.fromEntries(claims.rows.map((r) => [r.currency, Number(r.n)]))).toEqual(
      report.expected.claimsByCurrency,
    );
    expect(Object.keys(report.expected.claimsByCurrency).length).toBeGreaterThan(1);

    const referrals = await api.pool.query<{ status: string; n: string }>(
      'SELECT status, count(*) AS n FROM case_referrals GROUP BY status',
    );
    expect(Object.fromEntries(referrals.rows.map((r) => [r.status, Number(r.n)]))).toEqual(
      Object.fromEntries(Object.entries(report.expected.referrals).filter(([, n]) => n > 0)),
    );
  });

  it('answers the printed requests: the caseworker sees the cases of the first NGO, the legal-aid lawyer those with access', async () => {
    const cw = report.users.caseworker;
    const list = await fetch(`${apiUrl}/cases?limit=100`, {
      headers: { authorization: `Bearer ${cw.token}` },
    });
    expect(list.status).toBe(200);
    const holder = DEMO_ORGANISATIONS.find((o) => o.holdsCases)!;
    const planned = Array.from({ length: CASES }, (_, i) => planCase(i, report.anchor)).filter(
      (p) => p.holder.key === holder.key,
    );
    expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(planned.length);

    const detail = await fetch(`${apiUrl}/cases/${report.samples.caseId}`, {
      headers: { authorization: `Bearer ${cw.token}` },
    });
    expect(detail.status).toBe(200);
    const personal = JSON.stringify(((await detail.json()) as { personal: unknown }).personal);
    expect(FAMILY_NAMES.some((name) => personal.includes(name))).toBe(true);

    const lawyer = { authorization: `Bearer ${report.users.legal_aid.token}` };
    const legal = await fetch(`${apiUrl}/legal-aid/cases/${report.samples.legalAidCaseId}`, {
      headers: lawyer,
    });
    expect(legal.status).toBe(200);
    const claims = await fetch(`${apiUrl}/legal-aid/claims?representative=me`, { headers: lawyer });
    expect(claims.status).toBe(200);
    const plannedClaims = Object.values(report.expected.claimsByCurrency).reduce(
      (a, b) => a + b,
      0,
    );
    expect(plannedClaims).toBeGreaterThan(0);
    expect(((await claims.json()) as { items: unknown[] }).items).toHaveLength(plannedClaims);
    const summary = formatDemoSummary(report, apiUrl).join('\n');
    for (const role of ['caseworker', 'supervisor', 'legal_aid', 'rapporteur', 'admin'])
      expect(summary).toContain(
        `export ${role.toUpperCase()}_TOKEN=${report.users[role as 'admin'].token}`,
      );
    expect(summary.match(/^curl /gm)).toHaveLength(15);
  });

  it('appends nothing when run again (same Idempotency-Keys, same plan)', async () => {
    const before = await scalar('SELECT count(*) AS n FROM events');
    const again = await seedDemo({ apiUrl, dataDir: api.dataDir, cases: CASES, concurrency: 4 });
    expect(again.requests.failed).toBe(0);
    expect(again.requests.replayed).toBe(again.requests.sent);
    expect(again.anchor).toBe(report.anchor);
    expect(await scalar('SELECT count(*) AS n FROM events')).toBe(before);
  });
});
