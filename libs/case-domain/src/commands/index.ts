import type {
  AgeVerificationMethod,
  Correction,
  FreeText,
  PersonIdentifiers,
  PersonProfile,
  VictimStatusFacts,
  VictimStatusPersonal,
} from '../events';
import type { AssistanceType, ReferralSource } from '../code-lists';
import type { CalendarDate } from '../rules/calendar';
import type { ClaimCommand } from './claims';
import type { CommandOf, FactsOf } from './actor';

export * from './actor';
export * from './claims';

/**
 * Commands carry personal fields in a `personal` sub-object, as events do. The birth date is one of
 * them (`personal.birthDate`); the domain derives the readable birth year and age group from it.
 */
export type OpenCase = CommandOf<
  'OpenCase',
  {
    readonly caseId: string;
    /** Allocated by the application, see `formatCaseReference`. */
    readonly caseReference: string;
    readonly referralSource: ReferralSource;
    readonly profile: Omit<PersonProfile, 'birthYear' | 'estimatedAgeOn'>;
    readonly personal: PersonIdentifiers;
  }
>;

/** The first decision is recorded as VictimIdentified, later ones as VictimStatusChanged. */
export type RecordVictimStatus = CommandOf<
  'RecordVictimStatus',
  VictimStatusFacts & { readonly personal: VictimStatusPersonal }
>;
export type PresumeMinority = CommandOf<'PresumeMinority', FactsOf<'MinorityPresumed'>>;
export type VerifyAge = CommandOf<
  'VerifyAge',
  {
    readonly method: AgeVerificationMethod;
    /** Age in completed years established today, when no exact birth date is established. */
    readonly verifiedAge?: number;
    readonly personal: { readonly birthDate?: CalendarDate };
  }
>;
export type GrantReflectionPeriod = CommandOf<
  'GrantReflectionPeriod',
  {
    /** First day; defaults to today in the jurisdiction's time zone. */
    readonly startsOn?: CalendarDate;
    /** Length in days; defaults to the jurisdiction's minimum, never below it. */
    readonly days?: number;
  }
>;

export type GiveConsent = CommandOf<'GiveConsent', FactsOf<'ConsentGiven'>>;
export type WithdrawConsent = CommandOf<'WithdrawConsent', FactsOf<'ConsentWithdrawn'>>;
export type RecordStatisticalUseObjection = CommandOf<'RecordStatisticalUseObjection'>;
export type WithdrawStatisticalUseObjection = CommandOf<'WithdrawStatisticalUseObjection'>;

export type AssessNeeds = CommandOf<'AssessNeeds', FactsOf<'NeedsAssessed'>>;
export type RecordSupportPlan = CommandOf<'RecordSupportPlan', FactsOf<'SupportPlanRecorded'>>;
export type ProvideAssistance = CommandOf<
  'ProvideAssistance',
  {
    readonly assistanceId: string;
    readonly assistanceType: AssistanceType;
    /** First day; defaults to today in the jurisdiction's time zone. */
    readonly from?: CalendarDate;
    readonly until?: CalendarDate;
    readonly personal: FreeText;
  }
>;

export type ReferCase = CommandOf<'ReferCase', FactsOf<'CaseReferred'>>;
export type AcceptReferral = CommandOf<'AcceptReferral', FactsOf<'ReferralAccepted'>>;
export type DeclineReferral = CommandOf<'DeclineReferral', FactsOf<'ReferralDeclined'>>;
export type CompleteReferral = CommandOf<'CompleteReferral', FactsOf<'ReferralCompleted'>>;
export type RevokeReferral = CommandOf<
  'RevokeReferral',
  { readonly referralId: string; readonly personal: FreeText }
>;
export type GrantLegalAidAccess = CommandOf<
  'GrantLegalAidAccess',
  FactsOf<'LegalAidAccessGranted'>
>;
export type RevokeLegalAidAccess = CommandOf<
  'RevokeLegalAidAccess',
  { readonly legalAidOrganisationId: string }
>;
export type TransferCase = CommandOf<
  'TransferCase',
  { readonly toOrganisationId: string; readonly caseReference: string; readonly personal: FreeText }
>;

export type RecordBestInterestsAssessment = CommandOf<
  'RecordBestInterestsAssessment',
  FactsOf<'BestInterestsAssessmentRecorded'>
>;
export type AppointGuardian = CommandOf<'AppointGuardian', FactsOf<'GuardianAppointed'>>;

export type RecordLawEnforcementCooperation = CommandOf<
  'RecordLawEnforcementCooperation',
  FactsOf<'LawEnforcementCooperationRecorded'>
>;
export type SeekRemedy = CommandOf<'SeekRemedy', FactsOf<'RemedySought'>>;
export type RaiseNonPunishmentFlag = CommandOf<
  'RaiseNonPunishmentFlag',
  FactsOf<'NonPunishmentFlagRaised'>
>;
export type ResolveNonPunishmentFlag = CommandOf<
  'ResolveNonPunishmentFlag',
  FactsOf<'NonPunishmentFlagResolved'>
>;

export type RequestClosure = CommandOf<'RequestClosure', FactsOf<'ClosureRequested'>>;
export type ApproveClosure = CommandOf<'ApproveClosure', { readonly personal: FreeText }>;
export type ReopenCase = CommandOf<'ReopenCase', FactsOf<'CaseReopened'>>;
export type AssignCaseworker = CommandOf<'AssignCaseworker', FactsOf<'CaseworkerAssigned'>>;
export type AddNote = CommandOf<'AddNote', FactsOf<'NoteAdded'>>;

/** A correction as commanded: for the birth date, the new date is in `personal.birthDate`. */
export type CorrectionInput =
  Exclude<Correction, { fact: 'birthDate' }> | { readonly fact: 'birthDate' };
export type CorrectFact = CommandOf<
  'CorrectFact',
  {
    readonly correction: CorrectionInput;
    readonly personal: FreeText & { readonly birthDate?: CalendarDate };
  }
>;
export type ErasePersonalData = CommandOf<'ErasePersonalData', FactsOf<'PersonalDataErased'>>;

/** A caseworker decides whether another case of the organisation holds the same person (issue 19). */
export type RecordDuplicateDecision = CommandOf<
  'RecordDuplicateDecision',
  Omit<FactsOf<'DuplicateDecisionRecorded'>, 'initiatedHere'>
>;
/** The process manager records, on the other case, a decision taken on the case `otherCaseId`. */
export type MirrorDuplicateDecision = CommandOf<
  'MirrorDuplicateDecision',
  Omit<FactsOf<'DuplicateDecisionRecorded'>, 'initiatedHere'>
>;

export type CaseCommand =
  | OpenCase
  | RecordVictimStatus
  | PresumeMinority
  | VerifyAge
  | GrantReflectionPeriod
  | GiveConsent
  | WithdrawConsent
  | RecordStatisticalUseObjection
  | WithdrawStatisticalUseObjection
  | AssessNeeds
  | RecordSupportPlan
  | ProvideAssistance
  | ReferCase
  | AcceptReferral
  | DeclineReferral
  | CompleteReferral
  | RevokeReferral
  | GrantLegalAidAccess
  | RevokeLegalAidAccess
  | TransferCase
  | RecordBestInterestsAssessment
  | AppointGuardian
  | RecordLawEnforcementCooperation
  | SeekRemedy
  | RaiseNonPunishmentFlag
  | ResolveNonPunishmentFlag
  | ClaimCommand
  | RequestClosure
  | ApproveClosure
  | ReopenCase
  | AssignCaseworker
  | AddNote
  | CorrectFact
  | ErasePersonalData
  | RecordDuplicateDecision
  | MirrorDuplicateDecision;

export type CaseCommandType = CaseCommand['type'];
