import type {
  ClaimAppellant,
  ClaimClosureOutcome,
  ClaimDecisionOutcome,
  ClaimRespondentKind,
  CurrencyCode,
  RemedyAvenue,
} from '../code-lists';
import type { ClaimAmounts, ClaimFiledPersonal, ClaimPaymentPersonal, FreeText } from '../events';
import type { CalendarDate } from '../rules/calendar';
import type { CommandOf, FactsOf } from './actor';

/**
 * Compensation claims (rule 5), see events/claims.ts for their life. Every date of a fact that has
 * happened (`filedOn`, `decidedOn`, ...) defaults to today in the jurisdiction's time zone and may not be
 * after today; dates to come (`hearingOn`, `paymentDueOn`, `filingDeadline`, `nextPaymentDueOn`) may be.
 */
export type FileCompensationClaim = CommandOf<
  'FileCompensationClaim',
  {
    readonly claimId: string;
    readonly remedyId?: string;
    readonly avenue: RemedyAvenue;
    readonly respondentKind: ClaimRespondentKind;
    readonly currency: CurrencyCode;
    readonly claimed: ClaimAmounts;
    readonly filedOn?: CalendarDate;
    readonly filingDeadline?: CalendarDate;
    readonly legalRepresentativeId?: string;
    readonly personal: ClaimFiledPersonal;
  }
>;

export type RecordClaimLegalRepresentative = CommandOf<
  'RecordClaimLegalRepresentative',
  FactsOf<'ClaimLegalRepresentativeRecorded'>
>;

export type ScheduleClaimHearing = CommandOf<
  'ScheduleClaimHearing',
  FactsOf<'ClaimHearingScheduled'>
>;

export type DecideClaim = CommandOf<
  'DecideClaim',
  {
    readonly claimId: string;
    readonly outcome: ClaimDecisionOutcome;
    /** Empty when rejected. */
    readonly awarded: ClaimAmounts;
    /** Must be the claim's currency. */
    readonly currency: CurrencyCode;
    readonly decidedOn?: CalendarDate;
    readonly paymentDueOn?: CalendarDate;
    readonly personal: FreeText;
  }
>;

export type AppealClaim = CommandOf<
  'AppealClaim',
  {
    readonly claimId: string;
    readonly appealedBy: ClaimAppellant;
    readonly appealedOn?: CalendarDate;
    readonly personal: FreeText;
  }
>;

export type MarkClaimDecisionFinal = CommandOf<
  'MarkClaimDecisionFinal',
  { readonly claimId: string; readonly finalOn?: CalendarDate }
>;

/**
 * A payment as received: `amount` in `currency`. When `currency` is not the claim's, `exchangeRate`
 * (claim-currency units per unit of `currency`, decimal string) and `convertedAmount` (claim currency,
 * minor units) are required, and `convertedAmount` must equal the exact conversion rounded half up.
 */
export type RecordClaimPayment = CommandOf<
  'RecordClaimPayment',
  {
    readonly claimId: string;
    readonly paymentId: string;
    readonly amount: number;
    readonly currency: CurrencyCode;
    readonly exchangeRate?: string;
    readonly convertedAmount?: number;
    readonly receivedOn?: CalendarDate;
    readonly nextPaymentDueOn?: CalendarDate;
    readonly personal: ClaimPaymentPersonal;
  }
>;

export type StartClaimEnforcement = CommandOf<
  'StartClaimEnforcement',
  { readonly claimId: string; readonly startedOn?: CalendarDate; readonly personal: FreeText }
>;

export type CloseClaim = CommandOf<
  'CloseClaim',
  {
    readonly claimId: string;
    readonly outcome: ClaimClosureOutcome;
    readonly closedOn?: CalendarDate;
    readonly personal: FreeText;
  }
>;

export type ClaimCommand =
  | FileCompensationClaim
  | RecordClaimLegalRepresentative
  | ScheduleClaimHearing
  | DecideClaim
  | AppealClaim
  | MarkClaimDecisionFinal
  | RecordClaimPayment
  | StartClaimEnforcement
  | CloseClaim;
