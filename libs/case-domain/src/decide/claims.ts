import {
  CLAIM_APPELLANTS,
  CLAIM_DECISION_OUTCOMES,
  CLAIM_RESPONDENT_KINDS,
  CURRENCY_CODES,
  DAMAGE_HEADS,
  REMEDY_AVENUES,
  isCode,
} from '../code-lists';
import type {
  AppealClaim,
  ClaimCommand,
  CloseClaim,
  DecideClaim,
  FileCompensationClaim,
  MarkClaimDecisionFinal,
  RecordClaimLegalRepresentative,
  RecordClaimPayment,
  ScheduleClaimHearing,
  StartClaimEnforcement,
} from '../commands';
import type { ClaimAmounts } from '../events';
import { isChildOn } from '../rules/age';
import { isCalendarDate, type CalendarDate } from '../rules/calendar';
import { reject, type Decision } from '../rules/errors';
import { convertMinorUnits, isExchangeRate, isMinorUnits } from '../rules/money';
import type { ClaimState } from '../state';
import {
  check,
  checkCaseHolderOrLegalAid,
  checkCode,
  checkId,
  checkNotClosed,
  emit,
  invalid,
  type Context,
} from './context';

/**
 * Compensation claims (rule 5). Who may act: the holder's caseworkers and supervisors, or a lawyer of an
 * organisation with legal aid access. Filing needs an open case; the later steps of a claim already filed
 * are recorded on a closed case too (a claim outlives the assistance: money may arrive years later).
 * No rule here reads cooperation with the authorities or the avenue (rule 1).
 */

const hasText = (value: unknown): boolean => typeof value === 'string' && value.trim().length > 0;

/** A calendar date, defaulting to today, that may not be after today (a fact that has happened). */
const pastDate = (
  ctx: Context,
  value: CalendarDate | undefined,
  field: string,
): { readonly date: CalendarDate } | { readonly rejected: Decision } => {
  const date = value ?? ctx.today;
  if (!isCalendarDate(date)) return { rejected: invalid(field, 'must be a YYYY-MM-DD date') };
  if (date > ctx.today) return { rejected: invalid(field, 'may not be after today') };
  return { date };
};

const checkOptionalDate = (value: unknown, field: string): Decision | undefined =>
  value === undefined || isCalendarDate(value)
    ? undefined
    : invalid(field, 'must be a YYYY-MM-DD date');

/** The total of amounts by head of damage, or undefined when a head or an amount is not valid. */
const totalOf = (amounts: unknown): number | undefined => {
  if (typeof amounts !== 'object' || amounts === null || Array.isArray(amounts)) return undefined;
  let total = 0;
  for (const [head, amount] of Object.entries(amounts)) {
    if (!isCode(DAMAGE_HEADS, head) || !isMinorUnits(amount)) return undefined;
    total += amount;
  }
  return Number.isSafeInteger(total) ? total : undefined;
};

const amountsTotal = (
  amounts: ClaimAmounts,
  field: string,
): { readonly total: number } | { readonly rejected: Decision } => {
  const total = totalOf(amounts);
  return total === undefined
    ? { rejected: invalid(field, 'must map heads of damage to integer minor units ≥ 0') }
    : { total };
};

/** Runs `decide` on a claim that exists and is not closed. */
const onOpenClaim = <C extends ClaimCommand>(
  ctx: Context<C>,
  decide: (claim: ClaimState) => Decision,
): Decision => {
  const { claimId } = ctx.command;
  const claim = Object.hasOwn(ctx.state.claims, claimId) ? ctx.state.claims[claimId] : undefined;
  return (
    checkCaseHolderOrLegalAid(ctx) ??
    (claim === undefined
      ? reject('CLAIM_NOT_FOUND', 'the claim is not part of this case')
      : (check(claim.status !== 'closed', 'CLAIM_CLOSED', 'the claim is closed') ?? decide(claim)))
  );
};

/**
 * A step on a claim that exists and is not closed: its `checks`, then its date (`dateField`, defaulting
 * to today, not after today), then the event `record` builds with that date.
 */
const claimStep = <C extends ClaimCommand>(
  ctx: Context<C>,
  dateField: string,
  date: CalendarDate | undefined,
  checks: (claim: ClaimState) => Decision | undefined,
  record: (claim: ClaimState, date: CalendarDate) => Decision,
): Decision =>
  onOpenClaim(ctx, (claim) => {
    const rejected = checks(claim);
    if (rejected) return rejected;
    const dated = pastDate(ctx, date, dateField);
    return 'rejected' in dated ? dated.rejected : record(claim, dated.date);
  });

/**
 * Filing. A filing after its deadline needs a late-filing reason (rule 5: the remedy stays open, the
 * lateness is explained); a child's claim needs a guardian of the case or a legal representative on the
 * claim (rule 3).
 */
export const fileCompensationClaim = (ctx: Context<FileCompensationClaim>): Decision => {
  const { command, state } = ctx;
  const rejected =
    checkCaseHolderOrLegalAid(ctx) ??
    checkNotClosed(state) ??
    checkId(command.claimId, 'claimId') ??
    check(
      !Object.hasOwn(state.claims, command.claimId),
      'CLAIM_ALREADY_FILED',
      'this claim is already filed',
    ) ??
    (command.remedyId === undefined
      ? undefined
      : check(
          state.remedyIds.includes(command.remedyId),
          'REMEDY_UNKNOWN',
          'the remedy is not part of this case',
        )) ??
    checkCode(REMEDY_AVENUES, command.avenue, 'avenue') ??
    checkCode(CLAIM_RESPONDENT_KINDS, command.respondentKind, 'respondentKind') ??
    checkCode(CURRENCY_CODES, command.currency, 'currency') ??
    checkOptionalDate(command.filingDeadline, 'filingDeadline') ??
    (command.legalRepresentativeId === undefined
      ? undefined
      : checkId(command.legalRepresentativeId, 'legalRepresentativeId'));
  if (rejected) return rejected;
  const claimed = amountsTotal(command.claimed, 'claimed');
  if ('rejected' in claimed) return claimed.rejected;
  if (claimed.total === 0) return invalid('claimed', 'must claim an amount above 0');
  const filed = pastDate(ctx, command.filedOn, 'filedOn');
  if ('rejected' in filed) return filed.rejected;
  const filedLate = command.filingDeadline !== undefined && filed.date > command.filingDeadline;
  return (
    check(
      !filedLate || hasText(command.personal.lateFilingReason),
      'RULE_5_LATE_FILING_REASON_REQUIRED',
      'the claim is filed after its deadline: a late-filing reason is required',
    ) ??
    check(
      !isChildOn(state.age, ctx.today) ||
        state.guardians.length > 0 ||
        command.legalRepresentativeId !== undefined,
      'RULE_3_CHILD_CLAIM_NEEDS_REPRESENTATIVE',
      'the person is a child: the claim needs a guardian appointed on the case or a legal representative',
    ) ??
    emit(ctx, 'CompensationClaimFiled', {
      claimId: command.claimId,
      ...(command.remedyId === undefined ? {} : { remedyId: command.remedyId }),
      avenue: command.avenue,
      respondentKind: command.respondentKind,
      currency: command.currency,
      claimed: command.claimed,
      claimedTotal: claimed.total,
      filedOn: filed.date,
      ...(command.filingDeadline === undefined ? {} : { filingDeadline: command.filingDeadline }),
      filedLate,
      ...(command.legalRepresentativeId === undefined
        ? {}
        : { legalRepresentativeId: command.legalRepresentativeId }),
      personal: command.personal,
    })
  );
};

export const recordClaimLegalRepresentative = (
  ctx: Context<RecordClaimLegalRepresentative>,
): Decision =>
  onOpenClaim(
    ctx,
    () =>
      checkId(ctx.command.legalRepresentativeId, 'legalRepresentativeId') ??
      emit(ctx, 'ClaimLegalRepresentativeRecorded', {
        claimId: ctx.command.claimId,
        legalRepresentativeId: ctx.command.legalRepresentativeId,
      }),
  );

export const scheduleClaimHearing = (ctx: Context<ScheduleClaimHearing>): Decision => {
  const { command } = ctx;
  return onOpenClaim(
    ctx,
    (claim) =>
      checkId(command.hearingId, 'hearingId') ??
      check(
        !claim.hearingIds.includes(command.hearingId),
        'CLAIM_HEARING_ALREADY_SCHEDULED',
        'this hearing is already scheduled',
      ) ??
      (isCalendarDate(command.hearingOn)
        ? undefined
        : invalid('hearingOn', 'must be a YYYY-MM-DD date')) ??
      emit(ctx, 'ClaimHearingScheduled', {
        claimId: command.claimId,
        hearingId: command.hearingId,
        hearingOn: command.hearingOn,
        personal: command.personal,
      }),
  );
};

/**
 * A decision at first instance (claim filed) or on appeal (claim appealed); it replaces the standing
 * award. Rejected means nothing awarded; awarded or partly awarded means an award above 0.
 */
export const decideClaim = (ctx: Context<DecideClaim>): Decision => {
  const { command } = ctx;
  return onOpenClaim(ctx, (claim) => {
    const rejected =
      check(
        claim.status === 'filed' || claim.status === 'appealed',
        'CLAIM_NOT_AWAITING_DECISION',
        `the claim is ${claim.status}: only a filed or appealed claim is decided`,
      ) ??
      checkCode(CLAIM_DECISION_OUTCOMES, command.outcome, 'outcome') ??
      check(
        command.currency === claim.currency,
        'CLAIM_CURRENCY_MISMATCH',
        "the award must be in the claim's currency",
      );
    if (rejected) return rejected;
    const awarded = amountsTotal(command.awarded, 'awarded');
    if ('rejected' in awarded) return awarded.rejected;
    const decided = pastDate(ctx, command.decidedOn, 'decidedOn');
    if ('rejected' in decided) return decided.rejected;
    const nothingAwarded = command.outcome === 'rejected';
    return (
      check(
        nothingAwarded === (awarded.total === 0),
        'CLAIM_AWARD_INCONSISTENT_WITH_OUTCOME',
        'the outcome does not match the amount awarded',
      ) ??
      checkOptionalDate(command.paymentDueOn, 'paymentDueOn') ??
      (nothingAwarded && command.paymentDueOn !== undefined
        ? invalid('paymentDueOn', 'is only recorded with an award')
        : undefined) ??
      emit(ctx, 'ClaimDecided', {
        claimId: command.claimId,
        instance: claim.status === 'appealed' ? 'appeal' : 'first_instance',
        outcome: command.outcome,
        awarded: command.awarded,
        awardedTotal: awarded.total,
        currency: claim.currency,
        decidedOn: decided.date,
        ...(command.paymentDueOn === undefined ? {} : { paymentDueOn: command.paymentDueOn }),
        personal: command.personal,
      })
    );
  });
};

const checkDecidedNotFinal = (claim: ClaimState): Decision | undefined =>
  check(claim.status !== 'final', 'CLAIM_ALREADY_FINAL', 'the decision on the claim is final') ??
  check(
    claim.status === 'decided',
    'CLAIM_NOT_DECIDED',
    `the claim is ${claim.status}: there is no standing decision to act on`,
  );

export const appealClaim = (ctx: Context<AppealClaim>): Decision => {
  const { command } = ctx;
  return claimStep(
    ctx,
    'appealedOn',
    command.appealedOn,
    (claim) =>
      checkDecidedNotFinal(claim) ?? checkCode(CLAIM_APPELLANTS, command.appealedBy, 'appealedBy'),
    (_claim, appealedOn) =>
      emit(ctx, 'ClaimAppealed', {
        claimId: command.claimId,
        appealedBy: command.appealedBy,
        appealedOn,
        personal: command.personal,
      }),
  );
};

export const markClaimDecisionFinal = (ctx: Context<MarkClaimDecisionFinal>): Decision =>
  claimStep(ctx, 'finalOn', ctx.command.finalOn, checkDecidedNotFinal, (claim, finalOn) =>
    emit(ctx, 'ClaimDecisionBecameFinal', {
      claimId: ctx.command.claimId,
      finalOn,
      awardedTotal: claim.awardedTotal!,
    }),
  );

/** The payment in the claim's currency, converting (and checking the conversion) when needed. */
const paymentInClaimCurrency = (
  command: RecordClaimPayment,
  claim: ClaimState,
): { readonly amount: number } | { readonly rejected: Decision } => {
  const { amount, currency, exchangeRate, convertedAmount } = command;
  if (currency === claim.currency) {
    return exchangeRate === undefined && convertedAmount === undefined
      ? { amount }
      : { rejected: invalid('exchangeRate', 'is only recorded for a payment in another currency') };
  }
  if (exchangeRate === undefined || convertedAmount === undefined) {
    return {
      rejected: reject(
        'CLAIM_CURRENCY_MISMATCH',
        "a payment in another currency than the claim's needs exchangeRate and convertedAmount",
      ),
    };
  }
  if (!isExchangeRate(exchangeRate))
    return { rejected: invalid('exchangeRate', 'must be a positive decimal string') };
  if (!isMinorUnits(convertedAmount) || convertedAmount === 0)
    return { rejected: invalid('convertedAmount', 'must be an integer of minor units above 0') };
  const expected = convertMinorUnits(amount, currency, claim.currency, exchangeRate);
  return expected === convertedAmount
    ? { amount: convertedAmount }
    : {
        rejected: reject(
          'CLAIM_CONVERSION_MISMATCH',
          'convertedAmount does not match amount at exchangeRate',
        ),
      };
};

/**
 * A payment received (several, partial, any currency). Totals stay in the claim's currency. A payment
 * that takes the total above the standing award needs a reason (rule 5: recorded, never refused).
 */
export const recordClaimPayment = (ctx: Context<RecordClaimPayment>): Decision => {
  const { command } = ctx;
  return onOpenClaim(ctx, (claim) => {
    const rejected =
      check(
        claim.awardedTotal !== undefined,
        'CLAIM_NOT_DECIDED',
        'the claim has no decision yet: payments follow a decision',
      ) ??
      checkId(command.paymentId, 'paymentId') ??
      check(
        !claim.paymentIds.includes(command.paymentId),
        'CLAIM_PAYMENT_ALREADY_RECORDED',
        'this payment is already recorded',
      ) ??
      checkCode(CURRENCY_CODES, command.currency, 'currency') ??
      (isMinorUnits(command.amount) && command.amount > 0
        ? undefined
        : invalid('amount', 'must be an integer of minor units above 0')) ??
      checkOptionalDate(command.nextPaymentDueOn, 'nextPaymentDueOn');
    if (rejected) return rejected;
    const converted = paymentInClaimCurrency(command, claim);
    if ('rejected' in converted) return converted.rejected;
    const received = pastDate(ctx, command.receivedOn, 'receivedOn');
    if ('rejected' in received) return received.rejected;
    const paidTotal = claim.paidTotal + converted.amount;
    if (!Number.isSafeInteger(paidTotal))
      return invalid('amount', 'takes the total paid beyond the largest exact amount');
    const aboveAward = paidTotal > claim.awardedTotal!;
    return (
      check(
        !aboveAward || hasText(command.personal.aboveAwardReason),
        'RULE_5_PAYMENT_ABOVE_AWARD_REASON_REQUIRED',
        'the payment takes the amount paid above the award: a reason is required',
      ) ??
      emit(ctx, 'ClaimPaymentReceived', {
        claimId: command.claimId,
        paymentId: command.paymentId,
        receivedOn: received.date,
        amount: converted.amount,
        currency: claim.currency,
        ...(command.currency === claim.currency
          ? {}
          : {
              original: {
                amount: command.amount,
                currency: command.currency,
                exchangeRate: command.exchangeRate!,
              },
            }),
        paidTotal,
        aboveAward,
        ...(command.nextPaymentDueOn === undefined
          ? {}
          : { nextPaymentDueOn: command.nextPaymentDueOn }),
        personal: command.personal,
      })
    );
  });
};

const checkAwarded = (claim: ClaimState): Decision | undefined =>
  check(claim.awardedTotal !== undefined, 'CLAIM_NOT_DECIDED', 'the claim has no decision yet') ??
  check(claim.awardedTotal! > 0, 'CLAIM_NOTHING_AWARDED', 'the claim has no award');

const checkAwardOutstanding = (claim: ClaimState): Decision | undefined =>
  checkAwarded(claim) ??
  check(
    claim.paidTotal < claim.awardedTotal!,
    'CLAIM_ALREADY_FULLY_PAID',
    'the award of the claim is fully paid',
  );

/** Enforcement of a final award that is not fully paid, once. */
export const startClaimEnforcement = (ctx: Context<StartClaimEnforcement>): Decision => {
  const { command } = ctx;
  return claimStep(
    ctx,
    'startedOn',
    command.startedOn,
    (claim) =>
      check(
        !claim.enforcementStarted,
        'CLAIM_ENFORCEMENT_ALREADY_STARTED',
        'enforcement of the claim has already started',
      ) ??
      check(
        claim.status === 'final',
        'CLAIM_NOT_FINAL',
        `the claim is ${claim.status}: only a final award is enforced`,
      ) ??
      checkAwardOutstanding(claim),
    (_claim, startedOn) =>
      emit(ctx, 'ClaimEnforcementStarted', {
        claimId: command.claimId,
        startedOn,
        personal: command.personal,
      }),
  );
};

const checkClosureOutcome = (command: CloseClaim, claim: ClaimState): Decision | undefined => {
  switch (command.outcome) {
    case 'withdrawn':
      return undefined;
    case 'rejected':
      return check(
        claim.lastOutcome === 'rejected' && claim.status !== 'appealed',
        'CLAIM_NOT_REJECTED',
        `the claim has no standing rejection (${claim.status}, ${claim.lastOutcome ?? 'undecided'})`,
      );
    case 'fully_paid':
      return (
        checkAwarded(claim) ??
        check(
          claim.paidTotal >= claim.awardedTotal!,
          'CLAIM_NOT_FULLY_PAID',
          'the award of the claim is not fully paid',
        )
      );
    case 'partly_paid_abandoned':
      return (
        checkAwardOutstanding(claim) ??
        check(claim.paidTotal > 0, 'CLAIM_NOT_PARTLY_PAID', 'nothing was paid on the claim')
      );
    case 'unenforceable':
      return checkAwardOutstanding(claim);
    default:
      return invalid('outcome', 'is not a value of its code list');
  }
};

/** Closure, with an outcome that must match what was awarded and paid. */
export const closeClaim = (ctx: Context<CloseClaim>): Decision => {
  const { command } = ctx;
  return claimStep(
    ctx,
    'closedOn',
    command.closedOn,
    (claim) => checkClosureOutcome(command, claim),
    (claim, closedOn) =>
      emit(ctx, 'ClaimClosed', {
        claimId: command.claimId,
        outcome: command.outcome,
        closedOn,
        awardedTotal: claim.awardedTotal ?? 0,
        paidTotal: claim.paidTotal,
        personal: command.personal,
      }),
  );
};
