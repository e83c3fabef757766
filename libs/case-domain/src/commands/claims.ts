import type { CurrencyCode } from '../code-lists';
import type { ClaimPaymentPersonal } from '../events';
import type { CalendarDate } from '../rules/calendar';
import type { CommandOf, DatedFactsOf, FactsOf } from './actor';

/**
 * Compensation claims (rule 5), see events/claims.ts for their life. Every date of a fact that has
 * happened (`filedOn`, `decidedOn`, ...) defaults to today in the jurisdiction's time zone and may not be
 * after today; dates to come (`hearingOn`, `paymentDueOn`, `filingDeadline`, `nextPaymentDueOn`) may be.
 */
export type FileCompensationClaim = CommandOf<
  'FileCompensationClaim',
  DatedFactsOf<'CompensationClaimFiled', 'filedOn', 'claimedTotal' | 'filedLate'>
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
  DatedFactsOf<'ClaimDecided', 'decidedOn', 'instance' | 'awardedTotal'>
>;

export type AppealClaim = CommandOf<'AppealClaim', DatedFactsOf<'ClaimAppealed', 'appealedOn'>>;

export type MarkClaimDecisionFinal = CommandOf<
  'MarkClaimDecisionFinal',
  DatedFactsOf<'ClaimDecisionBecameFinal', 'finalOn', 'awardedTotal'>
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
  DatedFactsOf<'ClaimEnforcementStarted', 'startedOn'>
>;

export type CloseClaim = CommandOf<
  'CloseClaim',
  DatedFactsOf<'ClaimClosed', 'closedOn', 'awardedTotal' | 'paidTotal'>
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
