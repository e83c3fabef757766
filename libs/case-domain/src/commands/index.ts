import type {
  AgeVerificationMethod,
  ConsentScope,
  Correction,
  FreeText,
  NonPunishmentResolution,
  PersonIdentifiers,
  PersonProfile,
  VictimStatusFacts,
  VictimStatusPersonal,
} from '../events';
import type {
  AssistanceType,
  BestInterestsDecision,
  BestInterestsOutcome,
  ClosureReason,
  GuardianKind,
  LanguageCode,
  LawEnforcementCooperation,
  ReferralSource,
  RemedyAvenue,
  RemedyType,
} from '../code-lists';
import type { CalendarDate } from '../rules/calendar';
import type { ClaimCommand } from './claims';
import type { CommandOf } from './actor';

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
export type PresumeMinority = CommandOf<'PresumeMinority', { readonly personal: FreeText }>;
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

export type GiveConsent = CommandOf<
  'GiveConsent',
  ConsentScope & { readonly obtainedInLanguage: LanguageCode; readonly interpreterUsed: boolean }
>;
export type WithdrawConsent = CommandOf<'WithdrawConsent', ConsentScope>;
export type RecordStatisticalUseObjection = CommandOf<'RecordStatisticalUseObjection'>;
export type WithdrawStatisticalUseObjection = CommandOf<'WithdrawStatisticalUseObjection'>;

export type AssessNeeds = CommandOf<
  'AssessNeeds',
  { readonly needs: readonly AssistanceType[]; readonly personal: FreeText }
>;
export type RecordSupportPlan = CommandOf<
  'RecordSupportPlan',
  {
    readonly planId: string;
    readonly plannedAssistance: readonly AssistanceType[];
    readonly reviewOn?: CalendarDate;
    readonly personal: FreeText;
  }
>;
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

export type ReferCase = CommandOf<
  'ReferCase',
  {
    readonly referralId: string;
    readonly toOrganisationId: string;
    readonly service: AssistanceType;
    readonly personal: FreeText;
  }
>;
export type AcceptReferral = CommandOf<'AcceptReferral', { readonly referralId: string }>;
export type DeclineReferral = CommandOf<
  'DeclineReferral',
  { readonly referralId: string; readonly personal: FreeText }
>;
export type CompleteReferral = CommandOf<'CompleteReferral', { readonly referralId: string }>;
export type RevokeReferral = CommandOf<
  'RevokeReferral',
  { readonly referralId: string; readonly personal: FreeText }
>;
export type GrantLegalAidAccess = CommandOf<
  'GrantLegalAidAccess',
  { readonly legalAidOrganisationId: string }
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
  {
    readonly assessmentId: string;
    readonly decision: BestInterestsDecision;
    readonly outcome: BestInterestsOutcome;
    readonly guardianPresent: boolean;
    readonly personal: FreeText;
  }
>;
export type AppointGuardian = CommandOf<
  'AppointGuardian',
  {
    readonly kind: GuardianKind;
    readonly personal: { readonly name?: string; readonly contact?: string };
  }
>;

export type RecordLawEnforcementCooperation = CommandOf<
  'RecordLawEnforcementCooperation',
  { readonly cooperation: LawEnforcementCooperation }
>;
export type SeekRemedy = CommandOf<
  'SeekRemedy',
  {
    readonly remedyId: string;
    readonly remedyType: RemedyType;
    readonly avenue: RemedyAvenue;
    readonly personal: FreeText;
  }
>;
export type RaiseNonPunishmentFlag = CommandOf<
  'RaiseNonPunishmentFlag',
  { readonly flagId: string; readonly personal: FreeText }
>;
export type ResolveNonPunishmentFlag = CommandOf<
  'ResolveNonPunishmentFlag',
  {
    readonly flagId: string;
    readonly resolution: NonPunishmentResolution;
    readonly personal: FreeText;
  }
>;

export type RequestClosure = CommandOf<
  'RequestClosure',
  { readonly reason: ClosureReason; readonly personal: FreeText }
>;
export type ApproveClosure = CommandOf<'ApproveClosure', { readonly personal: FreeText }>;
export type ReopenCase = CommandOf<'ReopenCase', { readonly personal: FreeText }>;
export type AssignCaseworker = CommandOf<'AssignCaseworker', { readonly caseworkerId: string }>;
export type AddNote = CommandOf<
  'AddNote',
  { readonly noteId: string; readonly personal: FreeText }
>;

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
export type ErasePersonalData = CommandOf<
  'ErasePersonalData',
  { readonly erasureRequestId: string }
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
  | ErasePersonalData;

export type CaseCommandType = CaseCommand['type'];
