import type { CaseEvent } from '@remedy/case-domain';
import { claimDeadlines, foldClaim } from './claims.projection';
import type { LegalAidClaimRow } from './entities';

const meta = {
  caseId: 'case-1',
  organisationId: 'org-1',
  actorId: 'user-1',
  occurredAt: '2026-01-01T10:00:00.000Z',
  recordedAt: '2026-01-01T10:00:00.000Z',
};
const ev = (type: string, data: Record<string, unknown>) =>
  ({ type, schemaVersion: 1, data: { ...meta, ...data } }) as unknown as CaseEvent;
let revision = 0n;
const at = () => ({ revision: revision++, recordedAt: new Date('2026-01-01T10:00:00.000Z') });

function given(...events: CaseEvent[]): LegalAidClaimRow {
  revision = 0n;
  let row: LegalAidClaimRow | undefined;
  for (const e of events) row = foldClaim(row, e, at());
  return row!;
}

const filed = (over: Record<string, unknown> = {}) =>
  ev('CompensationClaimFiled', {
    claimId: 'claim-1',
    avenue: 'CivilClaim',
    respondentKind: 'Employer',
    currency: 'EUR',
    claimed: { UnpaidWages: 1000 },
    claimedTotal: 1000,
    filedOn: '2026-01-01',
    filingDeadline: '2026-03-01',
    filedLate: false,
    personal: { sealed: 'v1.ct-filed' },
    ...over,
  });
const decided = (awardedTotal: number, paymentDueOn?: string) =>
  ev('ClaimDecided', {
    claimId: 'claim-1',
    instance: 'first_instance',
    outcome: awardedTotal > 0 ? 'awarded' : 'rejected',
    awarded: awardedTotal > 0 ? { UnpaidWages: awardedTotal } : {},
    awardedTotal,
    currency: 'EUR',
    decidedOn: '2026-02-01',
    ...(paymentDueOn ? { paymentDueOn } : {}),
    personal: {},
  });
const paid = (amount: number, paidTotal: number, nextPaymentDueOn?: string) =>
  ev('ClaimPaymentReceived', {
    claimId: 'claim-1',
    paymentId: `p-${paidTotal}`,
    receivedOn: '2026-02-10',
    amount,
    currency: 'EUR',
    paidTotal,
    aboveAward: false,
    ...(nextPaymentDueOn ? { nextPaymentDueOn } : {}),
    personal: {},
  });

describe('claim rows (pure fold)', () => {
  it('given a filed claim, then its filing deadline is pending and its free text kept as ciphertext', () => {
    const row = given(filed());
    expect(row).toMatchObject({
      status: 'filed',
      claimed_total: 1000,
      awarded_total: null,
      outstanding: 0,
    });
    expect(row.deadlines).toEqual([
      { kind: 'filing_deadline', subjectId: 'claim-1', dueOn: '2026-03-01' },
    ]);
    expect(row.sealed_texts).toEqual([
      { eventType: 'CompensationClaimFiled', revision: '0', sealed: 'v1.ct-filed' },
    ]);
  });

  it('given a claim filed after its deadline, then no filing deadline is pending', () => {
    expect(given(filed({ filedOn: '2026-04-01', filedLate: true })).deadlines).toEqual([]);
  });

  it('given a decision with an award due, then the filing stage ends and the payment due date is pending', () => {
    const row = given(filed(), decided(800, '2026-02-20'));
    expect(row).toMatchObject({
      status: 'decided',
      awarded_total: 800,
      outstanding: 800,
      payment_due_on: '2026-02-20',
    });
    expect(row.deadlines).toEqual([
      { kind: 'payment_due', subjectId: 'claim-1', dueOn: '2026-02-20' },
    ]);
  });

  it('given instalments, then the due date moves to the next one, and goes once nothing is outstanding', () => {
    const partly = given(filed(), decided(800, '2026-02-20'), paid(300, 300, '2026-03-20'));
    expect(partly).toMatchObject({
      paid_total: 300,
      outstanding: 500,
      payment_due_on: '2026-03-20',
    });
    const full = given(
      filed(),
      decided(800, '2026-02-20'),
      paid(300, 300, '2026-03-20'),
      paid(500, 800, '2026-04-20'),
    );
    expect(full).toMatchObject({
      paid_total: 800,
      outstanding: 0,
      payment_due_on: null,
      deadlines: [],
    });
  });

  it('given hearings, then each is a deadline, soonest first; a closed claim has none', () => {
    const hearing = (id: string, on: string) =>
      ev('ClaimHearingScheduled', {
        claimId: 'claim-1',
        hearingId: id,
        hearingOn: on,
        personal: {},
      });
    const row = given(filed(), hearing('h2', '2026-02-15'), hearing('h1', '2026-02-10'));
    expect(row.deadlines.map((d) => [d.kind, d.subjectId, d.dueOn])).toEqual([
      ['hearing', 'h1', '2026-02-10'],
      ['hearing', 'h2', '2026-02-15'],
      ['filing_deadline', 'claim-1', '2026-03-01'],
    ]);
    const closed = foldClaim(
      row,
      ev('ClaimClosed', {
        claimId: 'claim-1',
        outcome: 'withdrawn',
        closedOn: '2026-02-01',
        awardedTotal: 0,
        paidTotal: 0,
        personal: {},
      }),
      at(),
    )!;
    expect(closed).toMatchObject({ status: 'closed', closure_outcome: 'withdrawn', deadlines: [] });
  });

  it('given an appeal decision, then it replaces the standing award', () => {
    const appeal = ev('ClaimAppealed', {
      claimId: 'claim-1',
      appealedBy: 'claimant',
      appealedOn: '2026-02-05',
      personal: {},
    });
    const onAppeal = ev('ClaimDecided', {
      claimId: 'claim-1',
      instance: 'appeal',
      outcome: 'partly_awarded',
      awarded: { UnpaidWages: 400 },
      awardedTotal: 400,
      currency: 'EUR',
      decidedOn: '2026-03-01',
      personal: {},
    });
    const row = given(filed(), decided(0), appeal, onAppeal);
    expect(row).toMatchObject({ status: 'decided', awarded_total: 400, outstanding: 400 });
    expect(row.decisions.map((d) => d.instance)).toEqual(['first_instance', 'appeal']);
  });

  it('ignores events of other claims, and erasure drops the ciphertexts only', () => {
    const row = given(filed());
    expect(foldClaim(row, ev('ClaimDecided', { ...decided(5).data, claimId: 'other' }), at())).toBe(
      row,
    );
    const erased = foldClaim(row, ev('PersonalDataErased', { erasureRequestId: 'e-1' }), at())!;
    expect(erased).toMatchObject({ sealed_texts: [], claimed_total: 1000, status: 'filed' });
    expect(claimDeadlines(erased)).toEqual(row.deadlines);
  });
});
