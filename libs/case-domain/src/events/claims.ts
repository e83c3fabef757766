/**
 * COMPENSATION CLAIMS (rule 5: the right to an effective remedy). A claim is a fact of the case stream,
 * identified by an opaque `claimId`; a case may carry several claims, through several avenues at once.
 *
 * Life of a claim:
 *
 *   CompensationClaimFiled                     status filed
 *   → ClaimDecided (instance first_instance)   status decided   awarded | partly_awarded | rejected
 *   → ClaimAppealed (claimant or respondent)   status appealed
 *   → ClaimDecided (instance appeal)           status decided   replaces the standing award; may be appealed again
 *   → ClaimDecisionBecameFinal                 status final     no more appeal
 *   → ClaimClosed                              status closed    from any status (outcome rules below)
 *
 *   beside the status, until closed:
 *   ClaimHearingScheduled (several, any status), ClaimLegalRepresentativeRecorded (any status),
 *   ClaimPaymentReceived (several, partial, any currency; needs a standing decision),
 *   ClaimEnforcementStarted (once; needs a final award that is not fully paid).
 *
 *   ClaimClosed outcomes: fully_paid (paid ≥ awarded > 0), partly_paid_abandoned (0 < paid < awarded),
 *   unenforceable (awarded > 0, paid < awarded), rejected (the standing decision rejected the claim; not
 *   while an appeal is pending), withdrawn (any time).
 *
 * Status (see `CLAIM_STATUSES`): `filed` → `decided` → (`appealed` → `decided`)* → `final`; `closed` from
 * any status. Payments and enforcement do not change the status; a payment may arrive while an appeal is
 * pending (the standing decision is the latest `ClaimDecided`). The standing award is the `awardedTotal`
 * of the latest `ClaimDecided`; an appeal decision replaces it.
 *
 * Money: integer minor units of ISO 4217 currencies, never floats. A claim has one currency, fixed at
 * filing; every amount of its claim, decisions, payments and totals is in that currency, so totals never
 * mix currencies. A payment made in another currency keeps the original amount, its currency and the
 * exchange rate used (a decimal STRING, "1 unit of the original currency = rate units of the claim's
 * currency"); its `amount` is the converted amount in the claim's currency, which the domain checks equals
 * round-half-up(original × rate × 10^(exponent(claim) − exponent(original))) exactly (BigInt arithmetic).
 *
 * Dates are calendar dates (`YYYY-MM-DD`) in the jurisdiction's time zone: `filedOn`, `filingDeadline`
 * (limitation or filing deadline), `hearingOn`, `decidedOn`, `paymentDueOn` (for reminders),
 * `appealedOn`, `finalOn`, `receivedOn`, `nextPaymentDueOn`, `startedOn`, `closedOn`.
 *
 * Personal data: only free text written by a person (notes, the late-filing reason, the reason for a
 * payment above the award) is in `data.personal`. Amounts, dates, codes, flags (`filedLate`,
 * `aboveAward`) and opaque ids (claim, hearing, payment, remedy, legal representative user) are readable
 * coarse facts, so that statistics of claims filed, awarded and paid survive erasure.
 *
 * Rule 1: nothing here reads or records cooperation with the authorities; a claim through criminal
 * proceedings is an avenue like the others.
 */
import type {
  ClaimAppellant,
  ClaimClosureOutcome,
  ClaimDecisionOutcome,
  ClaimInstance,
  ClaimRespondentKind,
  CurrencyCode,
  DamageHead,
  RemedyAvenue,
} from '../code-lists';
import type { CalendarDate } from '../rules/calendar';
import type { EventOf, FreeText, Personal } from './meta';

/** Amounts by head of damage, integer minor units of the claim's currency (heads absent = none). */
export type ClaimAmounts = Readonly<Partial<Record<DamageHead, number>>>;

/** Free text of a filing; `lateFilingReason` is required when `filedOn` is after `filingDeadline`. */
export interface ClaimFiledPersonal extends FreeText {
  readonly lateFilingReason?: string;
}

/** Free text of a payment; `aboveAwardReason` is required when the payment takes the total above the award. */
export interface ClaimPaymentPersonal extends FreeText {
  readonly aboveAwardReason?: string;
}

export type CompensationClaimFiled = EventOf<
  'CompensationClaimFiled',
  {
    readonly claimId: string;
    /** The `RemedySought` this claim pursues, when one was recorded. */
    readonly remedyId?: string;
    readonly avenue: RemedyAvenue;
    readonly respondentKind: ClaimRespondentKind;
    /** The claim's currency: every amount of this claim is in it. */
    readonly currency: CurrencyCode;
    readonly claimed: ClaimAmounts;
    /** Sum of `claimed`. */
    readonly claimedTotal: number;
    readonly filedOn: CalendarDate;
    readonly filingDeadline?: CalendarDate;
    /** `filedOn` is after `filingDeadline` (the reason is in `personal.lateFilingReason`). */
    readonly filedLate: boolean;
    /** Opaque user id of the claimant's legal representative. */
    readonly legalRepresentativeId?: string;
    readonly personal: Personal<ClaimFiledPersonal>;
  }
>;

export type ClaimLegalRepresentativeRecorded = EventOf<
  'ClaimLegalRepresentativeRecorded',
  { readonly claimId: string; readonly legalRepresentativeId: string }
>;

export type ClaimHearingScheduled = EventOf<
  'ClaimHearingScheduled',
  {
    readonly claimId: string;
    readonly hearingId: string;
    readonly hearingOn: CalendarDate;
    readonly personal: Personal<FreeText>;
  }
>;

export type ClaimDecided = EventOf<
  'ClaimDecided',
  {
    readonly claimId: string;
    /** `first_instance` when the claim was filed, `appeal` when it was appealed. */
    readonly instance: ClaimInstance;
    readonly outcome: ClaimDecisionOutcome;
    /** Empty (total 0) when rejected. */
    readonly awarded: ClaimAmounts;
    /** Sum of `awarded`: the standing award until the next decision. */
    readonly awardedTotal: number;
    /** Always the claim's currency. */
    readonly currency: CurrencyCode;
    readonly decidedOn: CalendarDate;
    /** When the award is due to be paid (only with an award). */
    readonly paymentDueOn?: CalendarDate;
    readonly personal: Personal<FreeText>;
  }
>;

export type ClaimAppealed = EventOf<
  'ClaimAppealed',
  {
    readonly claimId: string;
    readonly appealedBy: ClaimAppellant;
    readonly appealedOn: CalendarDate;
    readonly personal: Personal<FreeText>;
  }
>;

export type ClaimDecisionBecameFinal = EventOf<
  'ClaimDecisionBecameFinal',
  {
    readonly claimId: string;
    readonly finalOn: CalendarDate;
    /** The standing award that became final (claim currency). */
    readonly awardedTotal: number;
  }
>;

/** A payment made in a currency other than the claim's. */
export interface OriginalPayment {
  readonly amount: number;
  readonly currency: CurrencyCode;
  /** Units of the claim's currency per unit of `currency`, as a decimal string (e.g. "0.0921"). */
  readonly exchangeRate: string;
}

export type ClaimPaymentReceived = EventOf<
  'ClaimPaymentReceived',
  {
    readonly claimId: string;
    readonly paymentId: string;
    readonly receivedOn: CalendarDate;
    /** In the claim's currency (converted when `original` is present). */
    readonly amount: number;
    /** Always the claim's currency. */
    readonly currency: CurrencyCode;
    readonly original?: OriginalPayment;
    /** Cumulative paid in the claim's currency, this payment included. */
    readonly paidTotal: number;
    /** `paidTotal` exceeds the standing award (the reason is in `personal.aboveAwardReason`). */
    readonly aboveAward: boolean;
    /** When the next instalment is due, if any (for reminders). */
    readonly nextPaymentDueOn?: CalendarDate;
    readonly personal: Personal<ClaimPaymentPersonal>;
  }
>;

export type ClaimEnforcementStarted = EventOf<
  'ClaimEnforcementStarted',
  {
    readonly claimId: string;
    readonly startedOn: CalendarDate;
    readonly personal: Personal<FreeText>;
  }
>;

export type ClaimClosed = EventOf<
  'ClaimClosed',
  {
    readonly claimId: string;
    readonly outcome: ClaimClosureOutcome;
    readonly closedOn: CalendarDate;
    /** The standing award at closure (0 when never decided or rejected). */
    readonly awardedTotal: number;
    /** Cumulative paid at closure, claim currency. */
    readonly paidTotal: number;
    readonly personal: Personal<FreeText>;
  }
>;

export type ClaimEvent =
  | CompensationClaimFiled
  | ClaimLegalRepresentativeRecorded
  | ClaimHearingScheduled
  | ClaimDecided
  | ClaimAppealed
  | ClaimDecisionBecameFinal
  | ClaimPaymentReceived
  | ClaimEnforcementStarted
  | ClaimClosed;
