import type { BestInterestsDecision, BestInterestsOutcome, GuardianKind } from '../code-lists';
import type { CalendarDate } from '../rules/calendar';
import type { EventOf, FreeText, Personal } from './meta';

export type MinorityPresumed = EventOf<
  'MinorityPresumed',
  { readonly personal: Personal<FreeText> }
>;

export const AGE_VERIFICATION_METHODS = [
  'identity_document',
  'civil_registry',
  'multidisciplinary_assessment',
  'other',
] as const;
export type AgeVerificationMethod = (typeof AGE_VERIFICATION_METHODS)[number];

export type AgeVerified = EventOf<
  'AgeVerified',
  {
    readonly method: AgeVerificationMethod;
    readonly verifiedOn: CalendarDate;
    /** Readable birth year established by the verification. */
    readonly birthYear?: number;
    /** Age in completed years established on the verification date, when no exact date is known. */
    readonly verifiedAge?: number;
    readonly personal: Personal<{ readonly birthDate?: CalendarDate }>;
  }
>;

export type BestInterestsAssessmentRecorded = EventOf<
  'BestInterestsAssessmentRecorded',
  {
    readonly assessmentId: string;
    readonly decision: BestInterestsDecision;
    readonly outcome: BestInterestsOutcome;
    readonly guardianPresent: boolean;
    readonly personal: Personal<FreeText>;
  }
>;

export type GuardianAppointed = EventOf<
  'GuardianAppointed',
  {
    readonly kind: GuardianKind;
    readonly personal: Personal<{ readonly name?: string; readonly contact?: string }>;
  }
>;
