import type { Actor, CaseCommand, OpenCase, RecordVictimStatus } from '../commands';
import { decide } from '../decide';
import type { CaseEvent, CaseEventType, EventData, VictimStatusFacts } from '../events';
import type {
  ActorRole,
  AssistanceType,
  BestInterestsDecision,
  BestInterestsOutcome,
  ConsentPurpose,
} from '../code-lists';
import { createJurisdictionPolicy } from '../rules/policy';
import { evolveAll } from '../state';
import { specification } from './specification';

/** Test data: opaque ids only, like production. */
export const ORG = 'org-holder';
export const OTHER_ORG = 'org-receiver';
export const LEGAL_ORG = 'org-legal-aid';
export const CASE_ID = 'case-1';

const actorOf = (userId: string, organisationId: string, role: ActorRole): Actor => ({
  userId,
  organisationId,
  role,
});

export const caseworker = actorOf('user-caseworker', ORG, 'caseworker');
export const supervisor = actorOf('user-supervisor', ORG, 'supervisor');
export const secondSupervisor = actorOf('user-supervisor-2', ORG, 'supervisor');
export const receiver = actorOf('user-receiver', OTHER_ORG, 'caseworker');
export const receiverSupervisor = actorOf('user-receiver-sup', OTHER_ORG, 'supervisor');
export const lawyer = actorOf('user-lawyer', LEGAL_ORG, 'legal_aid_lawyer');
export const administrator = actorOf('user-admin', ORG, 'administrator');
export const outsider = actorOf('user-outsider', 'org-unrelated', 'caseworker');

/** 15 June 2026, 10:00 UTC = 12:00 in Vienna. */
export const NOW = new Date('2026-06-15T10:00:00.000Z');
export const policy = createJurisdictionPolicy({ timeZone: 'Europe/Vienna' });

export const spec = specification({ now: NOW, policy });

/** The facts `decide` records on every event of this case for a command of `actor` at `now`. */
export const meta = (actor: Actor = caseworker, now: Date = NOW) => ({
  caseId: CASE_ID,
  organisationId: actor.organisationId,
  actorId: actor.userId,
  occurredAt: now.toISOString(),
  recordedAt: now.toISOString(),
});

/** The event (schema version 1) `decide` records with these facts for a command of `actor` at NOW. */
export const recorded = <T extends CaseEventType>(
  type: T,
  data: EventData<T>,
  actor: Actor = caseworker,
): CaseEvent => ({ type, schemaVersion: 1, data: { ...meta(actor), ...data } }) as CaseEvent;

export const openCase = (
  overrides: Partial<OpenCase> = {},
  profile: Partial<OpenCase['profile']> = {},
): OpenCase => ({
  type: 'OpenCase',
  actor: caseworker,
  caseId: CASE_ID,
  caseReference: 'ORG-2026-00042',
  referralSource: 'Hotline',
  profile: {
    sexGender: 'Masculine',
    ageUncertain: false,
    citizenships: ['UA'],
    languages: ['uk', 'ru'],
    ...profile,
  },
  personal: { fullName: 'Test Person', birthDate: '1990-04-02' },
  ...overrides,
});

/** A child: born 1 March 2010 (16 on NOW). */
export const openChildCase = (): OpenCase =>
  openCase({ personal: { fullName: 'Test Child', birthDate: '2010-03-01' } });

/** The status facts `identify()` records: a presumed victim of forced labour and criminality. */
export const presumedVictimFacts: VictimStatusFacts = {
  status: 'PossibleVictimOfTrafficking',
  decidingBody: 'NGO',
  decidedOn: '2026-06-10',
  formsOfExploitation: ['ForcedLabour', 'ForcedCriminality'],
  sectors: ['F_Construction'],
  countriesOfRecruitment: ['UA'],
  countriesOfTransit: ['PL'],
  countriesOfExploitation: ['AT'],
  meansOfControl: ['DebtBondage', 'RestrictsMovement'],
};

export const identify = (overrides: Partial<RecordVictimStatus> = {}): RecordVictimStatus => ({
  type: 'RecordVictimStatus',
  actor: caseworker,
  ...presumedVictimFacts,
  personal: { text: 'described by the person' },
  ...overrides,
});

export const consent = (
  purpose: ConsentPurpose,
  receivingOrganisationId?: string,
  actor: Actor = caseworker,
): CaseCommand => ({
  type: 'GiveConsent',
  actor,
  purpose,
  receivingOrganisationId,
  obtainedInLanguage: 'uk',
  interpreterUsed: true,
});

export const withdraw = (
  purpose: ConsentPurpose,
  receivingOrganisationId?: string,
  actor: Actor = caseworker,
): CaseCommand => ({
  type: 'WithdrawConsent',
  actor,
  purpose,
  receivingOrganisationId,
});

export const bestInterests = (
  decision: BestInterestsDecision,
  outcome: BestInterestsOutcome = 'proceed',
): CaseCommand => ({
  type: 'RecordBestInterestsAssessment',
  actor: supervisor,
  assessmentId: `bia-${decision}-${outcome}`,
  decision,
  outcome,
  guardianPresent: true,
  personal: { text: 'assessment summary' },
});

export const refer = (
  referralId = 'ref-1',
  toOrganisationId = OTHER_ORG,
  actor: Actor = caseworker,
): CaseCommand => ({
  type: 'ReferCase',
  actor,
  referralId,
  toOrganisationId,
  service: 'Accommodation',
  personal: { text: 'why' },
});

export const assist = (
  assistanceType: AssistanceType = 'Accommodation',
  actor: Actor = caseworker,
): CaseCommand => ({
  type: 'ProvideAssistance',
  actor,
  assistanceId: `assist-${assistanceType}`,
  assistanceType,
  personal: {},
});

export const requestClosure = (actor: Actor = caseworker): CaseCommand => ({
  type: 'RequestClosure',
  actor,
  reason: 'assistance_completed',
  personal: { text: 'done' },
});

export const approveClosure = (actor: Actor = supervisor): CaseCommand => ({
  type: 'ApproveClosure',
  actor,
  personal: {},
});

export const transfer = (actor: Actor = supervisor, toOrganisationId = OTHER_ORG): CaseCommand => ({
  type: 'TransferCase',
  actor,
  toOrganisationId,
  caseReference: 'RCV-2026-00007',
  personal: { text: 'moving region' },
});

/**
 * Runs commands through decide/evolve from an empty case and returns the events, failing loudly when one
 * is refused: a readable way to build a `given` history that the domain itself would have produced.
 */
export const history = (
  commands: readonly CaseCommand[],
  now: Date = NOW,
  given: readonly CaseEvent[] = [],
): CaseEvent[] => {
  const events: CaseEvent[] = [...given];
  for (const command of commands) {
    const decision = decide(command, evolveAll(events), now, policy);
    if (!decision.ok)
      throw new Error(
        `history: ${command.type} rejected by ${decision.error.rule}: ${decision.error.message}`,
      );
    events.push(...decision.events);
  }
  return events;
};

/** The given history followed by the events of more commands. */
export const extend = (
  given: readonly CaseEvent[],
  commands: readonly CaseCommand[],
  now: Date = NOW,
): CaseEvent[] => history(commands, now, given);

/** An open case of an adult, presumed victim, with consent to assistance. */
export const openAdultCase = (): CaseEvent[] =>
  history([openCase(), identify(), consent('assistance')]);

/** Consent to assistance, and to referral and transfer to `organisationId`: what sharing decisions need. */
export const sharingConsents = (organisationId = OTHER_ORG): readonly CaseCommand[] => [
  consent('assistance'),
  consent('referral', organisationId),
  consent('transfer', organisationId),
];

/** Consent to legal aid access for LEGAL_ORG, then the access granted (lawyer may act). */
export const grantLegalAid: readonly CaseCommand[] = [
  consent('legal_aid_access', LEGAL_ORG),
  { type: 'GrantLegalAidAccess', actor: caseworker, legalAidOrganisationId: LEGAL_ORG },
];

/**
 * Besides the holder's staff, a legal aid lawyer may act once the case grants their organisation access:
 * accepted after `grantLegalAid`, refused without it, refused for an outsider. Returns the lawyer's events.
 */
export const checksLegalAidAccess = (
  given: readonly CaseEvent[],
  command: (actor: Actor) => CaseCommand,
): readonly CaseEvent[] => {
  spec.given(given).when(command(lawyer)).thenRejects('ACCESS_NO_LEGAL_AID_ACCESS');
  spec.given(given).when(command(outsider)).thenRejects('ACCESS_NOT_HOLDING_ORGANISATION');
  return spec.given(extend(given, grantLegalAid)).when(command(lawyer)).thenAccepted();
};
