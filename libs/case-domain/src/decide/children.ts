import { BEST_INTERESTS_DECISIONS, BEST_INTERESTS_OUTCOMES, GUARDIAN_KINDS } from '../code-lists';
import type {
  AppointGuardian,
  PresumeMinority,
  RecordBestInterestsAssessment,
  VerifyAge,
} from '../commands';
import { AGE_VERIFICATION_METHODS } from '../events';
import { isCalendarDate, yearOf } from '../rules/calendar';
import type { Decision } from '../rules/errors';
import {
  check,
  checkBoolean,
  checkActiveHolder,
  checkCode,
  checkId,
  checkSupervisor,
  emit,
  type Context,
} from './context';

/** Rule 3 (art. 10(3)): age uncertain and reasons to believe the person is a child → presumed a child. */
export const presumeMinority = (ctx: Context<PresumeMinority>): Decision =>
  checkActiveHolder(ctx) ??
  check(
    ctx.state.ageUncertain,
    'RULE_3_AGE_NOT_UNCERTAIN',
    'minority is presumed only while the age is uncertain',
  ) ??
  check(
    !ctx.state.age.presumedMinor,
    'RULE_3_MINORITY_ALREADY_PRESUMED',
    'minority is already presumed',
  ) ??
  emit(ctx, 'MinorityPresumed', { personal: ctx.command.personal });

/** Ends the uncertainty (and any presumption of minority) with a birth date or a verified age. */
export const verifyAge = (ctx: Context<VerifyAge>): Decision => {
  const { command, today } = ctx;
  const birthDate = command.personal.birthDate;
  const { verifiedAge } = command;
  const rejected =
    checkActiveHolder(ctx) ??
    check(
      ctx.state.ageUncertain,
      'RULE_3_AGE_NOT_UNCERTAIN',
      'the age is not uncertain; correct the birth date instead',
    ) ??
    checkCode(AGE_VERIFICATION_METHODS, command.method, 'method') ??
    (birthDate !== undefined
      ? check(
          isCalendarDate(birthDate) && birthDate <= today,
          'INVALID_INPUT',
          'personal.birthDate is not valid',
        )
      : check(
          Number.isInteger(verifiedAge) &&
            (verifiedAge as number) >= 0 &&
            (verifiedAge as number) <= 130,
          'INVALID_INPUT',
          'a verification establishes personal.birthDate or verifiedAge',
        ));
  if (rejected) return rejected;
  return emit(ctx, 'AgeVerified', {
    method: command.method,
    verifiedOn: today,
    birthYear: birthDate !== undefined ? yearOf(birthDate) : yearOf(today) - verifiedAge!,
    verifiedAge: birthDate === undefined ? verifiedAge : undefined,
    personal: { birthDate },
  });
};

/** A supervisor records a child's best-interests assessment for one kind of decision (rule 3). */
export const recordBestInterestsAssessment = (
  ctx: Context<RecordBestInterestsAssessment>,
): Decision => {
  const { command } = ctx;
  return (
    checkActiveHolder(ctx) ??
    checkSupervisor(command.actor) ??
    checkId(command.assessmentId, 'assessmentId') ??
    checkCode(BEST_INTERESTS_DECISIONS, command.decision, 'decision') ??
    checkCode(BEST_INTERESTS_OUTCOMES, command.outcome, 'outcome') ??
    checkBoolean(command.guardianPresent, 'guardianPresent') ??
    emit(ctx, 'BestInterestsAssessmentRecorded', {
      assessmentId: command.assessmentId,
      decision: command.decision,
      outcome: command.outcome,
      guardianPresent: command.guardianPresent,
      personal: command.personal,
    })
  );
};

export const appointGuardian = (ctx: Context<AppointGuardian>): Decision =>
  checkActiveHolder(ctx) ??
  checkCode(GUARDIAN_KINDS, ctx.command.kind, 'kind') ??
  emit(ctx, 'GuardianAppointed', { kind: ctx.command.kind, personal: ctx.command.personal });
