import type { CaseCommand } from '../commands';
import { decide } from '../decide';
import type { CaseEvent } from '../events';
import type { Decision, RuleId } from '../rules/errors';
import type { JurisdictionPolicy } from '../rules/policy';
import { evolveAll } from '../state';

/**
 * given(events).when(command).then(events | rule): a tiny, hand-written test helper over decide/evolve in
 * the spirit of Emmett's DeciderSpecification (small enough not to take a dependency for it).
 */
export interface Clock {
  readonly now: Date;
  readonly policy: JurisdictionPolicy;
}

export interface Then {
  /** The decision itself, for custom assertions. */
  readonly decision: Decision;
  /** The command is accepted with exactly these events. */
  then(expected: readonly CaseEvent[]): void;
  /** The command is accepted; returns the events for further assertions. */
  thenAccepted(): readonly CaseEvent[];
  /** The command is refused by this rule. */
  thenRejects(rule: RuleId): void;
}

const describeDecision = (decision: Decision): string =>
  decision.ok
    ? `accepted with ${decision.events.map((e) => e.type).join(', ')}`
    : `rejected by ${decision.error.rule}: ${decision.error.message}`;

export const specification = (clock: Clock) => ({
  given: (...history: readonly (CaseEvent | readonly CaseEvent[])[]) => ({
    when: (command: CaseCommand, at: Partial<Clock> = {}): Then => {
      const decision = decide(
        command,
        evolveAll(history.flat()),
        at.now ?? clock.now,
        at.policy ?? clock.policy,
      );
      return {
        decision,
        then(expected) {
          if (!decision.ok)
            throw new Error(`expected events, but the command was ${describeDecision(decision)}`);
          expect(decision.events).toEqual(expected);
        },
        thenAccepted() {
          if (!decision.ok)
            throw new Error(`expected events, but the command was ${describeDecision(decision)}`);
          return decision.events;
        },
        thenRejects(rule) {
          if (decision.ok)
            throw new Error(
              `expected a rejection by ${rule}, but the command was ${describeDecision(decision)}`,
            );
          expect(decision.error.rule).toBe(rule);
          expect(decision.error.message.length).toBeGreaterThan(0);
        },
      };
    },
  }),
});
