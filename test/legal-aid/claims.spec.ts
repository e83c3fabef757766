import { randomUUID } from 'node:crypto';
import { addDays, calendarDateIn } from '@remedy/case-domain';
import {
  LegalAidClaimQueries,
  legalAidProjection,
  LegalAidQueries,
  outcomeFiguresFromReadModel,
} from '@remedy/legal-aid';
import {
  CheckpointWaiter,
  ProjectionRunner,
  rebuildProjection,
  waitForProjection,
} from '@remedy/projections';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  actorsOf,
  eventsOf,
  openReadSide,
  type ReadSideHarness,
  projectionRunner,
} from '../cases/read/support/case-writer';
import { grantLegalAidAccess, legalAidLawyer, legalAidQueriesOn } from './case-writing';

const TZ = 'Europe/Vienna';

/**
 * Claim read models on real PostgreSQL: claims per case, per lawyer and per organisation, amounts
 * per currency (never mixed), next deadlines, the portfolio and "deadlines in the next N days";
 * organisations without live access see nothing; re-application and rebuild change nothing.
 */
describe('legal-aid claim read models (PostgreSQL)', () => {
  let db: TestDatabase;
  let h: ReadSideHarness;
  let runner: ProjectionRunner;
  let waiter: CheckpointWaiter;
  let queries: LegalAidQueries;
  let claims: LegalAidClaimQueries;
  const holder = actorsOf();
  const legalOrg = randomUUID();
  const otherLegalOrg = randomUUID();
  const lawyerId = randomUUID();
  const today = calendarDateIn(new Date(), TZ);
  let caseA: string;
  let caseB: string;
  const tribunal = randomUUID();
  const fund = randomUUID();
  const usd = randomUUID();
  const lawyerOf = (organisationId: string) => ({ userId: lawyerId, organisationId });

  beforeAll(async () => {
    db = await createTestDatabase();
    h = await openReadSide(db.url, [legalAidProjection]);
    waiter = new CheckpointWaiter(h.ds);
    runner = projectionRunner(h, legalAidProjection);
    runner.start();
    ({ queries, claims } = legalAidQueriesOn(h, TZ));
    const cw = holder.caseworker;
    caseA = await h.writer.open(cw, {
      sequence: 1,
      birthDate: '1988-03-03',
      fullName: 'Claimant A',
    });
    caseB = await h.writer.open(cw, {
      sequence: 2,
      birthDate: '1985-05-05',
      fullName: 'Claimant B',
    });
    await grantLegalAidAccess(h.writer, caseA, cw, legalOrg);
    const lawyer = legalAidLawyer(legalOrg, lawyerId);
    await h.writer.run(caseA, {
      type: 'FileCompensationClaim',
      actor: lawyer,
      claimId: tribunal,
      avenue: 'LabourOrEmploymentTribunal',
      respondentKind: 'Employer',
      currency: 'EUR',
      claimed: { UnpaidWages: 400_000, MoralDamage: 100_000 },
      filingDeadline: addDays(today, 3),
      legalRepresentativeId: lawyerId,
      personal: { text: 'filed with the tribunal' },
    });
    await h.writer.run(caseA, {
      type: 'ScheduleClaimHearing',
      actor: lawyer,
      claimId: tribunal,
      hearingId: randomUUID(),
      hearingOn: addDays(today, 10),
      personal: {},
    });
    await h.writer.run(caseA, {
      type: 'DecideClaim',
      actor: lawyer,
      claimId: tribunal,
      outcome: 'partly_awarded',
      awarded: { UnpaidWages: 300_000 },
      currency: 'EUR',
      paymentDueOn: addDays(today, 20),
      personal: {},
    });
    await h.writer.run(caseA, {
      type: 'RecordClaimPayment',
      actor: lawyer,
      claimId: tribunal,
      paymentId: randomUUID(),
      amount: 100_000,
      currency: 'EUR',
      nextPaymentDueOn: addDays(today, 40),
      personal: {},
    });
    await h.writer.run(caseA, {
      type: 'FileCompensationClaim',
      actor: cw,
      claimId: fund,
      avenue: 'StateCompensationFund',
      respondentKind: 'StateFund',
      currency: 'EUR',
      claimed: { MaterialDamage: 50_000 },
      personal: {},
    });
    await h.writer.run(caseA, {
      type: 'DecideClaim',
      actor: cw,
      claimId: fund,
      outcome: 'rejected',
      awarded: {},
      currency: 'EUR',
      personal: {},
    });
    await h.writer.run(caseB, {
      type: 'FileCompensationClaim',
      actor: cw,
      claimId: usd,
      avenue: 'CivilClaim',
      respondentKind: 'RecruitmentAgency',
      currency: 'USD',
      claimed: { Other: 70_000 },
      filingDeadline: addDays(today, 5),
      personal: {},
    });
    expect(
      await waitForProjection(h.ds, legalAidProjection.name, h.writer.lastPosition, 10_000),
    ).toBe(true);
  });

  afterAll(async () => {
    await runner?.stop();
    await waiter?.close();
    await h?.close();
    await db?.drop();
  });

  it('folds each claim: status, standing award, paid, outstanding and next deadline', async () => {
    const view = await queries.caseView(lawyerOf(legalOrg), caseA);
    expect(view).toBeDefined();
    const byId = new Map(view!.claims.map((c) => [c.claimId, c]));
    expect(byId.get(tribunal)).toMatchObject({
      avenue: 'LabourOrEmploymentTribunal',
      status: 'decided',
      currency: 'EUR',
      claimed: { total: 500_000 },
      awarded: { total: 300_000, byHead: { UnpaidWages: 300_000 } },
      paid: 100_000,
      outstanding: 200_000,
      paymentDueOn: addDays(today, 40),
      paymentOverdue: false,
      legalRepresentativeId: lawyerId,
      nextDeadline: { kind: 'hearing', dueOn: addDays(today, 10) },
      texts: [
        {
          eventType: 'CompensationClaimFiled',
          revision: 3,
          erased: false,
          value: { text: 'filed with the tribunal' },
        },
      ],
    });
    expect(byId.get(fund)).toMatchObject({
      status: 'decided',
      awarded: { total: 0 },
      outstanding: 0,
      nextDeadline: null,
    });
    expect(view!.totals).toEqual([
      {
        currency: 'EUR',
        claims: 2,
        claimed: 550_000,
        awarded: 300_000,
        paid: 100_000,
        outstanding: 200_000,
      },
    ]);
  });

  it('lists claims per organisation with totals per currency (never mixed); other organisations see none', async () => {
    const mine = await claims.listClaims(lawyerOf(legalOrg));
    expect(mine.items.map((c) => c.claimId).sort()).toEqual([tribunal, fund].sort());
    expect(mine.items[0]).toMatchObject({ claimId: tribunal, reference: 'ORG-2026-00001' }); // soonest deadline first
    const all = await claims.listClaims(holder.caseworker);
    expect(all.items).toHaveLength(3);
    expect(all.totals).toEqual([
      {
        currency: 'EUR',
        claims: 2,
        claimed: 550_000,
        awarded: 300_000,
        paid: 100_000,
        outstanding: 200_000,
      },
      { currency: 'USD', claims: 1, claimed: 70_000, awarded: 0, paid: 0, outstanding: 0 },
    ]);
    expect(await claims.listClaims(lawyerOf(otherLegalOrg))).toEqual({
      items: [],
      truncated: false,
      totals: [],
    });
    expect(await queries.caseView(lawyerOf(otherLegalOrg), caseA)).toBeUndefined();
    expect(await queries.caseView(lawyerOf(legalOrg), caseB)).toBeUndefined();
  });

  it('lists claims per lawyer (legal representative) and per case', async () => {
    const lawyers = await claims.listClaims(lawyerOf(legalOrg), { representativeId: lawyerId });
    expect(lawyers.items.map((c) => c.claimId)).toEqual([tribunal]);
    expect(lawyers.totals).toEqual([
      {
        currency: 'EUR',
        claims: 1,
        claimed: 500_000,
        awarded: 300_000,
        paid: 100_000,
        outstanding: 200_000,
      },
    ]);
    const ofB = await claims.listClaims(holder.caseworker, { caseId: caseB });
    expect(ofB.items.map((c) => c.claimId)).toEqual([usd]);
    expect(
      (await claims.listClaims(holder.caseworker, { status: 'filed' })).items.map((c) => c.claimId),
    ).toEqual([usd]);
  });

  it('gives the portfolio per avenue and status, per currency', async () => {
    const p = await claims.portfolio(holder.caseworker);
    expect(p.byAvenueAndStatus).toEqual([
      {
        avenue: 'CivilClaim',
        status: 'filed',
        currency: 'USD',
        claims: 1,
        claimed: 70_000,
        awarded: 0,
        paid: 0,
        outstanding: 0,
      },
      {
        avenue: 'LabourOrEmploymentTribunal',
        status: 'decided',
        currency: 'EUR',
        claims: 1,
        claimed: 500_000,
        awarded: 300_000,
        paid: 100_000,
        outstanding: 200_000,
      },
      {
        avenue: 'StateCompensationFund',
        status: 'decided',
        currency: 'EUR',
        claims: 1,
        claimed: 50_000,
        awarded: 0,
        paid: 0,
        outstanding: 0,
      },
    ]);
    expect(p.byStatus).toEqual([
      {
        status: 'decided',
        currency: 'EUR',
        claims: 2,
        claimed: 550_000,
        awarded: 300_000,
        paid: 100_000,
        outstanding: 200_000,
      },
      {
        status: 'filed',
        currency: 'USD',
        claims: 1,
        claimed: 70_000,
        awarded: 0,
        paid: 0,
        outstanding: 0,
      },
    ]);
    expect(p.byAvenue.map((g) => [g.avenue, g.currency, g.claims])).toEqual([
      ['CivilClaim', 'USD', 1],
      ['LabourOrEmploymentTribunal', 'EUR', 1],
      ['StateCompensationFund', 'EUR', 1],
    ]);
    expect(p.totals.map((t) => t.currency)).toEqual(['EUR', 'USD']);
    expect((await claims.portfolio(lawyerOf(legalOrg))).totals).toEqual([
      {
        currency: 'EUR',
        claims: 2,
        claimed: 550_000,
        awarded: 300_000,
        paid: 100_000,
        outstanding: 200_000,
      },
    ]);
  });

  it('lists deadlines in the next N days, inclusive, for the organisations that reach the claim', async () => {
    const in5 = await claims.deadlines(holder.caseworker, { days: 5 });
    expect(in5.items.map((d) => [d.claimId, d.kind, d.dueOn])).toEqual([
      [usd, 'filing_deadline', addDays(today, 5)],
    ]);
    const lawyer30 = await claims.deadlines(lawyerOf(legalOrg), { days: 30 });
    expect(lawyer30.items.map((d) => [d.kind, d.dueOn])).toEqual([['hearing', addDays(today, 10)]]);
    const lawyer40 = await claims.deadlines(lawyerOf(legalOrg), { days: 40 });
    expect(lawyer40.items.map((d) => [d.kind, d.dueOn])).toEqual([
      ['hearing', addDays(today, 10)],
      ['payment_due', addDays(today, 40)],
    ]);
    expect((await claims.deadlines(lawyerOf(otherLegalOrg), { days: 366 })).items).toEqual([]);
  });

  it("gives the lawyer's outcome figures by avenue and year over the claims their organisation reaches only", async () => {
    const year = Number(today.slice(0, 4));
    const mine = await claims.outcomes(lawyerOf(legalOrg));
    expect(mine.referenceCurrency).toBeNull();
    expect(
      mine.rows.map((r) => [r.avenue, r.year, r.filed, r.decided, r.awarded, r.paidInPart]),
    ).toEqual([
      ['LabourOrEmploymentTribunal', year, 1, 1, 1, 1],
      ['StateCompensationFund', year, 1, 1, 0, 0],
    ]);
    expect((await claims.outcomes(lawyerOf(otherLegalOrg))).rows).toEqual([]);
  });

  it('gives outcome figures from the read model, leaving out persons who object to statistical use', async () => {
    const year = Number(today.slice(0, 4));
    const rates = { referenceCurrency: 'EUR' as const, years: { [String(year)]: { USD: '0.5' } } };
    const before = await outcomeFiguresFromReadModel(h.ds, rates);
    expect(
      before.rows.map((r) => [r.avenue, r.year, r.filed, r.decided, r.awarded, r.paidInPart]),
    ).toEqual([
      ['CivilClaim', year, 1, 0, 0, 0],
      ['LabourOrEmploymentTribunal', year, 1, 1, 1, 1],
      ['StateCompensationFund', year, 1, 1, 0, 0],
    ]);
    expect(before.rows[1]!.converted).toMatchObject({
      currency: 'EUR',
      awarded: 300_000,
      paid: 100_000,
    });
    await h.writer.run(caseB, { type: 'RecordStatisticalUseObjection', actor: holder.caseworker });
    expect(
      await waitForProjection(h.ds, legalAidProjection.name, h.writer.lastPosition, 10_000),
    ).toBe(true);
    const after = await outcomeFiguresFromReadModel(h.ds, rates);
    expect(after.rows.map((r) => r.avenue)).toEqual([
      'LabourOrEmploymentTribunal',
      'StateCompensationFund',
    ]);
  });

  it('ignores claim events applied again, and a rebuild gives the same rows', async () => {
    const snapshot = async () =>
      (await h.ds.query(
        `SELECT claim_id, row_to_json(c)::jsonb - 'updated_at' AS r FROM legal_aid_claims c ORDER BY claim_id`,
      )) as unknown[];
    const before = await snapshot();
    const events = await eventsOf(h, legalAidProjection);
    await h.ds.transaction((em) => legalAidProjection.apply(events, em));
    await h.ds.transaction((em) => legalAidProjection.apply(events.slice(0, 5), em));
    expect(await snapshot()).toEqual(before);
    await rebuildProjection({
      dataSource: h.ds,
      eventStore: h.store,
      projection: legalAidProjection,
      lockTimeoutMs: 10_000,
    });
    expect(await snapshot()).toEqual(before);
  });

  it("erasure drops the claims' free text; amounts, dates and access stay", async () => {
    await h.writer.run(caseA, {
      type: 'ErasePersonalData',
      actor: holder.supervisor,
      erasureRequestId: randomUUID(),
    });
    await h.cipher.destroyCaseKey(caseA);
    expect(
      await waitForProjection(h.ds, legalAidProjection.name, h.writer.lastPosition, 10_000),
    ).toBe(true);
    const view = (await queries.caseView(lawyerOf(legalOrg), caseA))!;
    expect(view.person).toEqual({ erased: true });
    expect(view.claims.find((c) => c.claimId === tribunal)).toMatchObject({
      texts: [],
      awarded: { total: 300_000 },
      paid: 100_000,
    });
    const { rows } = await h.pool.query(
      `SELECT sealed_texts FROM legal_aid_claims WHERE case_id = $1`,
      [caseA],
    );
    expect(rows.map((r) => r.sealed_texts)).toEqual([[], []]);
  });
});
