import type { Actor, CaseCommand } from '../commands';
import { isCode } from '../code-lists';
import {
  CURRENT_SCHEMA_VERSIONS,
  type CaseEvent,
  type CaseEventType,
  type EventData,
  type EventMeta,
} from '../events';
import { isChildOn } from '../rules/age';
import { isCaseReference } from '../rules/case-reference';
import type { CalendarDate } from '../rules/calendar';
import { accept, reject, type Decision, type RuleId } from '../rules/errors';
import type { JurisdictionPolicy } from '../rules/policy';
import type { CaseState } from '../state';

/**
 * The state a rule may read: the case state without its information-only part. Rules receive this type,
 * so no rule can read law-enforcement cooperation (rule 1); the domain holds no residence status and no
 * criminal-proceedings facts at all.
 */
export type DecisionState = Omit<CaseState, 'information'>;

export interface Context<C extends CaseCommand = CaseCommand> {
  readonly command: C;
  readonly state: DecisionState;
  readonly policy: JurisdictionPolicy;
  /** Today in the jurisdiction's time zone: the date every age and deadline is computed on. */
  readonly today: CalendarDate;
  readonly meta: EventMeta;
}

/** Builds an event of the current schema version with the command's metadata. */
export const event = <T extends CaseEventType>(
  ctx: Context,
  type: T,
  data: EventData<T>,
): Extract<CaseEvent, { type: T }> =>
  ({
    type,
    schemaVersion: CURRENT_SCHEMA_VERSIONS[type],
    data: { ...ctx.meta, ...data },
  }) as unknown as Extract<CaseEvent, { type: T }>;

/** Accept the command with a single event. */
export const emit = <T extends CaseEventType>(
  ctx: Context,
  type: T,
  data: EventData<T>,
): Decision => accept(event(ctx, type, data));

/** A rejection when `ok` is false, else undefined (chain checks with `??`). */
export const check = (ok: boolean, rule: RuleId, message: string): Decision | undefined =>
  ok ? undefined : reject(rule, message);

export const invalid = (field: string, detail = 'is not valid'): Decision =>
  reject('INVALID_INPUT', `${field} ${detail}`);

export const checkCode = (
  list: readonly string[],
  value: unknown,
  field: string,
): Decision | undefined =>
  isCode(list, value) ? undefined : invalid(field, 'is not a value of its code list');

export const checkCodes = (
  list: readonly string[],
  values: unknown,
  field: string,
): Decision | undefined =>
  Array.isArray(values) && values.every((v) => isCode(list, v))
    ? undefined
    : invalid(field, 'holds a value outside its code list');

export const checkBoolean = (value: unknown, field: string): Decision | undefined =>
  typeof value === 'boolean' ? undefined : invalid(field, 'must be a boolean');

export const checkId = (value: unknown, field: string): Decision | undefined =>
  typeof value === 'string' && value.length > 0
    ? undefined
    : invalid(field, 'must be a non-empty opaque id');

// ---- case life ----

/** The case exists and its personal data has not been erased. */
export const checkExists = (state: DecisionState): Decision | undefined =>
  check(state.lifecycle !== 'not_opened', 'CASE_NOT_OPENED', 'the case has not been opened') ??
  check(
    !state.erased,
    'RULE_7_CASE_ERASED',
    'the case has had its personal data erased and accepts no further command',
  );

export const checkNotClosed = (state: DecisionState): Decision | undefined =>
  check(state.lifecycle !== 'closed', 'CASE_CLOSED', 'the case is closed; reopen it first');

// ---- who may act ----

const isCaseStaff = (actor: Actor): boolean =>
  actor.role === 'caseworker' || actor.role === 'supervisor';

export const checkStaff = (actor: Actor): Decision | undefined =>
  check(
    isCaseStaff(actor),
    'ROLE_CASEWORKER_OR_SUPERVISOR_REQUIRED',
    `role ${actor.role} may not act on case content`,
  );

/** A caseworker or supervisor of the organisation that holds the case. */
export const checkHolder = (state: DecisionState, actor: Actor): Decision | undefined =>
  checkStaff(actor) ??
  check(
    actor.organisationId === state.holdingOrganisationId,
    'ACCESS_NOT_HOLDING_ORGANISATION',
    "the caller's organisation does not hold the case",
  );

export const checkSupervisor = (actor: Actor): Decision | undefined =>
  check(
    actor.role === 'supervisor',
    'ROLE_SUPERVISOR_REQUIRED',
    'this decision needs a supervisor',
  );

/** The holder's staff, or a legal aid lawyer of an organisation the person gave legal aid access to. */
export const checkHolderOrLegalAid = (state: DecisionState, actor: Actor): Decision | undefined =>
  actor.role === 'legal_aid_lawyer'
    ? check(
        state.legalAidOrganisations.includes(actor.organisationId),
        'ACCESS_NO_LEGAL_AID_ACCESS',
        "the caller's organisation has no legal aid access to the case",
      )
    : checkHolder(state, actor);

/** Existing and not erased (closed or not), and the actor works for the holder. */
export const checkCaseHolder = (ctx: Context): Decision | undefined =>
  checkExists(ctx.state) ?? checkHolder(ctx.state, ctx.command.actor);

/** Existing, not erased, not closed, and the actor works for the holder. */
export const checkActiveHolder = (ctx: Context): Decision | undefined =>
  checkCaseHolder(ctx) ?? checkNotClosed(ctx.state);

/** Existing and not erased (closed or not); the actor is the holder's staff or has legal aid access. */
export const checkCaseHolderOrLegalAid = (ctx: Context): Decision | undefined =>
  checkExists(ctx.state) ?? checkHolderOrLegalAid(ctx.state, ctx.command.actor);

/** A case reference of the form ORG-YYYY-NNNNN (allocated by the application, see `formatCaseReference`). */
export const checkCaseReference = (value: unknown): Decision | undefined =>
  check(isCaseReference(value), 'INVALID_INPUT', 'caseReference is not of the form ORG-YYYY-NNNNN');

// ---- rule 3 ----

/**
 * Rule 3: a decision about a child needs the latest best-interests assessment recorded for that kind of
 * decision since it was last taken, and that assessment must not be against it. Adults need none.
 */
export const checkBestInterests = (
  ctx: Context,
  decision: 'referral' | 'transfer' | 'return' | 'closure',
): Decision | undefined => {
  if (!isChildOn(ctx.state.age, ctx.today)) return undefined;
  const outcome = ctx.state.bestInterests[decision];
  return (
    check(
      outcome !== undefined,
      'RULE_3_BEST_INTERESTS_REQUIRED',
      `the person is a child: a best-interests assessment for the ${decision} must be recorded first`,
    ) ??
    check(
      outcome === 'proceed',
      'RULE_3_BEST_INTERESTS_AGAINST_DECISION',
      `the best-interests assessment recorded for the ${decision} concluded not to proceed`,
    )
  );
};
