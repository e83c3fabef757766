import {
  CLOSURE_REASONS,
  COUNTRY_CODES,
  LANGUAGE_CODES,
  REFERRAL_SOURCES,
  SEX_GENDER,
} from '../code-lists';
import type {
  AddNote,
  ApproveClosure,
  AssignCaseworker,
  CorrectFact,
  ErasePersonalData,
  ReopenCase,
  RequestClosure,
} from '../commands';
import type { Correction } from '../events';
import { isCalendarDate, yearOf } from '../rules/calendar';
import type { Decision } from '../rules/errors';
import {
  check,
  checkActiveHolder,
  checkBestInterests,
  checkCaseHolder,
  checkCode,
  checkCodes,
  checkId,
  checkSupervisor,
  emit,
  invalid,
  type Context,
} from './context';

export const requestClosure = (ctx: Context<RequestClosure>): Decision =>
  checkActiveHolder(ctx) ??
  check(
    ctx.state.closureRequest === undefined,
    'CLOSURE_ALREADY_REQUESTED',
    'closure is already requested',
  ) ??
  checkCode(CLOSURE_REASONS, ctx.command.reason, 'reason') ??
  // Issue 19: a case is closed as a duplicate only once it is linked to the person's other case.
  check(
    ctx.command.reason !== 'duplicate' || ctx.state.sameAsCases.length > 0,
    'CLOSURE_DUPLICATE_NEEDS_SAME_PERSON_LINK',
    'closing as a duplicate needs a recorded same-person decision with another case',
  ) ??
  emit(ctx, 'ClosureRequested', { reason: ctx.command.reason, personal: ctx.command.personal });

/**
 * A supervisor other than the requester approves the closure (four eyes); for a child, only after a
 * best-interests assessment for the closure (rule 3).
 */
export const approveClosure = (ctx: Context<ApproveClosure>): Decision => {
  const { command, state } = ctx;
  const request = state.closureRequest;
  return (
    checkActiveHolder(ctx) ??
    checkSupervisor(command.actor) ??
    (request === undefined
      ? check(false, 'CLOSURE_NOT_REQUESTED', 'no closure has been requested')
      : undefined) ??
    check(
      request!.requestedBy !== command.actor.userId,
      'CLOSURE_FOUR_EYES',
      'the closure must be approved by another user than the one who requested it',
    ) ??
    checkBestInterests(ctx, 'closure') ??
    emit(ctx, 'ClosureApproved', {
      reason: request!.reason,
      requestedBy: request!.requestedBy,
      personal: command.personal,
    })
  );
};

export const reopenCase = (ctx: Context<ReopenCase>): Decision =>
  checkCaseHolder(ctx) ??
  check(ctx.state.lifecycle === 'closed', 'CASE_NOT_CLOSED', 'the case is not closed') ??
  emit(ctx, 'CaseReopened', { personal: ctx.command.personal });

export const assignCaseworker = (ctx: Context<AssignCaseworker>): Decision => {
  const { command, state } = ctx;
  const rejected =
    checkActiveHolder(ctx) ??
    checkId(command.caseworkerId, 'caseworkerId') ??
    check(
      state.caseworkerId !== command.caseworkerId,
      'CASEWORKER_ALREADY_ASSIGNED',
      'this caseworker is already assigned',
    );
  if (rejected) return rejected;
  return state.caseworkerId === undefined
    ? emit(ctx, 'CaseworkerAssigned', { caseworkerId: command.caseworkerId })
    : emit(ctx, 'CaseworkerReassigned', {
        previousCaseworkerId: state.caseworkerId,
        caseworkerId: command.caseworkerId,
      });
};

export const addNote = (ctx: Context<AddNote>): Decision =>
  checkCaseHolder(ctx) ??
  checkId(ctx.command.noteId, 'noteId') ??
  check(
    typeof ctx.command.personal.text === 'string' && ctx.command.personal.text.length > 0,
    'INVALID_INPUT',
    'a note needs text',
  ) ??
  emit(ctx, 'NoteAdded', { noteId: ctx.command.noteId, personal: ctx.command.personal });

/** Validates a correction and completes it with its readable derived facts. */
const correctionOf = (ctx: Context<CorrectFact>): Correction | Decision => {
  const { correction, personal } = ctx.command;
  switch (correction.fact) {
    case 'sexGender':
      return checkCode(SEX_GENDER, correction.value, 'correction.value') ?? correction;
    case 'citizenships':
      return checkCodes(COUNTRY_CODES, correction.value, 'correction.value') ?? correction;
    case 'languages':
      return checkCodes(LANGUAGE_CODES, correction.value, 'correction.value') ?? correction;
    case 'referralSource':
      return checkCode(REFERRAL_SOURCES, correction.value, 'correction.value') ?? correction;
    case 'birthDate':
      return isCalendarDate(personal.birthDate) && personal.birthDate <= ctx.today
        ? { fact: 'birthDate', birthYear: yearOf(personal.birthDate) }
        : invalid('personal.birthDate');
    case 'estimatedAge':
      return Number.isInteger(correction.value) &&
        correction.value >= 0 &&
        correction.value <= 130 &&
        isCalendarDate(correction.estimatedOn)
        ? correction
        : invalid('correction', 'needs a whole estimated age and the date of the estimate');
    default:
      return invalid('correction.fact');
  }
};

/** An earlier fact was wrong: a new event says so (also on a closed case). */
export const correctFact = (ctx: Context<CorrectFact>): Decision => {
  const rejected = checkCaseHolder(ctx);
  if (rejected) return rejected;
  const correction = correctionOf(ctx);
  if ('ok' in correction) return correction;
  return emit(ctx, 'FactCorrected', { correction, personal: ctx.command.personal });
};

/** Rule 7: a supervisor records the erasure; the application shreds the case's data key with it. */
export const erasePersonalData = (ctx: Context<ErasePersonalData>): Decision =>
  checkCaseHolder(ctx) ??
  checkSupervisor(ctx.command.actor) ??
  checkId(ctx.command.erasureRequestId, 'erasureRequestId') ??
  emit(ctx, 'PersonalDataErased', { erasureRequestId: ctx.command.erasureRequestId });
