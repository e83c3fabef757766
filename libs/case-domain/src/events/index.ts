import type { ClaimEvent } from './claims';
import type {
  ConsentGiven,
  ConsentWithdrawn,
  StatisticalUseObjectionRecorded,
  StatisticalUseObjectionWithdrawn,
} from './consent';
import type {
  AgeVerified,
  BestInterestsAssessmentRecorded,
  GuardianAppointed,
  MinorityPresumed,
} from './children';
import type {
  ReflectionPeriodGranted,
  VictimIdentified,
  VictimStatusChanged,
} from './identification';
import type {
  LawEnforcementCooperationRecorded,
  NonPunishmentFlagRaised,
  NonPunishmentFlagResolved,
  RemedySought,
} from './legal';
import type {
  CaseReopened,
  CaseworkerAssigned,
  CaseworkerReassigned,
  ClosureApproved,
  ClosureRequested,
  FactCorrected,
  NoteAdded,
  PersonalDataErased,
} from './lifecycle';
import type { DuplicateDecisionRecorded } from './duplicates';
import type { CaseOpened } from './opening';
import type {
  CaseReferred,
  CaseTransferred,
  LegalAidAccessGranted,
  LegalAidAccessRevoked,
  ReferralAccepted,
  ReferralCompleted,
  ReferralDeclined,
  ReferralRevoked,
} from './sharing';
import type { EventMeta } from './meta';
import type { AssistanceProvided, NeedsAssessed, SupportPlanRecorded } from './support';

export * from './children';
export * from './claims';
export * from './consent';
export * from './duplicates';
export * from './identification';
export * from './legal';
export * from './lifecycle';
export * from './meta';
export * from './opening';
export * from './sharing';
export * from './support';

export type CaseEvent =
  | CaseOpened
  | VictimIdentified
  | VictimStatusChanged
  | MinorityPresumed
  | AgeVerified
  | ReflectionPeriodGranted
  | ConsentGiven
  | ConsentWithdrawn
  | StatisticalUseObjectionRecorded
  | StatisticalUseObjectionWithdrawn
  | NeedsAssessed
  | SupportPlanRecorded
  | AssistanceProvided
  | CaseReferred
  | ReferralAccepted
  | ReferralDeclined
  | ReferralCompleted
  | ReferralRevoked
  | LegalAidAccessGranted
  | LegalAidAccessRevoked
  | BestInterestsAssessmentRecorded
  | GuardianAppointed
  | LawEnforcementCooperationRecorded
  | RemedySought
  | NonPunishmentFlagRaised
  | NonPunishmentFlagResolved
  | ClaimEvent
  | CaseTransferred
  | ClosureRequested
  | ClosureApproved
  | CaseReopened
  | CaseworkerAssigned
  | CaseworkerReassigned
  | NoteAdded
  | FactCorrected
  | DuplicateDecisionRecorded
  | PersonalDataErased;

export type CaseEventType = CaseEvent['type'];

/** Current schema version of every event type: what `decide` writes and `upcast` returns. */
export const CURRENT_SCHEMA_VERSIONS = {
  CaseOpened: 2,
  VictimIdentified: 1,
  VictimStatusChanged: 1,
  MinorityPresumed: 1,
  AgeVerified: 1,
  ReflectionPeriodGranted: 1,
  ConsentGiven: 1,
  ConsentWithdrawn: 1,
  StatisticalUseObjectionRecorded: 1,
  StatisticalUseObjectionWithdrawn: 1,
  NeedsAssessed: 1,
  SupportPlanRecorded: 1,
  AssistanceProvided: 1,
  CaseReferred: 1,
  ReferralAccepted: 1,
  ReferralDeclined: 1,
  ReferralCompleted: 1,
  ReferralRevoked: 1,
  LegalAidAccessGranted: 1,
  LegalAidAccessRevoked: 1,
  BestInterestsAssessmentRecorded: 1,
  GuardianAppointed: 1,
  LawEnforcementCooperationRecorded: 1,
  RemedySought: 1,
  NonPunishmentFlagRaised: 1,
  NonPunishmentFlagResolved: 1,
  CompensationClaimFiled: 1,
  ClaimLegalRepresentativeRecorded: 1,
  ClaimHearingScheduled: 1,
  ClaimDecided: 1,
  ClaimAppealed: 1,
  ClaimDecisionBecameFinal: 1,
  ClaimPaymentReceived: 1,
  ClaimEnforcementStarted: 1,
  ClaimClosed: 1,
  CaseTransferred: 1,
  ClosureRequested: 1,
  ClosureApproved: 1,
  CaseReopened: 1,
  CaseworkerAssigned: 1,
  CaseworkerReassigned: 1,
  NoteAdded: 1,
  FactCorrected: 1,
  DuplicateDecisionRecorded: 1,
  PersonalDataErased: 1,
} as const satisfies {
  readonly [T in CaseEventType]: Extract<CaseEvent, { type: T }>['schemaVersion'];
};

/** The facts of an event of this type that its command decides (all but the `EventMeta`). */
export type EventData<T extends CaseEventType> = Omit<
  Extract<CaseEvent, { type: T }>['data'],
  keyof EventMeta
>;

export const CASE_EVENT_TYPES = Object.keys(CURRENT_SCHEMA_VERSIONS) as readonly CaseEventType[];

export const isCaseEventType = (type: unknown): type is CaseEventType =>
  typeof type === 'string' && Object.hasOwn(CURRENT_SCHEMA_VERSIONS, type);

/** The personal sub-object of an event (for the application's sealing), or undefined if it has none. */
export const personalDataOf = (event: CaseEvent): unknown =>
  'personal' in event.data ? event.data.personal : undefined;

/** The same event with its personal sub-object replaced (sealed value, decrypted value or `ERASED`). */
export const withPersonalData = <E extends CaseEvent>(event: E, personal: unknown): E =>
  'personal' in event.data ? ({ ...event, data: { ...event.data, personal } } as E) : event;
