import { randomUUID } from 'node:crypto';
import { addDays, calendarDateIn } from '@remedy/case-domain';
import { LegalAidClaimQueries, legalAidProjection, LegalAidQueries } from '@remedy/legal-aid';
import { actorsOf, catchUpWithWriter, readSidePerSuite } from '../cases/read/support/case-writer';
import { grantLegalAidAccess, legalAidLawyer, legalAidQueriesOn } from './case-writing';

const TZ = 'Europe/Vienna';

/**
 * Issue 12, item 10: a partial payment without `nextPaymentDueOn` leaves the outstanding amount
 * due on the date it had (the claim view, its next deadline and "deadlines in the next N days");
 * a new date replaces it; paying in full ends it.
 */
describe('legal aid: the outstanding amount keeps its due date (PostgreSQL)', () => {
  const h = readSidePerSuite([legalAidProjection]);
  let queries: LegalAidQueries;
  let claims: LegalAidClaimQueries;
  const holder = actorsOf();
  const legalOrg = randomUUID();
  const lawyer = legalAidLawyer(legalOrg);
  const lawyerActor = { userId: lawyer.userId, organisationId: legalOrg };
  const today = calendarDateIn(new Date(), TZ);
  const dueOn = addDays(today, 40);
  const claimId = randomUUID();
  let caseId: string;

  const project = () => catchUpWithWriter(h, legalAidProjection, 200);
  const claimView = async () => {
    const view = await queries.caseView(lawyerActor, caseId);
    return view!.claims.find((c) => c.claimId === claimId)!;
  };
  const pay = (amount: number, nextPaymentDueOn?: string) =>
    h.writer.run(caseId, {
      type: 'RecordClaimPayment',
      actor: lawyer,
      claimId,
      paymentId: randomUUID(),
      amount,
      currency: 'GBP',
      ...(nextPaymentDueOn ? { nextPaymentDueOn } : {}),
      personal: {},
    });

  beforeAll(async () => {
    ({ queries, claims } = legalAidQueriesOn(h, TZ));
    const cw = holder.caseworker;
    caseId = await h.writer.open(cw, { sequence: 1, birthDate: '1980-02-02' });
    await grantLegalAidAccess(h.writer, caseId, cw, legalOrg, 'en');
    await h.writer.run(caseId, {
      type: 'FileCompensationClaim',
      actor: lawyer,
      claimId,
      avenue: 'CivilClaim',
      respondentKind: 'Trafficker',
      currency: 'GBP',
      claimed: { MoralDamage: 200_000 },
      personal: {},
    });
    await h.writer.run(caseId, {
      type: 'DecideClaim',
      actor: lawyer,
      claimId,
      outcome: 'awarded',
      awarded: { MoralDamage: 200_000 },
      currency: 'GBP',
      paymentDueOn: dueOn,
      personal: {},
    });
  });

  it('a payment of 50,000 of 200,000 without a new date: 150,000 stays due on the award date', async () => {
    await pay(50_000);
    await project();
    expect(await claimView()).toMatchObject({
      paid: 50_000,
      outstanding: 150_000,
      paymentDueOn: dueOn,
      nextDeadline: { kind: 'payment_due', dueOn },
    });
    const listed = await claims.deadlines(lawyerActor, { days: 40 });
    expect(listed.items.map((d) => [d.claimId, d.kind, d.dueOn])).toEqual([
      [claimId, 'payment_due', dueOn],
    ]);
  });

  it('a later payment with a new date moves it; paying the rest ends it', async () => {
    const later = addDays(today, 60);
    await pay(50_000, later);
    await project();
    expect(await claimView()).toMatchObject({ outstanding: 100_000, paymentDueOn: later });
    await pay(100_000);
    await project();
    expect(await claimView()).toMatchObject({
      outstanding: 0,
      paymentDueOn: null,
      nextDeadline: null,
    });
    expect((await claims.deadlines(lawyerActor, { days: 366 })).items).toEqual([]);
  });
});
