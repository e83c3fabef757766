import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { addDays, calendarDateIn } from '@remedy/case-domain';
import {
  CaseRemindersModule,
  processReminder,
  REMINDERS_QUEUE,
  ReminderReconciler,
  reminderSettings,
  type ReminderJobData,
} from '@remedy/case-reminders';
import {
  claimDeadlineReminders,
  claimReminderJobId,
  outcomeFiguresFromReadModel,
} from '@remedy/legal-aid';
import { createQueueKit, type QueueKit } from '@remedy/queue';
import {
  createLegalAidApp,
  legalServiceWithStaff,
  organisationWithStaff,
  type ApiApp,
  type TestUser,
  type OrganisationWithStaff,
} from './support';

const TZ = 'Europe/Vienna';
type Staff = OrganisationWithStaff;

/**
 * The end-to-end walk over HTTP: one case with two claims through two avenues (a labour
 * tribunal award paid in two instalments; a state fund claim rejected, then awarded on appeal),
 * checking the legal-aid views, the totals and the reminders at each step. Reads carry
 * X-Min-Position (read your writes, no sleeps); reminders run through the real reconciler and
 * processor on the PostgreSQL queue backend.
 */
describe('legal aid: two claims through two avenues, end to end (HTTP, PostgreSQL)', () => {
  let api: ApiApp;
  let kit: QueueKit;
  let queue: Queue<ReminderJobData>;
  let reconciler: ReminderReconciler;
  let ds: DataSource;
  let holder: Staff;
  let legal: Staff;
  let otherLegal: Staff;
  let caseId: string;
  let tribunal: string;
  let fund: string;
  let position = '';
  const today = calendarDateIn(new Date(), TZ);
  const settings = reminderSettings({ timeZone: TZ, sources: [claimDeadlineReminders()] });

  const cmd = async (user: TestUser, path: string, body: object = {}) => {
    const res = await api.post(user, path, body);
    if (res.statusCode >= 300) throw new Error(`${path}: ${res.statusCode} ${res.body}`);
    position = res.json().position;
    return res.json();
  };
  const read = async (user: TestUser, path: string) => {
    const res = await api.get(user, path, { 'x-min-position': position });
    return { status: res.statusCode, body: res.statusCode === 200 ? res.json() : undefined };
  };
  const lawyerCase = async () => {
    const r = await read(legal.legalAid, `/legal-aid/cases/${caseId}`);
    expect(r.status).toBe(200);
    return r.body;
  };
  const claimIn = (view: { claims: { claimId: string }[] }, id: string) =>
    view.claims.find((c) => c.claimId === id) as Record<string, any>;
  const pending = async () =>
    (await queue.getJobs(['delayed', 'waiting', 'prioritized'], 0, 1000, true))
      .map((j) => j.id!)
      .sort();
  const jobIds = (kind: Parameters<typeof claimReminderJobId>[0], claimId: string, dueOn: string) =>
    [holder.organisationId, legal.organisationId].map((o) =>
      claimReminderJobId(kind, claimId, dueOn, o),
    );
  /** Reconcile against the read model as of the last write; fire (process) the jobs already due. */
  const reminders = async () => {
    await read(holder.caseworker, '/legal-aid/claims'); // waits for the projection (X-Min-Position)
    await reconciler.reconcile('full');
    for (const job of await queue.getJobs(['delayed', 'waiting'], 0, 1000, true)) {
      if (job.timestamp + job.delay <= Date.now()) {
        await processReminder(ds, settings, job);
        await job.remove().catch(() => undefined);
      }
    }
    return pending();
  };
  const due = async (user: TestUser) =>
    (
      (await read(user, '/reminders/due')).body.items as {
        kind: string;
        subjectId: string;
        dueOn: string;
      }[]
    ).map((r) => [r.kind, r.subjectId, r.dueOn]);

  beforeAll(async () => {
    api = await createLegalAidApp({ modules: [CaseRemindersModule.forApi()] });
    ds = api.app.get(DataSource);
    kit = createQueueKit(
      { kind: 'postgres', url: api.db.url },
      { prefix: `walk${randomUUID().slice(0, 6)}` },
    );
    queue = kit.queue<ReminderJobData>(REMINDERS_QUEUE);
    reconciler = new ReminderReconciler(ds, queue, settings);
    const admin = await api.user(['admin']);
    holder = await organisationWithStaff(api, admin);
    legal = await legalServiceWithStaff(api, admin);
    otherLegal = await legalServiceWithStaff(api, admin);
    const opened = await cmd(holder.caseworker, '/cases', {
      referralSource: 'LabourInspectorate',
      profile: {
        sexGender: 'Masculine',
        ageUncertain: false,
        citizenships: ['UA'],
        languages: ['uk', 'en'],
      },
      personal: {
        fullName: 'Walk Claimant',
        birthDate: '1985-06-01',
        contacts: ['+43 1 000 0000'],
        addresses: ['Hidden 1'],
      },
    });
    caseId = opened.caseId;
    await cmd(holder.caseworker, `/cases/${caseId}/victim-status`, {
      status: 'ActualVictimOfTrafficking',
      decidingBody: 'NGO',
      decidedOn: today,
      formsOfExploitation: ['ForcedLabour'],
      sectors: ['F_Construction'],
      countriesOfRecruitment: ['UA'],
      countriesOfTransit: [],
      countriesOfExploitation: ['AT'],
      meansOfControl: ['WithholdsDocuments'],
      personal: {},
    });
    await cmd(holder.caseworker, `/cases/${caseId}/consents`, {
      purpose: 'legal_aid_access',
      receivingOrganisationId: legal.organisationId,
      obtainedInLanguage: 'uk',
      interpreterUsed: true,
    });
    await cmd(holder.caseworker, `/cases/${caseId}/legal-aid-access`, {
      legalAidOrganisationId: legal.organisationId,
    });
  });

  afterAll(async () => {
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await kit?.close();
    await api?.close();
  });

  it('1. the lawyer records two remedies and files the tribunal claim; the views, totals and reminders follow', async () => {
    const r1 = await cmd(legal.legalAid, `/cases/${caseId}/remedies`, {
      remedyType: 'Compensation',
      avenue: 'LabourOrEmploymentTribunal',
    });
    await cmd(legal.legalAid, `/cases/${caseId}/remedies`, {
      remedyType: 'Compensation',
      avenue: 'StateCompensationFund',
    });
    const filed = await cmd(legal.legalAid, `/cases/${caseId}/claims`, {
      avenue: 'LabourOrEmploymentTribunal',
      respondentKind: 'Employer',
      currency: 'EUR',
      claimed: { UnpaidWages: 800_000, MoralDamage: 200_000 },
      filingDeadline: addDays(today, 30),
      legalRepresentativeId: legal.legalAid.userId,
      remedyId: r1.remedyId,
      personal: { text: 'wages for 14 months' },
    });
    tribunal = filed.claimId;
    const view = await lawyerCase();
    expect(view.remedies.map((r: { avenue: string }) => r.avenue)).toEqual([
      'LabourOrEmploymentTribunal',
      'StateCompensationFund',
    ]);
    expect(claimIn(view, tribunal)).toMatchObject({
      status: 'filed',
      currency: 'EUR',
      claimed: { total: 1_000_000 },
      awarded: null,
      paid: 0,
      outstanding: 0,
      legalRepresentativeId: legal.legalAid.userId,
      nextDeadline: { kind: 'filing_deadline', dueOn: addDays(today, 30) },
      texts: [expect.objectContaining({ value: { text: 'wages for 14 months' } })],
    });
    expect(JSON.stringify(view)).not.toContain('Hidden 1');
    const mine = (await read(legal.legalAid, '/legal-aid/claims?representative=me')).body;
    expect(mine.items.map((c: { claimId: string }) => c.claimId)).toEqual([tribunal]);
    expect((await read(legal.legalAid, '/legal-aid/deadlines?days=30')).body.items).toEqual([
      expect.objectContaining({
        claimId: tribunal,
        kind: 'filing_deadline',
        dueOn: addDays(today, 30),
      }),
    ]);
    expect((await read(legal.legalAid, '/legal-aid/deadlines?days=29')).body.items).toEqual([]);
    expect(await reminders()).toEqual(
      jobIds('claim_filing_deadline', tribunal, addDays(today, 30)).sort(),
    );
    expect((await read(otherLegal.legalAid, `/legal-aid/cases/${caseId}`)).status).toBe(404);
  });

  it('2. the caseworker files the state fund claim; the lawyer’s own list keeps one, the portfolio shows both avenues', async () => {
    const view0 = await lawyerCase();
    const fundRemedy = view0.remedies.find(
      (r: { avenue: string }) => r.avenue === 'StateCompensationFund',
    ).remedyId;
    fund = (
      await cmd(holder.caseworker, `/cases/${caseId}/claims`, {
        avenue: 'StateCompensationFund',
        respondentKind: 'StateFund',
        currency: 'EUR',
        claimed: { MaterialDamage: 300_000 },
        remedyId: fundRemedy,
      })
    ).claimId;
    expect(
      (await read(legal.legalAid, '/legal-aid/claims?representative=me')).body.items,
    ).toHaveLength(1);
    const all = (await read(legal.legalAid, '/legal-aid/claims')).body;
    expect(all.items).toHaveLength(2);
    expect(all.totals).toEqual([
      { currency: 'EUR', claims: 2, claimed: 1_300_000, awarded: 0, paid: 0, outstanding: 0 },
    ]);
    const portfolio = (await read(legal.legalAid, '/legal-aid/portfolio')).body;
    expect(
      portfolio.byAvenue.map((g: { avenue: string; claims: number }) => [g.avenue, g.claims]),
    ).toEqual([
      ['LabourOrEmploymentTribunal', 1],
      ['StateCompensationFund', 1],
    ]);
    expect(portfolio.byStatus).toEqual([
      {
        status: 'filed',
        currency: 'EUR',
        claims: 2,
        claimed: 1_300_000,
        awarded: 0,
        paid: 0,
        outstanding: 0,
      },
    ]);
    // The holder's caseworkers read the same claims of their case.
    expect((await read(holder.supervisor, '/legal-aid/portfolio')).body.totals).toEqual(
      portfolio.totals,
    );
  });

  it('3. tribunal hearing today, then an award payable in two days: reminders fire and reach both organisations', async () => {
    await cmd(legal.legalAid, `/cases/${caseId}/claims/${tribunal}/hearings`, { hearingOn: today });
    expect((await read(legal.legalAid, '/legal-aid/deadlines?days=0')).body.items).toEqual([
      expect.objectContaining({ claimId: tribunal, kind: 'hearing', dueOn: today }),
    ]);
    await reminders(); // the hearing is within its lead time: due at once
    expect(await due(legal.legalAid)).toEqual([['claim_hearing', tribunal, today]]);
    expect(await due(holder.caseworker)).toEqual([['claim_hearing', tribunal, today]]);

    await cmd(legal.legalAid, `/cases/${caseId}/claims/${tribunal}/decision`, {
      outcome: 'partly_awarded',
      awarded: { UnpaidWages: 600_000 },
      currency: 'EUR',
      paymentDueOn: addDays(today, 2),
    });
    const claim = claimIn(await lawyerCase(), tribunal);
    expect(claim).toMatchObject({
      status: 'decided',
      awarded: { total: 600_000, byHead: { UnpaidWages: 600_000 } },
      outstanding: 600_000,
      nextDeadline: { kind: 'hearing', dueOn: today },
    });
    expect(
      (await read(legal.legalAid, '/legal-aid/deadlines?days=5')).body.items.map(
        (d: { kind: string }) => d.kind,
      ),
    ).toEqual(['hearing', 'payment_due']);
    // The filing stage is over: its reminders go; the payment is due within 3 days: it fires.
    const left = await reminders();
    expect(left.filter((id) => id.startsWith('claim_filing_deadline'))).toEqual([]);
    expect(await due(legal.legalAid)).toEqual([
      ['claim_hearing', tribunal, today],
      ['claim_payment_due', tribunal, addDays(today, 2)],
    ]);
    await cmd(legal.legalAid, `/cases/${caseId}/claims/${tribunal}/final`);
  });

  it('4. the tribunal award is paid in two instalments: totals, the next due date and reminders move, then it closes', async () => {
    await cmd(holder.caseworker, `/cases/${caseId}/claims/${tribunal}/payments`, {
      amount: 250_000,
      currency: 'EUR',
      nextPaymentDueOn: addDays(today, 30),
    });
    let claim = claimIn(await lawyerCase(), tribunal);
    expect(claim).toMatchObject({
      status: 'final',
      paid: 250_000,
      outstanding: 350_000,
      paymentDueOn: addDays(today, 30),
    });
    expect(claim.payments).toHaveLength(1);
    expect(await reminders()).toEqual(
      jobIds('claim_payment_due', tribunal, addDays(today, 30)).sort(),
    );
    expect((await read(legal.legalAid, '/legal-aid/claims')).body.totals).toEqual([
      {
        currency: 'EUR',
        claims: 2,
        claimed: 1_300_000,
        awarded: 600_000,
        paid: 250_000,
        outstanding: 350_000,
      },
    ]);

    await cmd(holder.caseworker, `/cases/${caseId}/claims/${tribunal}/payments`, {
      amount: 350_000,
      currency: 'EUR',
    });
    claim = claimIn(await lawyerCase(), tribunal);
    expect(claim).toMatchObject({
      paid: 600_000,
      outstanding: 0,
      paymentDueOn: null,
      paymentOverdue: false,
    });
    expect(await reminders()).toEqual([]);
    await cmd(legal.legalAid, `/cases/${caseId}/claims/${tribunal}/closure`, {
      outcome: 'fully_paid',
    });
    claim = claimIn(await lawyerCase(), tribunal);
    expect(claim).toMatchObject({
      status: 'closed',
      closure: { outcome: 'fully_paid', closedOn: today },
      nextDeadline: null,
    });
    expect((await read(legal.legalAid, '/legal-aid/portfolio')).body.byStatus).toEqual([
      {
        status: 'closed',
        currency: 'EUR',
        claims: 1,
        claimed: 1_000_000,
        awarded: 600_000,
        paid: 600_000,
        outstanding: 0,
      },
      {
        status: 'filed',
        currency: 'EUR',
        claims: 1,
        claimed: 300_000,
        awarded: 0,
        paid: 0,
        outstanding: 0,
      },
    ]);
  });

  it('5. the state fund rejects, the claimant appeals, the appeal awards: the standing award replaces the rejection', async () => {
    await cmd(holder.caseworker, `/cases/${caseId}/claims/${fund}/decision`, {
      outcome: 'rejected',
      awarded: {},
      currency: 'EUR',
    });
    expect(claimIn(await lawyerCase(), fund)).toMatchObject({
      status: 'decided',
      awarded: { total: 0 },
      outstanding: 0,
    });
    await cmd(legal.legalAid, `/cases/${caseId}/claims/${fund}/appeal`, { appealedBy: 'claimant' });
    const hearingOn = addDays(today, 20);
    await cmd(legal.legalAid, `/cases/${caseId}/claims/${fund}/hearings`, { hearingOn });
    expect(claimIn(await lawyerCase(), fund)).toMatchObject({
      status: 'appealed',
      nextDeadline: { kind: 'hearing', dueOn: hearingOn },
    });
    expect(await reminders()).toEqual(jobIds('claim_hearing', fund, hearingOn).sort());

    await cmd(legal.legalAid, `/cases/${caseId}/claims/${fund}/decision`, {
      outcome: 'partly_awarded',
      awarded: { MaterialDamage: 150_000 },
      currency: 'EUR',
      paymentDueOn: addDays(today, 60),
    });
    const view = await lawyerCase();
    const claim = claimIn(view, fund);
    expect(claim).toMatchObject({
      status: 'decided',
      awarded: { total: 150_000 },
      outstanding: 150_000,
    });
    expect(
      claim.decisions.map((d: { instance: string; outcome: string }) => [d.instance, d.outcome]),
    ).toEqual([
      ['first_instance', 'rejected'],
      ['appeal', 'partly_awarded'],
    ]);
    expect(claim.appeals).toEqual([{ appealedBy: 'claimant', appealedOn: today }]);
    expect(view.totals).toEqual([
      {
        currency: 'EUR',
        claims: 2,
        claimed: 1_300_000,
        awarded: 750_000,
        paid: 600_000,
        outstanding: 150_000,
      },
    ]);
    expect(await reminders()).toEqual(
      [
        ...jobIds('claim_hearing', fund, hearingOn),
        ...jobIds('claim_payment_due', fund, addDays(today, 60)),
      ].sort(),
    );
    const portfolio = (await read(legal.legalAid, '/legal-aid/portfolio')).body;
    expect(
      portfolio.byAvenueAndStatus.map((g: { avenue: string; status: string; awarded: number }) => [
        g.avenue,
        g.status,
        g.awarded,
      ]),
    ).toEqual([
      ['LabourOrEmploymentTribunal', 'closed', 600_000],
      ['StateCompensationFund', 'decided', 150_000],
    ]);
    const year = Number(today.slice(0, 4));
    const figures = await outcomeFiguresFromReadModel(ds, { referenceCurrency: 'EUR', years: {} });
    expect(
      figures.rows.map((r) => [
        r.avenue,
        r.year,
        r.filed,
        r.decided,
        r.awarded,
        r.paidInFull,
        r.paidInPart,
      ]),
    ).toEqual([
      ['LabourOrEmploymentTribunal', year, 1, 1, 1, 1, 0],
      ['StateCompensationFund', year, 1, 1, 1, 0, 0],
    ]);
    expect(figures.rows[0]!.converted).toMatchObject({
      awarded: 600_000,
      paid: 600_000,
      sharePaid: 1,
    });
  });

  it('6. the person withdraws legal-aid consent: the lawyer loses case, claims, deadlines and reminders on the next request', async () => {
    await cmd(holder.caseworker, `/cases/${caseId}/consents/withdraw`, {
      purpose: 'legal_aid_access',
      receivingOrganisationId: legal.organisationId,
    });
    const noHeader = await api.get(legal.legalAid, `/legal-aid/cases/${caseId}`);
    expect(noHeader.statusCode).toBe(404);
    expect((await api.get(legal.legalAid, '/legal-aid/claims')).json()).toEqual({
      items: [],
      truncated: false,
      totals: [],
    });
    expect((await api.get(legal.legalAid, '/legal-aid/deadlines?days=366')).json().items).toEqual(
      [],
    );
    expect((await api.get(legal.legalAid, '/legal-aid/portfolio')).json().totals).toEqual([]);
    // Reminders: its jobs go, its open due reminders are pruned; the holder keeps its own.
    const left = await reminders();
    expect(left.some((id) => id.endsWith(legal.organisationId))).toBe(false);
    expect(left.filter((id) => id.endsWith(holder.organisationId))).toHaveLength(2);
    expect(await due(legal.legalAid)).toEqual([]);
    expect((await due(holder.caseworker)).length).toBeGreaterThanOrEqual(2);
    expect((await read(holder.caseworker, `/legal-aid/cases/${caseId}`)).body.claims).toHaveLength(
      2,
    );
    // Commands refuse the lawyer too (404, never 403 across organisations).
    expect(
      (
        await api.post(legal.legalAid, `/cases/${caseId}/claims/${fund}/payments`, {
          amount: 1,
          currency: 'EUR',
        })
      ).statusCode,
    ).toBe(404);
  });
});
