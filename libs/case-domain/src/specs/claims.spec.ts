import { CLAIM_RESPONDENT_KINDS, REMEDY_AVENUES } from '../code-lists';
import type {
  Actor,
  AppealClaim,
  CaseCommand,
  CloseClaim,
  DecideClaim,
  FileCompensationClaim,
  RecordClaimPayment,
} from '../commands';
import { decide } from '../decide';
import type { CaseEvent, ClaimClosed, ClaimPaymentReceived } from '../events';
import type { RuleId } from '../rules/errors';
import { createJurisdictionPolicy } from '../rules/policy';
import { evolveAll } from '../state';
import {
  LEGAL_ORG,
  NOW,
  ORG,
  administrator,
  approveClosure,
  caseworker,
  checksLegalAidAccess,
  extend,
  grantLegalAid,
  history,
  identify,
  lawyer,
  meta,
  openCase,
  openChildCase,
  outsider,
  policy,
  recorded,
  requestClosure,
  spec,
  supervisor,
} from '../testing/fixtures';

// ---- commands ----

const file = (patch: Partial<FileCompensationClaim> = {}): FileCompensationClaim => ({
  type: 'FileCompensationClaim',
  actor: caseworker,
  claimId: 'claim-1',
  avenue: 'LabourOrEmploymentTribunal',
  respondentKind: 'Employer',
  currency: 'EUR',
  claimed: { UnpaidWages: 1_200_000, MoralDamage: 300_000 },
  filedOn: '2026-06-01',
  filingDeadline: '2026-06-30',
  personal: { text: 'fourteen months of wages' },
  ...patch,
});

const decideClaim = (patch: Partial<DecideClaim> = {}): DecideClaim => ({
  type: 'DecideClaim',
  actor: caseworker,
  claimId: 'claim-1',
  outcome: 'partly_awarded',
  awarded: { UnpaidWages: 1_000_000 },
  currency: 'EUR',
  decidedOn: '2026-06-10',
  paymentDueOn: '2026-07-10',
  personal: { text: 'moral damage not proven' },
  ...patch,
});

const rejectClaim = (patch: Partial<DecideClaim> = {}): DecideClaim =>
  decideClaim({ outcome: 'rejected', awarded: {}, paymentDueOn: undefined, ...patch });

const appeal = (patch: Partial<AppealClaim> = {}): AppealClaim => ({
  type: 'AppealClaim',
  actor: caseworker,
  claimId: 'claim-1',
  appealedBy: 'claimant',
  appealedOn: '2026-06-11',
  personal: { text: 'grounds of appeal' },
  ...patch,
});

const markFinal = (actor: Actor = caseworker, claimId = 'claim-1'): CaseCommand => ({
  type: 'MarkClaimDecisionFinal',
  actor,
  claimId,
  finalOn: '2026-06-12',
});

const pay = (
  paymentId: string,
  amount: number,
  patch: Partial<RecordClaimPayment> = {},
): RecordClaimPayment => ({
  type: 'RecordClaimPayment',
  actor: caseworker,
  claimId: 'claim-1',
  paymentId,
  amount,
  currency: 'EUR',
  receivedOn: '2026-06-13',
  personal: {},
  ...patch,
});

const enforce = (actor: Actor = caseworker, claimId = 'claim-1'): CaseCommand => ({
  type: 'StartClaimEnforcement',
  actor,
  claimId,
  startedOn: '2026-06-14',
  personal: { text: 'bailiff instructed' },
});

const close = (outcome: CloseClaim['outcome'], patch: Partial<CloseClaim> = {}): CloseClaim => ({
  type: 'CloseClaim',
  actor: caseworker,
  claimId: 'claim-1',
  outcome,
  closedOn: '2026-06-15',
  personal: {},
  ...patch,
});

const record = (claimId = 'claim-1', legalRepresentativeId = 'user-lawyer-2'): CaseCommand => ({
  type: 'RecordClaimLegalRepresentative',
  actor: caseworker,
  claimId,
  legalRepresentativeId,
});

const hearing = (hearingId = 'hearing-1', hearingOn = '2026-09-01'): CaseCommand => ({
  type: 'ScheduleClaimHearing',
  actor: caseworker,
  claimId: 'claim-1',
  hearingId,
  hearingOn,
  personal: { text: 'room 4' },
});

// ---- histories ----

const opened = () => history([openCase(), identify()]);
const filed = () => extend(opened(), [file()]);
/** Partly awarded: 1 000 000 (EUR 10 000.00). */
const decided = () => extend(filed(), [decideClaim()]);
const appealed = () => extend(decided(), [appeal()]);
const final = () => extend(decided(), [markFinal()]);
const rejectedFinal = () => extend(filed(), [rejectClaim(), markFinal()]);
const paidInFull = () => extend(final(), [pay('pay-1', 1_000_000)]);
const closedCase = (events: CaseEvent[]) =>
  extend(events, [requestClosure(), approveClosure(supervisor)]);

/** The command is refused as invalid input, naming the field. */
const rejectsField = (given: CaseEvent[], command: CaseCommand, field: string) => {
  const decision = decide(command, evolveAll(given), NOW, policy);
  expect(decision.ok ? 'accepted' : decision.error.rule).toBe('INVALID_INPUT');
  expect(decision.ok ? '' : decision.error.message).toMatch(new RegExp(`^${field} `));
};

const accepted = <E extends CaseEvent>(given: CaseEvent[], command: CaseCommand): E => {
  const events = spec.given(given).when(command).thenAccepted();
  expect(events).toHaveLength(1);
  return events[0] as E;
};

describe('Compensation claim filed (rule 5)', () => {
  it('records avenue, respondent, amounts by head with their total, currency, dates and free text', () => {
    spec
      .given(opened())
      .when(file({ remedyId: undefined, legalRepresentativeId: 'user-lawyer' }))
      .then([
        recorded('CompensationClaimFiled', {
          claimId: 'claim-1',
          avenue: 'LabourOrEmploymentTribunal',
          respondentKind: 'Employer',
          currency: 'EUR',
          claimed: { UnpaidWages: 1_200_000, MoralDamage: 300_000 },
          claimedTotal: 1_500_000,
          filedOn: '2026-06-01',
          filingDeadline: '2026-06-30',
          filedLate: false,
          legalRepresentativeId: 'user-lawyer',
          personal: { text: 'fourteen months of wages' },
        }),
      ]);
  });

  it('defaults the filing date to today in the jurisdiction and omits what was not given', () => {
    spec
      .given(opened())
      .when(file({ filedOn: undefined, filingDeadline: undefined, personal: {} }))
      .then([
        recorded('CompensationClaimFiled', {
          claimId: 'claim-1',
          avenue: 'LabourOrEmploymentTribunal',
          respondentKind: 'Employer',
          currency: 'EUR',
          claimed: { UnpaidWages: 1_200_000, MoralDamage: 300_000 },
          claimedTotal: 1_500_000,
          filedOn: '2026-06-15',
          filedLate: false,
          personal: {},
        }),
      ]);
  });

  it('leaves out the optional facts not given (no undefined keys)', () => {
    const { data } = accepted(
      opened(),
      file({ filingDeadline: undefined, remedyId: undefined, legalRepresentativeId: undefined }),
    );
    for (const key of ['remedyId', 'filingDeadline', 'legalRepresentativeId'])
      expect([key, Object.hasOwn(data, key)]).toEqual([key, false]);
  });

  it('today is the calendar date in the jurisdiction time zone', () => {
    const lateEvening = new Date('2026-06-15T22:30:00.000Z'); // 16 June, 00:30 in Vienna
    spec
      .given(opened())
      .when(file({ filedOn: '2026-06-16' }), { now: lateEvening })
      .thenAccepted();
    spec
      .given(opened())
      .when(file({ filedOn: '2026-06-16' }), {
        now: lateEvening,
        policy: createJurisdictionPolicy({ timeZone: 'UTC' }),
      })
      .thenRejects('INVALID_INPUT');
  });

  it('pursues a remedy already sought; an unknown remedy is refused', () => {
    const sought = extend(opened(), [
      {
        type: 'SeekRemedy',
        actor: caseworker,
        remedyId: 'rem-1',
        remedyType: 'Compensation',
        avenue: 'CivilClaim',
        personal: {},
      },
    ]);
    expect(accepted(sought, file({ remedyId: 'rem-1' })).data).toMatchObject({
      remedyId: 'rem-1',
    });
    spec
      .given(opened())
      .when(file({ remedyId: 'rem-1' }))
      .thenRejects('REMEDY_UNKNOWN');
  });

  it.each(REMEDY_AVENUES)('through the avenue %s', (avenue) => {
    expect(accepted(opened(), file({ avenue })).data).toMatchObject({ avenue });
  });

  it.each(CLAIM_RESPONDENT_KINDS)('against a respondent of kind %s', (respondentKind) => {
    expect(accepted(opened(), file({ respondentKind })).data).toMatchObject({ respondentKind });
  });

  it('several claims at once, each with its own currency', () => {
    const events = extend(filed(), [
      file({ claimId: 'claim-2', currency: 'USD', claimed: { LegalCosts: 50_000 } }),
    ]);
    expect(evolveAll(events).claims).toEqual({
      'claim-1': {
        status: 'filed',
        currency: 'EUR',
        paidTotal: 0,
        enforcementStarted: false,
        hearingIds: [],
        paymentIds: [],
        legalRepresentativeId: undefined,
      },
      'claim-2': {
        status: 'filed',
        currency: 'USD',
        paidTotal: 0,
        enforcementStarted: false,
        hearingIds: [],
        paymentIds: [],
        legalRepresentativeId: undefined,
      },
    });
  });

  describe('rule 5: a filing after its deadline needs a late-filing reason', () => {
    const late = { filedOn: '2026-06-02', filingDeadline: '2026-06-01' };

    it('refused without a reason, or with a blank one', () => {
      spec
        .given(opened())
        .when(file({ ...late, personal: { text: 'x' } }))
        .thenRejects('RULE_5_LATE_FILING_REASON_REQUIRED');
      spec
        .given(opened())
        .when(file({ ...late, personal: { lateFilingReason: '   ' } }))
        .thenRejects('RULE_5_LATE_FILING_REASON_REQUIRED');
    });

    it('accepted with a reason, flagged late; the reason stays personal', () => {
      const event = accepted(
        opened(),
        file({ ...late, personal: { lateFilingReason: 'in hospital' } }),
      );
      expect(event.data).toMatchObject({
        filedLate: true,
        filedOn: '2026-06-02',
        filingDeadline: '2026-06-01',
        personal: { lateFilingReason: 'in hospital' },
      });
    });

    it('filing on the deadline day is in time', () => {
      expect(
        accepted(opened(), file({ filedOn: '2026-06-01', filingDeadline: '2026-06-01' })).data,
      ).toMatchObject({ filedLate: false });
    });
  });

  describe("rule 3: a child's claim needs a guardian or a legal representative", () => {
    const child = () => history([openChildCase(), identify()]);

    it('refused for a child with neither', () => {
      spec.given(child()).when(file()).thenRejects('RULE_3_CHILD_CLAIM_NEEDS_REPRESENTATIVE');
    });

    it('accepted with a legal representative on the claim', () => {
      spec
        .given(child())
        .when(file({ legalRepresentativeId: 'user-lawyer' }))
        .thenAccepted();
    });

    it('accepted when the case has a guardian', () => {
      const withGuardian = extend(child(), [
        { type: 'AppointGuardian', actor: caseworker, kind: 'guardian', personal: {} },
      ]);
      spec.given(withGuardian).when(file()).thenAccepted();
    });

    it('a presumed minor counts as a child', () => {
      const presumed = history([
        openCase({ personal: {} }, { ageUncertain: true, estimatedAge: 19 }),
        { type: 'PresumeMinority', actor: caseworker, personal: {} },
      ]);
      spec.given(presumed).when(file()).thenRejects('RULE_3_CHILD_CLAIM_NEEDS_REPRESENTATIVE');
    });
  });

  it('who may file: the holder staff and a lawyer with legal aid access', () => {
    spec
      .given(opened())
      .when(file({ actor: supervisor }))
      .thenAccepted();
    const [filedByLawyer] = checksLegalAidAccess(opened(), (actor) => file({ actor }));
    expect(filedByLawyer!.data).toMatchObject(meta(lawyer));
    spec
      .given(opened())
      .when(file({ actor: administrator }))
      .thenRejects('ROLE_CASEWORKER_OR_SUPERVISOR_REQUIRED');
  });

  it('not on a case that is not opened, closed or erased', () => {
    spec.given().when(file()).thenRejects('CASE_NOT_OPENED');
    spec.given(closedCase(opened())).when(file()).thenRejects('CASE_CLOSED');
    const erased = extend(opened(), [
      { type: 'ErasePersonalData', actor: supervisor, erasureRequestId: 'erq-1' },
    ]);
    spec.given(erased).when(file()).thenRejects('RULE_7_CASE_ERASED');
  });

  it('a claim id is filed once', () => {
    spec.given(filed()).when(file()).thenRejects('CLAIM_ALREADY_FILED');
    spec
      .given(filed())
      .when(file({ claimId: 'toString' }))
      .thenAccepted();
  });

  it.each<[string, Partial<FileCompensationClaim>]>([
    ['claimId', { claimId: '' }],
    ['avenue', { avenue: 'Twitter' as never }],
    ['respondentKind', { respondentKind: 'Neighbour' as never }],
    ['currency', { currency: 'EURO' as never }],
    ['filingDeadline', { filingDeadline: '2026-02-30' }],
    ['legalRepresentativeId', { legalRepresentativeId: '' }],
    ['claimed', { claimed: { Revenge: 100 } as never }],
    ['claimed', { claimed: { UnpaidWages: -1 } }],
    ['claimed', { claimed: { UnpaidWages: 10.5 } }],
    ['claimed', { claimed: { UnpaidWages: '100' } as never }],
    ['claimed', { claimed: [100] as never }],
    ['claimed', { claimed: null as never }],
    ['claimed', { claimed: 'lots' as never }],
    ['claimed', { claimed: { UnpaidWages: Number.MAX_SAFE_INTEGER, MoralDamage: 1 } }],
    ['claimed', { claimed: {} }],
    ['claimed', { claimed: { UnpaidWages: 0 } }],
    ['filedOn', { filedOn: '2026-06-16' }],
    ['filedOn', { filedOn: '2026-13-01' }],
  ])('refuses an invalid %s', (field, patch) => {
    rejectsField(opened(), file(patch), field);
  });

  it('accepts a head claimed at 0 beside others, and the largest safe total', () => {
    spec
      .given(opened())
      .when(file({ claimed: { UnpaidWages: 0, Other: 1 } }))
      .thenAccepted();
    expect(
      accepted(opened(), file({ claimed: { UnpaidWages: Number.MAX_SAFE_INTEGER } })).data,
    ).toMatchObject({ claimedTotal: Number.MAX_SAFE_INTEGER });
  });
});

describe('Legal representative recorded on a claim', () => {
  it('records an opaque user id and keeps it in the claim state', () => {
    spec
      .given(filed())
      .when(record())
      .then([
        recorded('ClaimLegalRepresentativeRecorded', {
          claimId: 'claim-1',
          legalRepresentativeId: 'user-lawyer-2',
        }),
      ]);
    const events = extend(filed(), [record()]);
    expect(evolveAll(events).claims['claim-1']!.legalRepresentativeId).toBe('user-lawyer-2');
  });

  it('refuses an empty id', () => {
    rejectsField(filed(), record('claim-1', ''), 'legalRepresentativeId');
  });
});

describe('Claim hearing scheduled', () => {
  it('records a hearing date, in the future too', () => {
    spec
      .given(filed())
      .when(hearing())
      .then([
        recorded('ClaimHearingScheduled', {
          claimId: 'claim-1',
          hearingId: 'hearing-1',
          hearingOn: '2026-09-01',
          personal: { text: 'room 4' },
        }),
      ]);
  });

  it('several hearings, at any stage before closure', () => {
    const events = extend(decided(), [hearing('hearing-1'), hearing('hearing-2', '2026-05-01')]);
    expect(evolveAll(events).claims['claim-1']!.hearingIds).toEqual(['hearing-1', 'hearing-2']);
    spec.given(events).when(hearing('hearing-1')).thenRejects('CLAIM_HEARING_ALREADY_SCHEDULED');
    spec.given(appealed()).when(hearing()).thenAccepted();
    spec.given(final()).when(hearing()).thenAccepted();
  });

  it('refuses an empty id, an invalid date', () => {
    rejectsField(filed(), hearing(''), 'hearingId');
    rejectsField(filed(), hearing('hearing-1', '2026-9-1'), 'hearingOn');
  });
});

describe('Claim decided', () => {
  it('at first instance: awarded amounts by head, their total, the payment due date', () => {
    spec
      .given(filed())
      .when(decideClaim())
      .then([
        recorded('ClaimDecided', {
          claimId: 'claim-1',
          instance: 'first_instance',
          outcome: 'partly_awarded',
          awarded: { UnpaidWages: 1_000_000 },
          awardedTotal: 1_000_000,
          currency: 'EUR',
          decidedOn: '2026-06-10',
          paymentDueOn: '2026-07-10',
          personal: { text: 'moral damage not proven' },
        }),
      ]);
    expect(evolveAll(decided()).claims['claim-1']).toMatchObject({
      status: 'decided',
      awardedTotal: 1_000_000,
      lastOutcome: 'partly_awarded',
    });
  });

  it('awarded in full; decision date defaults to today', () => {
    const event = accepted(
      filed(),
      decideClaim({
        outcome: 'awarded',
        awarded: { UnpaidWages: 1_200_000, MoralDamage: 300_000 },
        decidedOn: undefined,
        paymentDueOn: undefined,
      }),
    );
    expect(event.data).toEqual({
      ...meta(),
      claimId: 'claim-1',
      instance: 'first_instance',
      outcome: 'awarded',
      awarded: { UnpaidWages: 1_200_000, MoralDamage: 300_000 },
      awardedTotal: 1_500_000,
      currency: 'EUR',
      decidedOn: '2026-06-15',
      personal: { text: 'moral damage not proven' },
    });
  });

  it('rejected: nothing awarded, no payment due', () => {
    expect(accepted(filed(), rejectClaim()).data).toMatchObject({
      outcome: 'rejected',
      awarded: {},
      awardedTotal: 0,
    });
    expect(evolveAll(extend(filed(), [rejectClaim()])).claims['claim-1']).toMatchObject({
      status: 'decided',
      awardedTotal: 0,
      lastOutcome: 'rejected',
    });
    rejectsField(filed(), rejectClaim({ paymentDueOn: '2026-07-01' }), 'paymentDueOn');
  });

  it('the outcome must match the award', () => {
    const inconsistent: DecideClaim[] = [
      rejectClaim({ awarded: { UnpaidWages: 1 } }),
      decideClaim({ outcome: 'awarded', awarded: {} }),
      decideClaim({ outcome: 'partly_awarded', awarded: { UnpaidWages: 0 } }),
    ];
    for (const command of inconsistent)
      spec.given(filed()).when(command).thenRejects('CLAIM_AWARD_INCONSISTENT_WITH_OUTCOME');
  });

  it('refuses amounts given as a list, and a claim id inherited from Object', () => {
    rejectsField(filed(), rejectClaim({ awarded: [] as never }), 'awarded');
    for (const claimId of ['constructor', 'toString', '__proto__'])
      spec.given(filed()).when(decideClaim({ claimId })).thenRejects('CLAIM_NOT_FOUND');
  });

  it('without a payment due date, none is recorded', () => {
    const { data } = accepted(filed(), decideClaim({ paymentDueOn: undefined }));
    expect(Object.hasOwn(data, 'paymentDueOn')).toBe(false);
  });

  it("the award is in the claim's currency (totals never mix currencies)", () => {
    spec
      .given(filed())
      .when(decideClaim({ currency: 'USD' }))
      .thenRejects('CLAIM_CURRENCY_MISMATCH');
  });

  it('only a filed or appealed claim is decided', () => {
    spec.given(decided()).when(decideClaim()).thenRejects('CLAIM_NOT_AWAITING_DECISION');
    spec.given(final()).when(decideClaim()).thenRejects('CLAIM_NOT_AWAITING_DECISION');
  });

  it.each<[string, Partial<DecideClaim>]>([
    ['outcome', { outcome: 'won' as never }],
    ['awarded', { awarded: { UnpaidWages: -5 } }],
    ['awarded', { awarded: { Punitive: 5 } as never }],
    ['decidedOn', { decidedOn: '2026-06-16' }],
    ['decidedOn', { decidedOn: 'yesterday' }],
    ['paymentDueOn', { paymentDueOn: '2026-07-32' }],
  ])('refuses an invalid %s', (field, patch) => {
    rejectsField(filed(), decideClaim(patch), field);
  });

  it('by a lawyer with legal aid access; not by one without', () => {
    checksLegalAidAccess(filed(), (actor) => decideClaim({ actor }));
  });
});

describe('Claim appealed and decided again', () => {
  it('records who appealed and when; the claim awaits the appeal decision', () => {
    spec
      .given(decided())
      .when(appeal({ appealedBy: 'respondent' }))
      .then([
        recorded('ClaimAppealed', {
          claimId: 'claim-1',
          appealedBy: 'respondent',
          appealedOn: '2026-06-11',
          personal: { text: 'grounds of appeal' },
        }),
      ]);
    expect(evolveAll(appealed()).claims['claim-1']).toMatchObject({
      status: 'appealed',
      awardedTotal: 1_000_000,
    });
    expect(accepted(decided(), appeal({ appealedOn: undefined })).data).toMatchObject({
      appealedOn: '2026-06-15',
    });
  });

  it('rejected at first instance, then awarded on appeal: the appeal decision is the standing award', () => {
    const rejected = extend(filed(), [rejectClaim(), appeal()]);
    const event = accepted(
      rejected,
      decideClaim({ outcome: 'awarded', awarded: { UnpaidWages: 1_500_000 } }),
    );
    expect(event.data).toMatchObject({
      instance: 'appeal',
      outcome: 'awarded',
      awardedTotal: 1_500_000,
    });
    const state = evolveAll([...rejected, event]);
    expect(state.claims['claim-1']).toMatchObject({
      status: 'decided',
      awardedTotal: 1_500_000,
      lastOutcome: 'awarded',
    });
    spec
      .given([...rejected, event])
      .when(pay('pay-1', 1_500_000))
      .thenAccepted();
  });

  it('a decision on appeal may be appealed again, then becomes final', () => {
    const events = extend(appealed(), [
      decideClaim({ decidedOn: '2026-06-12' }),
      appeal({ appealedBy: 'respondent' }),
      rejectClaim(),
    ]);
    expect(events.at(-1)!.data).toMatchObject({ instance: 'appeal', outcome: 'rejected' });
    spec.given(events).when(markFinal()).thenAccepted();
  });

  it('only a standing, non-final decision is appealed', () => {
    spec.given(filed()).when(appeal()).thenRejects('CLAIM_NOT_DECIDED');
    spec.given(appealed()).when(appeal()).thenRejects('CLAIM_NOT_DECIDED');
    spec.given(final()).when(appeal()).thenRejects('CLAIM_ALREADY_FINAL');
  });

  it.each<[string, Partial<AppealClaim>]>([
    ['appealedBy', { appealedBy: 'court' as never }],
    ['appealedOn', { appealedOn: '2027-01-01' }],
    ['appealedOn', { appealedOn: '2026-02-29' }],
  ])('refuses an invalid %s', (field, patch) => {
    rejectsField(decided(), appeal(patch), field);
  });
});

describe('Claim decision became final', () => {
  it('records the date and the award that became final', () => {
    spec
      .given(decided())
      .when(markFinal())
      .then([
        recorded('ClaimDecisionBecameFinal', {
          claimId: 'claim-1',
          finalOn: '2026-06-12',
          awardedTotal: 1_000_000,
        }),
      ]);
    expect(evolveAll(final()).claims['claim-1']!.status).toBe('final');
    expect(
      accepted(decided(), { type: 'MarkClaimDecisionFinal', actor: caseworker, claimId: 'claim-1' })
        .data,
    ).toMatchObject({ finalOn: '2026-06-15' });
  });

  it('a rejection becomes final with an award of 0', () => {
    expect(accepted(extend(filed(), [rejectClaim()]), markFinal()).data).toMatchObject({
      awardedTotal: 0,
    });
  });

  it('only a standing decision becomes final, once', () => {
    spec.given(filed()).when(markFinal()).thenRejects('CLAIM_NOT_DECIDED');
    spec.given(appealed()).when(markFinal()).thenRejects('CLAIM_NOT_DECIDED');
    spec.given(final()).when(markFinal()).thenRejects('CLAIM_ALREADY_FINAL');
    rejectsField(
      decided(),
      {
        type: 'MarkClaimDecisionFinal',
        actor: caseworker,
        claimId: 'claim-1',
        finalOn: '2026-06-16',
      },
      'finalOn',
    );
  });
});

describe('Claim payment received', () => {
  it("records a payment in the claim's currency with the cumulative total", () => {
    spec
      .given(final())
      .when(pay('pay-1', 400_000, { nextPaymentDueOn: '2026-07-13', personal: { text: 'first' } }))
      .then([
        recorded('ClaimPaymentReceived', {
          claimId: 'claim-1',
          paymentId: 'pay-1',
          receivedOn: '2026-06-13',
          amount: 400_000,
          currency: 'EUR',
          paidTotal: 400_000,
          aboveAward: false,
          nextPaymentDueOn: '2026-07-13',
          personal: { text: 'first' },
        }),
      ]);
  });

  it("a payment in the claim's currency records no original and no next due date unless given", () => {
    const { data } = accepted(final(), pay('pay-1', 1));
    for (const key of ['original', 'nextPaymentDueOn'])
      expect([key, Object.hasOwn(data, key)]).toEqual([key, false]);
  });

  it('two instalments add up; the second reaching the award exactly needs no reason', () => {
    const first = extend(final(), [pay('pay-1', 400_000)]);
    const second = accepted<ClaimPaymentReceived>(
      first,
      pay('pay-2', 600_000, { receivedOn: undefined }),
    );
    expect(second.data).toMatchObject({
      amount: 600_000,
      paidTotal: 1_000_000,
      aboveAward: false,
      receivedOn: '2026-06-15',
    });
    expect(evolveAll([...first, second]).claims['claim-1']).toMatchObject({
      paidTotal: 1_000_000,
      paymentIds: ['pay-1', 'pay-2'],
    });
  });

  describe('in another currency: original amount, currency and rate kept, converted exactly', () => {
    it('USD into a EUR claim', () => {
      const event = accepted<ClaimPaymentReceived>(
        final(),
        pay('pay-1', 100_000, { currency: 'USD', exchangeRate: '0.9215', convertedAmount: 92_150 }),
      );
      expect(event.data).toEqual({
        ...meta(),
        claimId: 'claim-1',
        paymentId: 'pay-1',
        receivedOn: '2026-06-13',
        amount: 92_150,
        currency: 'EUR',
        original: { amount: 100_000, currency: 'USD', exchangeRate: '0.9215' },
        paidTotal: 92_150,
        aboveAward: false,
        personal: {},
      });
    });

    it('across minor-unit exponents (JPY has none, KWD three), rounded half up', () => {
      spec
        .given(final())
        .when(pay('p', 10_000, { currency: 'JPY', exchangeRate: '0.0061', convertedAmount: 6_100 }))
        .thenAccepted();
      spec
        .given(final())
        .when(pay('p', 1_000, { currency: 'KWD', exchangeRate: '2.95', convertedAmount: 295 }))
        .thenAccepted();
      // 1.05 USD at 0.5 = 0.525 EUR → 53 cents (half up)
      spec
        .given(final())
        .when(pay('p', 105, { currency: 'USD', exchangeRate: '0.5', convertedAmount: 53 }))
        .thenAccepted();
      spec
        .given(final())
        .when(pay('p', 105, { currency: 'USD', exchangeRate: '0.5', convertedAmount: 52 }))
        .thenRejects('CLAIM_CONVERSION_MISMATCH');
    });

    it('totals stay in the claim currency across several currencies', () => {
      const events = extend(final(), [
        pay('pay-1', 200_000),
        pay('pay-2', 100_000, { currency: 'USD', exchangeRate: '0.9', convertedAmount: 90_000 }),
        pay('pay-3', 50_000, { currency: 'GBP', exchangeRate: '1.2', convertedAmount: 60_000 }),
      ]);
      expect(events.at(-1)!.data).toMatchObject({ paidTotal: 350_000, currency: 'EUR' });
      expect(evolveAll(events).claims['claim-1']!.paidTotal).toBe(350_000);
    });

    it('a wrong converted amount is refused', () => {
      spec
        .given(final())
        .when(pay('p', 100_000, { currency: 'USD', exchangeRate: '0.9', convertedAmount: 90_001 }))
        .thenRejects('CLAIM_CONVERSION_MISMATCH');
    });

    it('without a rate or converted amount, another currency is refused', () => {
      spec
        .given(final())
        .when(pay('p', 100_000, { currency: 'USD' }))
        .thenRejects('CLAIM_CURRENCY_MISMATCH');
      spec
        .given(final())
        .when(pay('p', 100_000, { currency: 'USD', exchangeRate: '0.9' }))
        .thenRejects('CLAIM_CURRENCY_MISMATCH');
      spec
        .given(final())
        .when(pay('p', 100_000, { currency: 'USD', convertedAmount: 90_000 }))
        .thenRejects('CLAIM_CURRENCY_MISMATCH');
    });

    it.each([
      '0',
      '0.000',
      '-0.9',
      '0,9',
      '.9',
      '9.',
      '1e3',
      ' 0.9',
      '1234567890123',
      0.9 as never,
    ])('refuses the exchange rate %p', (exchangeRate) => {
      rejectsField(
        final(),
        pay('p', 100_000, { currency: 'USD', exchangeRate, convertedAmount: 90_000 }),
        'exchangeRate',
      );
    });

    it.each([0, -1, 1.5])('refuses the converted amount %p', (convertedAmount) => {
      rejectsField(
        final(),
        pay('p', 100_000, { currency: 'USD', exchangeRate: '0.9', convertedAmount }),
        'convertedAmount',
      );
    });

    it('a rate or converted amount with a payment in the claim currency is refused', () => {
      rejectsField(final(), pay('p', 100, { exchangeRate: '1' }), 'exchangeRate');
      rejectsField(final(), pay('p', 100, { convertedAmount: 100 }), 'exchangeRate');
    });
  });

  describe('rule 5: a payment above the award needs a reason', () => {
    it('refused without a reason or with a blank one', () => {
      spec
        .given(final())
        .when(pay('p', 1_000_001))
        .thenRejects('RULE_5_PAYMENT_ABOVE_AWARD_REASON_REQUIRED');
      const partly = extend(final(), [pay('pay-1', 900_000)]);
      spec
        .given(partly)
        .when(pay('pay-2', 100_001, { personal: { aboveAwardReason: ' ' } }))
        .thenRejects('RULE_5_PAYMENT_ABOVE_AWARD_REASON_REQUIRED');
    });

    it('accepted with a reason, flagged above the award', () => {
      const event = accepted<ClaimPaymentReceived>(
        extend(final(), [pay('pay-1', 900_000)]),
        pay('pay-2', 200_000, { personal: { aboveAwardReason: 'interest for late payment' } }),
      );
      expect(event.data).toMatchObject({
        paidTotal: 1_100_000,
        aboveAward: true,
        personal: { aboveAwardReason: 'interest for late payment' },
      });
    });

    it('converted amounts count towards the award', () => {
      spec
        .given(extend(final(), [pay('pay-1', 950_000)]))
        .when(
          pay('pay-2', 100_000, { currency: 'USD', exchangeRate: '0.9', convertedAmount: 90_000 }),
        )
        .thenRejects('RULE_5_PAYMENT_ABOVE_AWARD_REASON_REQUIRED');
    });

    it('after a rejection every payment is above the award', () => {
      spec
        .given(rejectedFinal())
        .when(pay('p', 1))
        .thenRejects('RULE_5_PAYMENT_ABOVE_AWARD_REASON_REQUIRED');
      spec
        .given(rejectedFinal())
        .when(pay('p', 1, { personal: { aboveAwardReason: 'ex gratia' } }))
        .thenAccepted();
    });
  });

  it('a total paid beyond the largest exact integer is refused', () => {
    const big = extend(final(), [
      pay('pay-1', Number.MAX_SAFE_INTEGER, { personal: { aboveAwardReason: 'test' } }),
    ]);
    rejectsField(big, pay('pay-2', 1, { personal: { aboveAwardReason: 'test' } }), 'amount');
  });

  it('once a decision stands: not before, but while an appeal is pending', () => {
    spec.given(filed()).when(pay('p', 1)).thenRejects('CLAIM_NOT_DECIDED');
    spec.given(decided()).when(pay('p', 1)).thenAccepted();
    spec.given(appealed()).when(pay('p', 1)).thenAccepted();
  });

  it('refuses a duplicate payment', () => {
    const paid = extend(final(), [pay('pay-1', 1)]);
    spec.given(paid).when(pay('pay-1', 1)).thenRejects('CLAIM_PAYMENT_ALREADY_RECORDED');
  });

  it.each<[string, Partial<RecordClaimPayment>]>([
    ['paymentId', { paymentId: '' }],
    ['currency', { currency: 'ECU' as never }],
    ['amount', { amount: 0 }],
    ['amount', { amount: -100 }],
    ['amount', { amount: 99.5 }],
    ['amount', { amount: '100' as never }],
    ['nextPaymentDueOn', { nextPaymentDueOn: '01/07/2026' }],
    ['receivedOn', { receivedOn: '2026-06-16' }],
    ['receivedOn', { receivedOn: '2026-06-31' }],
  ])('refuses an invalid %s', (field, patch) => {
    rejectsField(final(), pay(patch.paymentId ?? 'p', patch.amount ?? 100, patch), field);
  });
});

describe('Claim enforcement started', () => {
  it('on a final award not fully paid, once', () => {
    spec
      .given(final())
      .when(enforce())
      .then([
        recorded('ClaimEnforcementStarted', {
          claimId: 'claim-1',
          startedOn: '2026-06-14',
          personal: { text: 'bailiff instructed' },
        }),
      ]);
    const started = extend(final(), [enforce()]);
    expect(evolveAll(started).claims['claim-1']!.enforcementStarted).toBe(true);
    spec.given(started).when(enforce()).thenRejects('CLAIM_ENFORCEMENT_ALREADY_STARTED');
    expect(
      accepted(final(), {
        type: 'StartClaimEnforcement',
        actor: caseworker,
        claimId: 'claim-1',
        personal: {},
      }).data,
    ).toMatchObject({ startedOn: '2026-06-15' });
  });

  it('payments still arrive after enforcement started', () => {
    const events = extend(final(), [pay('pay-1', 100_000), enforce(), pay('pay-2', 900_000)]);
    expect(events.at(-1)!.data).toMatchObject({ paidTotal: 1_000_000 });
  });

  it.each([
    ['a decided claim', 'CLAIM_NOT_FINAL', decided],
    ['an appealed claim', 'CLAIM_NOT_FINAL', appealed],
    ['an undecided claim', 'CLAIM_NOT_FINAL', filed],
    ['a final rejection', 'CLAIM_NOTHING_AWARDED', rejectedFinal],
    ['an award paid in full', 'CLAIM_ALREADY_FULLY_PAID', paidInFull],
  ] as const)('enforcement is refused on %s (%s)', (_, rule, given) => {
    spec.given(given()).when(enforce()).thenRejects(rule);
  });

  it('enforcement of a final award not fully paid; its date may not be after today', () => {
    spec
      .given(extend(final(), [pay('pay-1', 999_999)]))
      .when(enforce())
      .thenAccepted();
    rejectsField(
      final(),
      {
        type: 'StartClaimEnforcement',
        actor: caseworker,
        claimId: 'claim-1',
        startedOn: '2026-06-16',
        personal: {},
      },
      'startedOn',
    );
  });
});

describe('Claim closed', () => {
  const closedWith = (given: CaseEvent[], command: CloseClaim) =>
    accepted<ClaimClosed>(given, command).data;

  it('fully paid: records the outcome with the award and the total paid', () => {
    const paid = extend(final(), [pay('pay-1', 400_000), pay('pay-2', 600_000)]);
    spec
      .given(paid)
      .when(close('fully_paid', { personal: { text: 'all received' } }))
      .then([
        recorded('ClaimClosed', {
          claimId: 'claim-1',
          outcome: 'fully_paid',
          closedOn: '2026-06-15',
          awardedTotal: 1_000_000,
          paidTotal: 1_000_000,
          personal: { text: 'all received' },
        }),
      ]);
    expect(evolveAll(extend(paid, [close('fully_paid')])).claims['claim-1']!.status).toBe('closed');
  });

  const rejectedOnAppeal = () => extend(filed(), [rejectClaim(), appeal()]);
  it.each([
    [
      'fully_paid',
      'a final award paid short',
      'CLAIM_NOT_FULLY_PAID',
      () => extend(final(), [pay('pay-1', 999_999)]),
    ],
    ['fully_paid', 'an undecided claim', 'CLAIM_NOT_DECIDED', filed],
    ['fully_paid', 'a final rejection', 'CLAIM_NOTHING_AWARDED', rejectedFinal],
    ['partly_paid_abandoned', 'an unpaid final award', 'CLAIM_NOT_PARTLY_PAID', final],
    ['partly_paid_abandoned', 'an award paid in full', 'CLAIM_ALREADY_FULLY_PAID', paidInFull],
    ['partly_paid_abandoned', 'an undecided claim', 'CLAIM_NOT_DECIDED', filed],
    ['partly_paid_abandoned', 'a final rejection', 'CLAIM_NOTHING_AWARDED', rejectedFinal],
    ['unenforceable', 'an award paid in full', 'CLAIM_ALREADY_FULLY_PAID', paidInFull],
    ['unenforceable', 'an undecided claim', 'CLAIM_NOT_DECIDED', filed],
    ['unenforceable', 'a final rejection', 'CLAIM_NOTHING_AWARDED', rejectedFinal],
    ['rejected', 'a rejection under appeal', 'CLAIM_NOT_REJECTED', rejectedOnAppeal],
    ['rejected', 'a final award', 'CLAIM_NOT_REJECTED', final],
    ['rejected', 'an undecided claim', 'CLAIM_NOT_REJECTED', filed],
  ] as const)('closing as %s is refused on %s (%s)', (outcome, _, rule, given) => {
    spec.given(given()).when(close(outcome)).thenRejects(rule);
  });

  it('fully paid needs the award paid in full (above it too)', () => {
    const above = extend(final(), [
      pay('pay-1', 1_000_001, { personal: { aboveAwardReason: 'interest' } }),
    ]);
    expect(closedWith(above, close('fully_paid'))).toMatchObject({ paidTotal: 1_000_001 });
  });

  it('partly paid and abandoned needs some but not all of the award paid', () => {
    expect(
      closedWith(extend(final(), [pay('pay-1', 1)]), close('partly_paid_abandoned')),
    ).toMatchObject({ outcome: 'partly_paid_abandoned', awardedTotal: 1_000_000, paidTotal: 1 });
  });

  it('unenforceable: an award not fully paid, after enforcement or not', () => {
    expect(closedWith(extend(final(), [enforce()]), close('unenforceable'))).toMatchObject({
      outcome: 'unenforceable',
      paidTotal: 0,
    });
    spec
      .given(extend(final(), [pay('pay-1', 500_000)]))
      .when(close('unenforceable'))
      .thenAccepted();
  });

  it('rejected: the standing decision rejected the claim, no appeal pending', () => {
    expect(closedWith(rejectedFinal(), close('rejected'))).toMatchObject({
      outcome: 'rejected',
      awardedTotal: 0,
      paidTotal: 0,
    });
    spec
      .given(extend(filed(), [rejectClaim()]))
      .when(close('rejected'))
      .thenAccepted();
  });

  it('withdrawn: at any stage; an undecided claim closes with an award of 0', () => {
    expect(closedWith(filed(), close('withdrawn'))).toMatchObject({
      outcome: 'withdrawn',
      awardedTotal: 0,
      paidTotal: 0,
    });
    spec.given(appealed()).when(close('withdrawn')).thenAccepted();
    spec.given(final()).when(close('withdrawn')).thenAccepted();
  });

  it('a closed claim takes no further step; others go on', () => {
    const closed = extend(filed(), [close('withdrawn')]);
    spec.given(closed).when(close('withdrawn')).thenRejects('CLAIM_CLOSED');
    spec
      .given(closed)
      .when(decideClaim({ claimId: 'claim-2' }))
      .thenRejects('CLAIM_NOT_FOUND');
    spec
      .given(extend(closed, [file({ claimId: 'claim-2' })]))
      .when(decideClaim({ claimId: 'claim-2' }))
      .thenAccepted();
  });

  it('refuses an unknown outcome, a future date, an outsider', () => {
    rejectsField(filed(), close('settled' as never), 'outcome');
    rejectsField(filed(), close('withdrawn', { closedOn: '2026-06-16' }), 'closedOn');
    spec
      .given(filed())
      .when(close('withdrawn', { actor: outsider }))
      .thenRejects('ACCESS_NOT_HOLDING_ORGANISATION');
  });
});

describe('Every step names an open claim of the case', () => {
  it.each<[string, () => CaseEvent[], CaseCommand]>([
    ['RecordClaimLegalRepresentative', filed, record('claim-9')],
    ['ScheduleClaimHearing', opened, hearing()],
    ['DecideClaim', opened, decideClaim()],
    ['AppealClaim', opened, appeal()],
    ['MarkClaimDecisionFinal', decided, markFinal(caseworker, 'claim-9')],
    ['RecordClaimPayment', final, pay('p', 1, { claimId: 'claim-9' })],
    ['StartClaimEnforcement', final, enforce(caseworker, 'claim-9')],
    ['CloseClaim', filed, close('withdrawn', { claimId: 'claim-9' })],
  ])('%s on an unknown claim is refused', (_, given, command) => {
    spec.given(given()).when(command).thenRejects('CLAIM_NOT_FOUND');
  });

  const withdrawn = () => extend(filed(), [close('withdrawn')]);
  it.each<[string, () => CaseEvent[], CaseCommand]>([
    ['RecordClaimLegalRepresentative', withdrawn, record()],
    ['ScheduleClaimHearing', withdrawn, hearing()],
    ['DecideClaim', withdrawn, decideClaim()],
    ['AppealClaim', () => extend(decided(), [close('unenforceable')]), appeal()],
    ['RecordClaimPayment', () => extend(final(), [close('unenforceable')]), pay('p', 1)],
    ['StartClaimEnforcement', () => extend(final(), [close('unenforceable')]), enforce()],
  ])('%s on a closed claim is refused', (_, given, command) => {
    spec.given(given()).when(command).thenRejects('CLAIM_CLOSED');
  });
});

describe('A claim outlives the assistance', () => {
  it('the steps of a claim already filed are recorded on a closed case; a new claim is not', () => {
    const events = closedCase(decided());
    expect(evolveAll(events).lifecycle).toBe('closed');
    spec.given(events).when(pay('pay-1', 100)).thenAccepted();
    spec.given(events).when(markFinal()).thenAccepted();
    spec
      .given(events)
      .when(file({ claimId: 'claim-2' }))
      .thenRejects('CASE_CLOSED');
  });

  it('a lawyer whose legal aid access was revoked can no longer act on the claim', () => {
    const events = extend(opened(), [
      ...grantLegalAid,
      file({ actor: lawyer }),
      {
        type: 'WithdrawConsent',
        actor: caseworker,
        purpose: 'legal_aid_access',
        receivingOrganisationId: LEGAL_ORG,
      },
    ]);
    spec
      .given(events)
      .when(decideClaim({ actor: lawyer }))
      .thenRejects('ACCESS_NO_LEGAL_AID_ACCESS');
    spec.given(events).when(decideClaim()).thenAccepted();
  });

  it('an erased case accepts no claim step', () => {
    const erased = extend(decided(), [
      { type: 'ErasePersonalData', actor: supervisor, erasureRequestId: 'erq-1' },
    ]);
    spec.given(erased).when(pay('pay-1', 1)).thenRejects('RULE_7_CASE_ERASED');
  });
});

describe('evolve', () => {
  it('ignores a claim event for a claim it does not know (and never inherits one from Object)', () => {
    const [decision] = extend(filed(), [decideClaim()]).slice(-1);
    for (const claimId of ['claim-9', 'toString']) {
      const stray = { ...decision!, data: { ...decision!.data, claimId } } as CaseEvent;
      expect(evolveAll([...opened(), stray]).claims).toEqual({});
    }
  });
});

describe('The whole life of a claim, in order', () => {
  it('filed → hearing → decided → appealed → decided on appeal → final → instalments → enforcement → closed', () => {
    const commands: CaseCommand[] = [
      ...grantLegalAid,
      file({ actor: lawyer }),
      hearing(),
      decideClaim({ actor: lawyer }),
      appeal({ actor: lawyer, appealedBy: 'respondent' }),
      decideClaim({ actor: lawyer, outcome: 'awarded', awarded: { UnpaidWages: 1_200_000 } }),
      markFinal(lawyer),
      pay('pay-1', 200_000, { actor: lawyer }),
      enforce(lawyer),
      pay('pay-2', 100_000, {
        actor: lawyer,
        currency: 'USD',
        exchangeRate: '0.9',
        convertedAmount: 90_000,
      }),
      close('partly_paid_abandoned', { actor: lawyer }),
    ];
    const events = extend(opened(), commands);
    const types = events.slice(-10).map((e) => e.type);
    expect(types).toEqual([
      'CompensationClaimFiled',
      'ClaimHearingScheduled',
      'ClaimDecided',
      'ClaimAppealed',
      'ClaimDecided',
      'ClaimDecisionBecameFinal',
      'ClaimPaymentReceived',
      'ClaimEnforcementStarted',
      'ClaimPaymentReceived',
      'ClaimClosed',
    ]);
    expect(events.at(-1)!.data).toMatchObject({
      organisationId: LEGAL_ORG,
      awardedTotal: 1_200_000,
      paidTotal: 290_000,
    });
    expect(evolveAll(events).claims['claim-1']).toEqual({
      status: 'closed',
      currency: 'EUR',
      awardedTotal: 1_200_000,
      lastOutcome: 'awarded',
      paidTotal: 290_000,
      enforcementStarted: true,
      hearingIds: ['hearing-1'],
      paymentIds: ['pay-1', 'pay-2'],
      legalRepresentativeId: undefined,
    });
    expect(evolveAll(events).holdingOrganisationId).toBe(ORG);
  });

  it('a refused step names its rule and leaves the events unchanged', () => {
    const decision = decide(enforce(), evolveAll(decided()), NOW, policy);
    expect(decision).toEqual({
      ok: false,
      error: {
        rule: 'CLAIM_NOT_FINAL' satisfies RuleId,
        message: 'the claim is decided: only a final award is enforced',
      },
    });
  });
});
