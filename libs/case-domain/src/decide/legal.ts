import { LAW_ENFORCEMENT_COOPERATION, REMEDY_AVENUES, REMEDY_TYPES } from '../code-lists';
import type {
  RaiseNonPunishmentFlag,
  RecordLawEnforcementCooperation,
  ResolveNonPunishmentFlag,
  SeekRemedy,
} from '../commands';
import { NON_PUNISHMENT_RESOLUTIONS } from '../events';
import type { Decision } from '../rules/errors';
import {
  check,
  checkCaseHolder,
  checkCaseHolderOrLegalAid,
  checkCode,
  checkId,
  checkNotClosed,
  emit,
  type Context,
} from './context';

/** Rule 1: recorded as the person's own choice, for information only; accepted whatever it says. */
export const recordLawEnforcementCooperation = (
  ctx: Context<RecordLawEnforcementCooperation>,
): Decision =>
  checkCaseHolder(ctx) ??
  checkCode(LAW_ENFORCEMENT_COOPERATION, ctx.command.cooperation, 'cooperation') ??
  emit(ctx, 'LawEnforcementCooperationRecorded', { cooperation: ctx.command.cooperation });

const checkActiveHolderOrLegalAid = (ctx: Context): Decision | undefined =>
  checkCaseHolderOrLegalAid(ctx) ?? checkNotClosed(ctx.state);

/** Rule 5: several remedies, through several avenues at once; never conditional on proceedings (rule 1). */
export const seekRemedy = (ctx: Context<SeekRemedy>): Decision => {
  const { command, state } = ctx;
  return (
    checkActiveHolderOrLegalAid(ctx) ??
    checkId(command.remedyId, 'remedyId') ??
    check(
      !state.remedyIds.includes(command.remedyId),
      'REMEDY_ALREADY_SOUGHT',
      'this remedy is already recorded',
    ) ??
    checkCode(REMEDY_TYPES, command.remedyType, 'remedyType') ??
    checkCode(REMEDY_AVENUES, command.avenue, 'avenue') ??
    emit(ctx, 'RemedySought', {
      remedyId: command.remedyId,
      remedyType: command.remedyType,
      avenue: command.avenue,
      personal: command.personal,
    })
  );
};

/** Rule 6: the case carries a non-punishment flag so that legal aid acts on it. */
export const raiseNonPunishmentFlag = (ctx: Context<RaiseNonPunishmentFlag>): Decision => {
  const { command, state } = ctx;
  return (
    checkActiveHolderOrLegalAid(ctx) ??
    checkId(command.flagId, 'flagId') ??
    check(
      state.nonPunishmentFlags[command.flagId] === undefined,
      'RULE_6_FLAG_ALREADY_RAISED',
      'this flag already exists',
    ) ??
    emit(ctx, 'NonPunishmentFlagRaised', { flagId: command.flagId, personal: command.personal })
  );
};

export const resolveNonPunishmentFlag = (ctx: Context<ResolveNonPunishmentFlag>): Decision => {
  const { command, state } = ctx;
  return (
    checkActiveHolderOrLegalAid(ctx) ??
    check(
      state.nonPunishmentFlags[command.flagId] === 'raised',
      'RULE_6_FLAG_NOT_RAISED',
      'the flag is not raised',
    ) ??
    checkCode(NON_PUNISHMENT_RESOLUTIONS, command.resolution, 'resolution') ??
    emit(ctx, 'NonPunishmentFlagResolved', {
      flagId: command.flagId,
      resolution: command.resolution,
      personal: command.personal,
    })
  );
};
