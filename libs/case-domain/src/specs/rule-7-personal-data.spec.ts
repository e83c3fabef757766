import type { CaseCommand } from '../commands';
import { decide } from '../decide';
import { CASE_EVENT_TYPES, type CaseEvent } from '../events';
import { evolveAll } from '../state';
import {
  LEGAL_ORG,
  NOW,
  OTHER_ORG,
  caseworker,
  history,
  lawyer,
  openCase,
  outsider,
  policy,
  receiver,
  secondSupervisor,
  supervisor,
} from '../testing/fixtures';

/** Every personal field of every command carries a marker, so leaks are easy to find. */
const PII = (n: string) => `PII-${n}`;
const text = (n: string) => ({ text: PII(n) });

const lifeOfACase: CaseCommand[] = [
  openCase({
    personal: {
      fullName: PII('name'),
      aliases: [PII('alias')],
      birthDate: '2009-05-17',
      identityDocuments: [{ kind: 'passport', number: PII('passport') }],
      contacts: [PII('phone')],
      addresses: [PII('address')],
      shelterLocation: PII('shelter'),
      notes: PII('intake-notes'),
    },
  }),
  {
    type: 'RecordVictimStatus',
    actor: caseworker,
    status: 'PossibleVictimOfTrafficking',
    decidingBody: 'NGO',
    decidedOn: '2026-06-01',
    formsOfExploitation: ['ForcedBegging'],
    sectors: [],
    countriesOfRecruitment: ['RO'],
    countriesOfTransit: [],
    countriesOfExploitation: ['AT'],
    meansOfControl: ['WithholdsDocuments'],
    exploitationFromYear: 2025,
    personal: { text: PII('story'), exploitationStartedOn: '2025-03-02' },
  },
  { type: 'GrantReflectionPeriod', actor: caseworker },
  {
    type: 'GiveConsent',
    actor: caseworker,
    purpose: 'assistance',
    obtainedInLanguage: 'ro',
    interpreterUsed: true,
  },
  {
    type: 'GiveConsent',
    actor: caseworker,
    purpose: 'referral',
    receivingOrganisationId: OTHER_ORG,
    obtainedInLanguage: 'ro',
    interpreterUsed: true,
  },
  {
    type: 'GiveConsent',
    actor: caseworker,
    purpose: 'transfer',
    receivingOrganisationId: OTHER_ORG,
    obtainedInLanguage: 'ro',
    interpreterUsed: true,
  },
  {
    type: 'GiveConsent',
    actor: caseworker,
    purpose: 'legal_aid_access',
    receivingOrganisationId: LEGAL_ORG,
    obtainedInLanguage: 'ro',
    interpreterUsed: false,
  },
  {
    type: 'AppointGuardian',
    actor: caseworker,
    kind: 'guardian',
    personal: { name: PII('guardian'), contact: PII('guardian-phone') },
  },
  {
    type: 'AssessNeeds',
    actor: caseworker,
    needs: ['Accommodation', 'EducationForChildren'],
    personal: text('needs'),
  },
  {
    type: 'RecordSupportPlan',
    actor: caseworker,
    planId: 'plan-1',
    plannedAssistance: ['Accommodation'],
    personal: text('plan'),
  },
  {
    type: 'ProvideAssistance',
    actor: caseworker,
    assistanceId: 'as-1',
    assistanceType: 'Accommodation',
    personal: text('assistance'),
  },
  {
    type: 'RecordBestInterestsAssessment',
    actor: supervisor,
    assessmentId: 'bia-1',
    decision: 'referral',
    outcome: 'proceed',
    guardianPresent: true,
    personal: text('bia'),
  },
  {
    type: 'ReferCase',
    actor: caseworker,
    referralId: 'ref-1',
    toOrganisationId: OTHER_ORG,
    service: 'Psychological',
    personal: text('referral-reason'),
  },
  { type: 'AcceptReferral', actor: receiver, referralId: 'ref-1' },
  { type: 'CompleteReferral', actor: receiver, referralId: 'ref-1' },
  {
    type: 'RecordBestInterestsAssessment',
    actor: supervisor,
    assessmentId: 'bia-2',
    decision: 'referral',
    outcome: 'proceed',
    guardianPresent: false,
    personal: text('bia-2'),
  },
  {
    type: 'ReferCase',
    actor: caseworker,
    referralId: 'ref-2',
    toOrganisationId: OTHER_ORG,
    service: 'Accommodation',
    personal: text('referral-2'),
  },
  { type: 'DeclineReferral', actor: receiver, referralId: 'ref-2', personal: text('decline') },
  { type: 'GrantLegalAidAccess', actor: caseworker, legalAidOrganisationId: LEGAL_ORG },
  {
    type: 'SeekRemedy',
    actor: lawyer,
    remedyId: 'rem-1',
    remedyType: 'Compensation',
    avenue: 'CriminalProceedingsWithCivilClaim',
    personal: text('remedy'),
  },
  {
    type: 'FileCompensationClaim',
    actor: lawyer,
    claimId: 'claim-1',
    remedyId: 'rem-1',
    avenue: 'CriminalProceedingsWithCivilClaim',
    respondentKind: 'Trafficker',
    currency: 'EUR',
    claimed: { UnpaidWages: 800_000, MoralDamage: 500_000 },
    filedOn: '2026-03-02',
    filingDeadline: '2026-03-01',
    personal: { text: PII('claim'), lateFilingReason: PII('late') },
  },
  {
    type: 'RecordClaimLegalRepresentative',
    actor: lawyer,
    claimId: 'claim-1',
    legalRepresentativeId: 'user-lawyer',
  },
  {
    type: 'ScheduleClaimHearing',
    actor: lawyer,
    claimId: 'claim-1',
    hearingId: 'hearing-1',
    hearingOn: '2026-04-01',
    personal: text('hearing'),
  },
  {
    type: 'DecideClaim',
    actor: lawyer,
    claimId: 'claim-1',
    outcome: 'awarded',
    awarded: { UnpaidWages: 800_000, MoralDamage: 500_000 },
    currency: 'EUR',
    decidedOn: '2026-04-02',
    paymentDueOn: '2026-07-01',
    personal: text('decision'),
  },
  {
    type: 'AppealClaim',
    actor: lawyer,
    claimId: 'claim-1',
    appealedBy: 'respondent',
    appealedOn: '2026-04-20',
    personal: text('appeal'),
  },
  {
    type: 'DecideClaim',
    actor: lawyer,
    claimId: 'claim-1',
    outcome: 'partly_awarded',
    awarded: { UnpaidWages: 800_000 },
    currency: 'EUR',
    decidedOn: '2026-05-20',
    personal: text('appeal-decision'),
  },
  { type: 'MarkClaimDecisionFinal', actor: lawyer, claimId: 'claim-1', finalOn: '2026-06-01' },
  {
    type: 'RecordClaimPayment',
    actor: lawyer,
    claimId: 'claim-1',
    paymentId: 'pay-1',
    amount: 300_000,
    currency: 'EUR',
    receivedOn: '2026-06-02',
    nextPaymentDueOn: '2026-07-02',
    personal: text('payment'),
  },
  {
    type: 'StartClaimEnforcement',
    actor: lawyer,
    claimId: 'claim-1',
    personal: text('enforcement'),
  },
  {
    type: 'RecordClaimPayment',
    actor: lawyer,
    claimId: 'claim-1',
    paymentId: 'pay-2',
    amount: 600_000,
    currency: 'USD',
    exchangeRate: '0.9',
    convertedAmount: 540_000,
    personal: { aboveAwardReason: PII('above-award') },
  },
  {
    type: 'CloseClaim',
    actor: lawyer,
    claimId: 'claim-1',
    outcome: 'fully_paid',
    personal: text('claim-closed'),
  },
  { type: 'RaiseNonPunishmentFlag', actor: lawyer, flagId: 'np-1', personal: text('charges') },
  {
    type: 'ResolveNonPunishmentFlag',
    actor: lawyer,
    flagId: 'np-1',
    resolution: 'charges_dropped',
    personal: text('resolution'),
  },
  { type: 'RecordLawEnforcementCooperation', actor: caseworker, cooperation: 'declined' },
  { type: 'RecordStatisticalUseObjection', actor: caseworker },
  { type: 'WithdrawStatisticalUseObjection', actor: caseworker },
  { type: 'AssignCaseworker', actor: supervisor, caseworkerId: 'user-caseworker' },
  { type: 'AssignCaseworker', actor: supervisor, caseworkerId: 'user-caseworker-2' },
  { type: 'AddNote', actor: caseworker, noteId: 'note-1', personal: text('note') },
  {
    type: 'CorrectFact',
    actor: caseworker,
    correction: { fact: 'birthDate' },
    personal: { text: PII('why'), birthDate: '2009-05-18' },
  },
  {
    type: 'WithdrawConsent',
    actor: caseworker,
    purpose: 'legal_aid_access',
    receivingOrganisationId: LEGAL_ORG,
  },
  {
    type: 'RequestClosure',
    actor: caseworker,
    reason: 'assistance_completed',
    personal: text('closure'),
  },
  {
    type: 'RecordBestInterestsAssessment',
    actor: supervisor,
    assessmentId: 'bia-3',
    decision: 'closure',
    outcome: 'proceed',
    guardianPresent: true,
    personal: text('bia-3'),
  },
  { type: 'ApproveClosure', actor: secondSupervisor, personal: text('approval') },
  { type: 'ReopenCase', actor: caseworker, personal: text('reopen') },
  {
    type: 'RecordBestInterestsAssessment',
    actor: supervisor,
    assessmentId: 'bia-4',
    decision: 'transfer',
    outcome: 'proceed',
    guardianPresent: true,
    personal: text('bia-4'),
  },
  {
    type: 'TransferCase',
    actor: supervisor,
    toOrganisationId: OTHER_ORG,
    caseReference: 'RCV-2026-00003',
    personal: text('transfer'),
  },
  {
    type: 'ErasePersonalData',
    actor: { ...supervisor, organisationId: OTHER_ORG },
    erasureRequestId: 'erq-1',
  },
];

const withoutPersonal = (event: CaseEvent): unknown => {
  const { personal: _personal, ...readable } = event.data as { personal?: unknown };
  return readable;
};

describe('Rule 7 and the personal-data contract', () => {
  // built inside each test (not at describe level) so that mutation testing attributes coverage per test
  let events: CaseEvent[];
  beforeEach(() => {
    events = history(lifeOfACase);
  });

  it('the life of a case produces most event types', () => {
    const types = new Set(events.map((e) => e.type));
    expect(types.size).toBeGreaterThanOrEqual(CASE_EVENT_TYPES.length - 6);
  });

  it('no personal value appears outside the personal sub-object of any event', () => {
    for (const event of events) {
      const readable = JSON.stringify(withoutPersonal(event));
      expect(readable).not.toContain('PII-');
      expect(readable).not.toContain('2009-05-17');
      expect(readable).not.toContain('2009-05-18');
    }
  });

  it('every personal value given in a command is kept, inside personal', () => {
    const personalParts = JSON.stringify(
      events.map((e) => (e.data as { personal?: unknown }).personal ?? null),
    );
    for (const marker of [
      'name',
      'passport',
      'shelter',
      'story',
      'guardian',
      'note',
      'referral-reason',
      'decline',
      'remedy',
      'charges',
      'transfer',
      'claim',
      'late',
      'hearing',
      'appeal-decision',
      'above-award',
      'enforcement',
      'claim-closed',
    ]) {
      expect(personalParts).toContain(PII(marker));
    }
  });

  it('the readable facts statistics need stay readable: birth year, age group and year of identification', () => {
    expect(events[0]!.data).toMatchObject({
      profile: { birthYear: 2009 },
      ageGroupAtOpening: { category: 'child', bracket: '12-17' },
    });
    expect(events[1]!.data).toMatchObject({
      ageGroupAtIdentification: { category: 'child', bracket: '12-17' },
      yearOfIdentification: 2026,
    });
  });

  it('refusals carry no personal data in their messages', () => {
    const state = evolveAll(events.slice(0, 5));
    for (const command of lifeOfACase) {
      const decision = decide({ ...command, actor: outsider } as CaseCommand, state, NOW, policy);
      if (!decision.ok) expect(decision.error.message).not.toContain('PII-');
    }
  });
});
