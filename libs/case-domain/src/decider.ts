import type { CaseCommand } from './commands';
import { decide } from './decide';
import type { CaseEvent } from './events';
import { isChildOn } from './rules/age';
import { calendarDateIn } from './rules/calendar';
import type { Decision } from './rules/errors';
import type { JurisdictionPolicy } from './rules/policy';
import { evolve, initialState, type CaseState } from './state';

/** The case decider, in the shape of Emmett's Decider: plain functions over plain events. */
export interface CaseDecider {
  readonly decide: (
    command: CaseCommand,
    state: CaseState,
    now: Date,
    policy: JurisdictionPolicy,
  ) => Decision;
  readonly evolve: (state: CaseState, event: CaseEvent) => CaseState;
  readonly initialState: CaseState;
}

export const caseDecider: CaseDecider = { decide, evolve, initialState };

/** Is the person a child today in the jurisdiction (rule 3)? */
export const isChild = (state: CaseState, now: Date, policy: JurisdictionPolicy): boolean =>
  isChildOn(state.age, calendarDateIn(now, policy.timeZone));

/** A child without a guardian or legal representative yet (rule 3): for work lists and reminders. */
export const needsGuardian = (state: CaseState, now: Date, policy: JurisdictionPolicy): boolean =>
  state.lifecycle === 'open' && isChild(state, now, policy) && state.guardians.length === 0;
