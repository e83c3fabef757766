import fc from 'fast-check';
import {
  ASSISTANCE_TYPES,
  BEST_INTERESTS_DECISIONS,
  BEST_INTERESTS_OUTCOMES,
  CLAIM_APPELLANTS,
  CLAIM_CLOSURE_OUTCOMES,
  CLAIM_DECISION_OUTCOMES,
  CLAIM_RESPONDENT_KINDS,
  CONSENT_PURPOSES,
  LAW_ENFORCEMENT_COOPERATION,
  REMEDY_AVENUES,
  REMEDY_TYPES,
  SEX_GENDER,
} from '../code-lists';
import type { Actor, CaseCommand } from '../commands';
import {
  caseworker,
  identify,
  lawyer,
  LEGAL_ORG,
  openCase,
  OTHER_ORG,
  receiver,
  secondSupervisor,
  supervisor,
} from '../testing/fixtures';

/** Generators for random but mostly valid command sequences (test support for property specs). */
const actor: fc.Arbitrary<Actor> = fc.oneof(
  { arbitrary: fc.constantFrom(caseworker, supervisor, secondSupervisor), weight: 6 },
  { arbitrary: fc.constantFrom(receiver, lawyer), weight: 1 },
);
const org = fc.constantFrom(OTHER_ORG, LEGAL_ORG);
const id = (prefix: string) => fc.constantFrom(`${prefix}-1`, `${prefix}-2`);

export const cooperationArb = fc.constantFrom(...LAW_ENFORCEMENT_COOPERATION);
export const avenueArb = fc.constantFrom(...REMEDY_AVENUES);

export const openCaseArb: fc.Arbitrary<CaseCommand> = fc
  .record({
    sexGender: fc.constantFrom(...SEX_GENDER),
    birthDate: fc.option(fc.constantFrom('2010-03-01', '2008-06-15', '1990-04-02'), {
      nil: undefined,
    }),
    estimatedAge: fc.option(fc.integer({ min: 10, max: 40 }), { nil: undefined }),
    ageUncertain: fc.boolean(),
  })
  .map(({ sexGender, birthDate, estimatedAge, ageUncertain }) =>
    openCase({ personal: { birthDate } }, { sexGender, estimatedAge, ageUncertain }),
  );

/** Commands on compensation claims (two claims, mostly valid, amounts in a few currencies). */
export const claimCommandArb: fc.Arbitrary<CaseCommand> = fc.oneof(
  fc
    .record({
      a: actor,
      i: id('claim'),
      v: avenueArb,
      r: fc.constantFrom(...CLAIM_RESPONDENT_KINDS),
      amount: fc.integer({ min: 1, max: 2_000_000 }),
      deadline: fc.constantFrom(undefined, '2026-01-01', '2026-12-31'),
      rep: fc.constantFrom(undefined, 'user-lawyer'),
    })
    .map(({ a, i, v, r, amount, deadline, rep }): CaseCommand => ({
      type: 'FileCompensationClaim',
      actor: a,
      claimId: i,
      avenue: v,
      respondentKind: r,
      currency: 'EUR',
      claimed: { UnpaidWages: amount },
      filingDeadline: deadline,
      legalRepresentativeId: rep,
      personal: {},
    })),
  fc.record({ a: actor, i: id('claim'), h: id('hearing') }).map(({ a, i, h }): CaseCommand => ({
    type: 'ScheduleClaimHearing',
    actor: a,
    claimId: i,
    hearingId: h,
    hearingOn: '2026-09-01',
    personal: {},
  })),
  fc
    .record({
      a: actor,
      i: id('claim'),
      o: fc.constantFrom(...CLAIM_DECISION_OUTCOMES),
      amount: fc.integer({ min: 1, max: 2_000_000 }),
    })
    .map(({ a, i, o, amount }): CaseCommand => ({
      type: 'DecideClaim',
      actor: a,
      claimId: i,
      outcome: o,
      awarded: o === 'rejected' ? {} : { UnpaidWages: amount },
      currency: 'EUR',
      personal: {},
    })),
  fc
    .record({ a: actor, i: id('claim'), by: fc.constantFrom(...CLAIM_APPELLANTS) })
    .map(({ a, i, by }): CaseCommand => ({
      type: 'AppealClaim',
      actor: a,
      claimId: i,
      appealedBy: by,
      personal: {},
    })),
  fc
    .record({ a: actor, i: id('claim') })
    .map(({ a, i }): CaseCommand => ({ type: 'MarkClaimDecisionFinal', actor: a, claimId: i })),
  fc
    .record({
      a: actor,
      i: id('claim'),
      p: fc.constantFrom('pay-1', 'pay-2', 'pay-3'),
      amount: fc.integer({ min: 1, max: 1_000_000 }),
      foreign: fc.boolean(),
      reason: fc.constantFrom(undefined, 'interest'),
    })
    .map(({ a, i, p, amount, foreign, reason }): CaseCommand => ({
      type: 'RecordClaimPayment',
      actor: a,
      claimId: i,
      paymentId: p,
      amount,
      currency: foreign ? 'USD' : 'EUR',
      ...(foreign ? { exchangeRate: '0.5', convertedAmount: Math.floor((amount + 1) / 2) } : {}),
      personal: { aboveAwardReason: reason },
    })),
  fc.record({ a: actor, i: id('claim') }).map(({ a, i }): CaseCommand => ({
    type: 'StartClaimEnforcement',
    actor: a,
    claimId: i,
    personal: {},
  })),
  fc
    .record({ a: actor, i: id('claim'), o: fc.constantFrom(...CLAIM_CLOSURE_OUTCOMES) })
    .map(({ a, i, o }): CaseCommand => ({
      type: 'CloseClaim',
      actor: a,
      claimId: i,
      outcome: o,
      personal: {},
    })),
);

export const commandArb: fc.Arbitrary<CaseCommand> = fc.oneof(
  actor.map((a) => identify({ actor: a })),
  actor.map((a): CaseCommand => ({ type: 'PresumeMinority', actor: a, personal: {} })),
  fc.record({ a: actor, age: fc.integer({ min: 10, max: 30 }) }).map(({ a, age }): CaseCommand => ({
    type: 'VerifyAge',
    actor: a,
    method: 'other',
    verifiedAge: age,
    personal: {},
  })),
  fc
    .record({ a: actor, days: fc.integer({ min: 25, max: 90 }) })
    .map(({ a, days }): CaseCommand => ({ type: 'GrantReflectionPeriod', actor: a, days })),
  fc
    .record({ a: actor, purpose: fc.constantFrom(...CONSENT_PURPOSES), o: org })
    .map(({ a, purpose, o }): CaseCommand => ({
      type: 'GiveConsent',
      actor: a,
      purpose,
      receivingOrganisationId: purpose === 'assistance' ? undefined : o,
      obtainedInLanguage: 'en',
      interpreterUsed: false,
    })),
  fc
    .record({ a: actor, purpose: fc.constantFrom(...CONSENT_PURPOSES), o: org })
    .map(({ a, purpose, o }): CaseCommand => ({
      type: 'WithdrawConsent',
      actor: a,
      purpose,
      receivingOrganisationId: purpose === 'assistance' ? undefined : o,
    })),
  actor.map((a): CaseCommand => ({ type: 'RecordStatisticalUseObjection', actor: a })),
  fc
    .record({ a: actor, t: fc.constantFrom(...ASSISTANCE_TYPES), i: id('as') })
    .map(({ a, t, i }): CaseCommand => ({
      type: 'ProvideAssistance',
      actor: a,
      assistanceId: i,
      assistanceType: t,
      personal: {},
    })),
  fc.record({ a: actor, i: id('ref'), o: org }).map(({ a, i, o }): CaseCommand => ({
    type: 'ReferCase',
    actor: a,
    referralId: i,
    toOrganisationId: o,
    service: 'Accommodation',
    personal: {},
  })),
  fc
    .record({ a: actor, i: id('ref'), t: fc.constantFrom('AcceptReferral', 'CompleteReferral') })
    .map(({ a, i, t }) => ({ type: t, actor: a, referralId: i }) as CaseCommand),
  fc
    .record({ a: actor, i: id('ref'), t: fc.constantFrom('DeclineReferral', 'RevokeReferral') })
    .map(({ a, i, t }) => ({ type: t, actor: a, referralId: i, personal: {} }) as CaseCommand),
  fc
    .record({ a: actor, o: org, t: fc.constantFrom('GrantLegalAidAccess', 'RevokeLegalAidAccess') })
    .map(({ a, o, t }) => ({ type: t, actor: a, legalAidOrganisationId: o }) as CaseCommand),
  fc.record({ a: actor, o: org }).map(({ a, o }): CaseCommand => ({
    type: 'TransferCase',
    actor: a,
    toOrganisationId: o,
    caseReference: 'RCV-2026-00001',
    personal: {},
  })),
  fc
    .record({
      a: actor,
      d: fc.constantFrom(...BEST_INTERESTS_DECISIONS),
      o: fc.constantFrom(...BEST_INTERESTS_OUTCOMES),
    })
    .map(({ a, d, o }): CaseCommand => ({
      type: 'RecordBestInterestsAssessment',
      actor: a,
      assessmentId: 'bia',
      decision: d,
      outcome: o,
      guardianPresent: true,
      personal: {},
    })),
  actor.map((a): CaseCommand => ({
    type: 'AppointGuardian',
    actor: a,
    kind: 'guardian',
    personal: {},
  })),
  fc.record({ a: actor, c: cooperationArb }).map(({ a, c }): CaseCommand => ({
    type: 'RecordLawEnforcementCooperation',
    actor: a,
    cooperation: c,
  })),
  fc
    .record({ a: actor, i: id('rem'), t: fc.constantFrom(...REMEDY_TYPES), v: avenueArb })
    .map(({ a, i, t, v }): CaseCommand => ({
      type: 'SeekRemedy',
      actor: a,
      remedyId: i,
      remedyType: t,
      avenue: v,
      personal: {},
    })),
  fc.record({ a: actor, i: id('flag') }).map(({ a, i }): CaseCommand => ({
    type: 'RaiseNonPunishmentFlag',
    actor: a,
    flagId: i,
    personal: {},
  })),
  fc.record({ a: actor, i: id('flag') }).map(({ a, i }): CaseCommand => ({
    type: 'ResolveNonPunishmentFlag',
    actor: a,
    flagId: i,
    resolution: 'other',
    personal: {},
  })),
  actor.map((a): CaseCommand => ({
    type: 'RequestClosure',
    actor: a,
    reason: 'other',
    personal: {},
  })),
  actor.map((a): CaseCommand => ({ type: 'ApproveClosure', actor: a, personal: {} })),
  actor.map((a): CaseCommand => ({ type: 'ReopenCase', actor: a, personal: {} })),
  fc
    .record({ a: actor, i: id('user') })
    .map(({ a, i }): CaseCommand => ({ type: 'AssignCaseworker', actor: a, caseworkerId: i })),
  actor.map((a): CaseCommand => ({
    type: 'AddNote',
    actor: a,
    noteId: 'n',
    personal: { text: 'note' },
  })),
  actor.map((a): CaseCommand => ({
    type: 'CorrectFact',
    actor: a,
    correction: { fact: 'birthDate' },
    personal: { birthDate: '2009-01-01' },
  })),
  { arbitrary: claimCommandArb, weight: 4 },
);

/** A random subset of the usual first steps (status, consents, legal aid), so that sharing decisions get taken. */
export const setupArb: fc.Arbitrary<CaseCommand[]> = fc.subarray<CaseCommand>([
  identify(),
  {
    type: 'GiveConsent',
    actor: caseworker,
    purpose: 'assistance',
    obtainedInLanguage: 'en',
    interpreterUsed: false,
  },
  {
    type: 'GiveConsent',
    actor: caseworker,
    purpose: 'referral',
    receivingOrganisationId: OTHER_ORG,
    obtainedInLanguage: 'en',
    interpreterUsed: false,
  },
  {
    type: 'GiveConsent',
    actor: caseworker,
    purpose: 'referral',
    receivingOrganisationId: LEGAL_ORG,
    obtainedInLanguage: 'en',
    interpreterUsed: false,
  },
  {
    type: 'GiveConsent',
    actor: caseworker,
    purpose: 'transfer',
    receivingOrganisationId: OTHER_ORG,
    obtainedInLanguage: 'en',
    interpreterUsed: false,
  },
  {
    type: 'GiveConsent',
    actor: caseworker,
    purpose: 'legal_aid_access',
    receivingOrganisationId: LEGAL_ORG,
    obtainedInLanguage: 'en',
    interpreterUsed: false,
  },
  { type: 'GrantLegalAidAccess', actor: caseworker, legalAidOrganisationId: LEGAL_ORG },
]);
