import { ASSISTANCE_TYPES } from '../code-lists';
import type { AssessNeeds, ProvideAssistance, RecordSupportPlan } from '../commands';
import { isCalendarDate } from '../rules/calendar';
import type { Decision } from '../rules/errors';
import { hasLiveConsent } from './consent';
import {
  check,
  checkActiveHolder,
  checkBestInterests,
  checkCode,
  checkCodes,
  checkExists,
  checkHolder,
  checkId,
  checkNotClosed,
  checkStaff,
  emit,
  type Context,
  type DecisionState,
} from './context';
import type { Actor } from '../commands';

export const assessNeeds = (ctx: Context<AssessNeeds>): Decision =>
  checkActiveHolder(ctx) ??
  checkCodes(ASSISTANCE_TYPES, ctx.command.needs, 'needs') ??
  emit(ctx, 'NeedsAssessed', { needs: ctx.command.needs, personal: ctx.command.personal });

export const recordSupportPlan = (ctx: Context<RecordSupportPlan>): Decision => {
  const { command } = ctx;
  return (
    checkActiveHolder(ctx) ??
    checkId(command.planId, 'planId') ??
    checkCodes(ASSISTANCE_TYPES, command.plannedAssistance, 'plannedAssistance') ??
    check(
      command.reviewOn === undefined || isCalendarDate(command.reviewOn),
      'INVALID_INPUT',
      'reviewOn must be a calendar date',
    ) ??
    emit(ctx, 'SupportPlanRecorded', {
      planId: command.planId,
      plannedAssistance: command.plannedAssistance,
      reviewOn: command.reviewOn,
      personal: command.personal,
    })
  );
};

/** The holder's staff, or the staff of an organisation whose referral for the case it accepted. */
const checkProvider = (state: DecisionState, actor: Actor): Decision | undefined =>
  Object.values(state.referrals).some(
    (r) => r.status === 'accepted' && r.toOrganisationId === actor.organisationId,
  )
    ? checkStaff(actor)
    : checkHolder(state, actor);

/**
 * Assistance needs the person's live consent to assistance (rule 2, art. 12(7)) and nothing else about
 * the person's dealings with authorities (rule 1). Voluntary return support is a return decision: for a
 * child it needs a best-interests assessment (rule 3). A closed case takes no new assistance.
 */
export const provideAssistance = (ctx: Context<ProvideAssistance>): Decision => {
  const { command, state, today } = ctx;
  const from = command.from ?? today;
  return (
    checkExists(state) ??
    checkProvider(state, command.actor) ??
    checkNotClosed(state) ??
    checkId(command.assistanceId, 'assistanceId') ??
    checkCode(ASSISTANCE_TYPES, command.assistanceType, 'assistanceType') ??
    check(isCalendarDate(from), 'INVALID_INPUT', 'from must be a calendar date') ??
    check(
      command.until === undefined || (isCalendarDate(command.until) && command.until >= from),
      'INVALID_INPUT',
      'until must be a calendar date on or after from',
    ) ??
    check(
      hasLiveConsent(state, 'assistance'),
      'RULE_2_ASSISTANCE_CONSENT_REQUIRED',
      "assistance needs the person's live consent to assistance",
    ) ??
    (command.assistanceType === 'VoluntaryReturnSupport'
      ? checkBestInterests(ctx, 'return')
      : undefined) ??
    emit(ctx, 'AssistanceProvided', {
      assistanceId: command.assistanceId,
      assistanceType: command.assistanceType,
      providedByOrganisationId: command.actor.organisationId,
      from,
      until: command.until,
      personal: command.personal,
    })
  );
};
