import fc from 'fast-check';
import type { CaseCommand } from '../commands';
import { decide } from '../decide';
import { withPersonalData, type CaseEvent } from '../events';
import { ERASED } from '../events/meta';
import { evolve, evolveAll, initialState, PERSONAL_FOLDED_EVENTS, type CaseState } from '../state';
import { commandArb, openCaseArb, setupArb } from './arbitraries';
import { NOW, policy } from '../testing/fixtures';

const play = (commands: readonly CaseCommand[]): CaseEvent[] =>
  commands.reduce<{ state: CaseState; events: CaseEvent[] }>(
    (acc, command) => {
      const decision = decide(command, acc.state, NOW, policy);
      return decision.ok
        ? {
            state: decision.events.reduce(evolve, acc.state),
            events: [...acc.events, ...decision.events],
          }
        : acc;
    },
    { state: initialState, events: [] },
  ).events;

/** Fewer runs inside StrykerJS's workers; full strength otherwise. */
const NUM_RUNS = process.env.STRYKER_MUTATOR_WORKER === undefined ? 150 : 40;

/**
 * A command's fold opens only the personal parts of PERSONAL_FOLDED_EVENTS (issue 18: decrypt only
 * what a command needs; @remedy/case-stream's `opened`). That is sound when every other event's
 * personal part changes nothing in the state: given any history, when those parts are unread
 * (erased), then the state and the next decision are the same.
 */
describe('the decision state reads the personal parts of PERSONAL_FOLDED_EVENTS only', () => {
  it('property: erasing every other personal part of any history changes neither the state nor the next decision', () => {
    fc.assert(
      fc.property(
        openCaseArb,
        setupArb,
        fc.array(commandArb, { minLength: 10, maxLength: 60 }),
        commandArb,
        (open, setup, commands, next) => {
          const events = play([open, ...setup, ...commands]);
          const unread = events.map((e) =>
            PERSONAL_FOLDED_EVENTS.has(e.type) ? e : withPersonalData(e, ERASED),
          );
          const state = evolveAll(events);
          expect(evolveAll(unread)).toEqual(state);
          expect(decide(next, evolveAll(unread), NOW, policy)).toEqual(
            decide(next, state, NOW, policy),
          );
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});
