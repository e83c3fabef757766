import type { MirrorDuplicateDecision, RecordDuplicateDecision } from '../commands';
import { DUPLICATE_DECISIONS } from '../events';
import type { Decision } from '../rules/errors';
import {
  check,
  checkActiveHolder,
  checkCaseHolder,
  checkCode,
  checkId,
  emit,
  type Context,
} from './context';

type DuplicateCommand = RecordDuplicateDecision | MirrorDuplicateDecision;

/** The facts both commands check: ids, the decision's code, another case, a pair not decided yet. */
const checkPair = (ctx: Context<DuplicateCommand>): Decision | undefined => {
  const { command, state } = ctx;
  return (
    checkId(command.decisionId, 'decisionId') ??
    checkId(command.otherCaseId, 'otherCaseId') ??
    checkCode(DUPLICATE_DECISIONS, command.decision, 'decision') ??
    check(
      command.otherCaseId.toLowerCase() !== state.caseId.toLowerCase(),
      'DUPLICATE_SAME_CASE',
      'a case cannot be a duplicate of itself',
    ) ??
    // Decisions are final, either way: one decision per pair of cases (a mistaken link is
    // corrected by reopening the closed case, not by reversing the decision).
    check(
      !state.duplicateDecisionIds.includes(command.decisionId) &&
        !state.sameAsCases.includes(command.otherCaseId) &&
        !state.notSameAsCases.includes(command.otherCaseId),
      'DUPLICATE_ALREADY_DECIDED',
      'this pair of cases has already been decided',
    )
  );
};

/**
 * A caseworker or supervisor of the holder decides, on an open case, whether another case holds the
 * same person. The application has checked that the other case exists and is held by the same
 * organisation (else DUPLICATE_OTHER_CASE_UNKNOWN, decided before this command).
 */
export const recordDuplicateDecision = (ctx: Context<RecordDuplicateDecision>): Decision =>
  checkActiveHolder(ctx) ??
  checkPair(ctx) ??
  emit(ctx, 'DuplicateDecisionRecorded', {
    decisionId: ctx.command.decisionId,
    otherCaseId: ctx.command.otherCaseId,
    decision: ctx.command.decision,
    initiatedHere: true,
  });

/**
 * The mirror of a decision recorded on `otherCaseId`, on behalf of the user who decided there: the
 * case may be closed (a new case is often linked to an old, closed one), not erased.
 */
export const mirrorDuplicateDecision = (ctx: Context<MirrorDuplicateDecision>): Decision =>
  checkCaseHolder(ctx) ??
  checkPair(ctx) ??
  emit(ctx, 'DuplicateDecisionRecorded', {
    decisionId: ctx.command.decisionId,
    otherCaseId: ctx.command.otherCaseId,
    decision: ctx.command.decision,
    initiatedHere: false,
  });
