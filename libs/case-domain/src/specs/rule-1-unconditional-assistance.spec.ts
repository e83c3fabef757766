import fc from 'fast-check';
import type { CaseCommand } from '../commands';
import { decide } from '../decide';
import type { CaseEvent } from '../events';
import { evolve, evolveAll, initialState, type CaseState } from '../state';
import {
  caseworker,
  history,
  NOW,
  policy,
  spec,
  consent,
  assist,
  refer,
  OTHER_ORG,
  identify,
  openCase,
} from '../testing/fixtures';
import {
  avenueArb,
  claimCommandArb,
  commandArb,
  cooperationArb,
  openCaseArb,
  setupArb,
} from './arbitraries';

/** Folds commands from an empty case, keeping the accepted ones (a history the domain could have produced). */
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

/**
 * The facts rule 1 forbids any command to depend on: the person's cooperation with law enforcement, and
 * whether criminal proceedings are used (the only traces of proceedings in a case: the avenue of a remedy
 * or of a compensation claim).
 * Residence status is not a fact the case holds at all.
 */
const varyForbiddenFacts = (
  events: readonly CaseEvent[],
  cooperation: readonly string[],
  avenues: readonly string[],
  insertions: readonly { at: number; cooperation: string }[],
): CaseEvent[] => {
  const varied = events.map((event, i): CaseEvent => {
    if (event.type === 'LawEnforcementCooperationRecorded') {
      return {
        ...event,
        data: { ...event.data, cooperation: cooperation[i % cooperation.length] as never },
      };
    }
    if (event.type === 'RemedySought' || event.type === 'CompensationClaimFiled') {
      return {
        ...event,
        data: { ...event.data, avenue: avenues[i % avenues.length] as never },
      } as CaseEvent;
    }
    return event;
  });
  for (const insertion of insertions) {
    const at = 1 + (insertion.at % Math.max(1, varied.length));
    const template = varied[0]!;
    varied.splice(at, 0, {
      type: 'LawEnforcementCooperationRecorded',
      schemaVersion: 1,
      data: { ...template.data, cooperation: insertion.cooperation as never },
    } as CaseEvent);
  }
  return varied;
};

/** Fewer runs inside StrykerJS's workers (each mutant reruns the covering tests); full strength otherwise. */
const NUM_RUNS = process.env.STRYKER_MUTATOR_WORKER === undefined ? 150 : 40;

/**
 * For random histories of `commands` (then one more as the next command): varying the cooperation and
 * proceedings facts of the history changes no decision on the next command.
 */
const decisionsIgnoreForbiddenFacts = (
  commandArb: fc.Arbitrary<CaseCommand>,
  length: { readonly minLength: number; readonly maxLength: number },
) =>
  fc.assert(
    fc.property(
      openCaseArb,
      setupArb,
      fc.array(commandArb, length),
      commandArb,
      fc.array(cooperationArb, { minLength: 1, maxLength: 5 }),
      fc.array(avenueArb, { minLength: 1, maxLength: 5 }),
      fc.array(fc.record({ at: fc.nat(), cooperation: cooperationArb }), { maxLength: 5 }),
      (open, setup, commands, next, cooperation, avenues, insertions) => {
        const events = play([open, ...setup, ...commands]);
        const varied = varyForbiddenFacts(events, cooperation, avenues, insertions);
        const original = decide(next, evolveAll(events), NOW, policy);
        const withOtherFacts = decide(next, evolveAll(varied), NOW, policy);
        expect(withOtherFacts).toEqual(original);
      },
    ),
    { numRuns: NUM_RUNS },
  );

describe('Rule 1: unconditional assistance', () => {
  it('property: varying cooperation and proceedings facts in any history never changes any decision', () => {
    decisionsIgnoreForbiddenFacts(commandArb, { minLength: 10, maxLength: 60 });
  });

  it('property: claims (filing, decisions, appeals, payments, enforcement, closure) never depend on those facts', () => {
    decisionsIgnoreForbiddenFacts(claimCommandArb, { minLength: 5, maxLength: 40 });
  });

  it('the generated claim histories reach every claim event (the claim property is not vacuous)', () => {
    const types = new Set(
      fc
        .sample(
          fc.tuple(
            openCaseArb,
            setupArb,
            fc.array(claimCommandArb, { minLength: 5, maxLength: 40 }),
          ),
          { numRuns: 100, seed: 1 },
        )
        .flatMap(([open, setup, commands]) =>
          play([open, ...setup, ...commands]).map((e) => e.type),
        ),
    );
    for (const type of [
      'CompensationClaimFiled',
      'ClaimHearingScheduled',
      'ClaimDecided',
      'ClaimAppealed',
      'ClaimDecisionBecameFinal',
      'ClaimPaymentReceived',
      'ClaimEnforcementStarted',
      'ClaimClosed',
    ] as const)
      expect([type, types.has(type)]).toEqual([type, true]);
  });

  it('the generated histories exercise accepted decisions (the property is not vacuous)', () => {
    const types = new Set(
      fc
        .sample(
          fc.tuple(openCaseArb, setupArb, fc.array(commandArb, { minLength: 10, maxLength: 60 })),
          { numRuns: NUM_RUNS === 150 ? 100 : 30, seed: 1 },
        )
        .flatMap(([open, setup, commands]) =>
          play([open, ...setup, ...commands]).map((e) => e.type),
        ),
    );
    expect(types.size).toBeGreaterThanOrEqual(NUM_RUNS === 150 ? 27 : 20);
  });

  it.each(['not_decided', 'declined', 'cooperating', 'withdrew'] as const)(
    'given a person whose cooperation is %s, assistance, referral and remedy are decided alike',
    (cooperation) => {
      const events = history([
        openCase(),
        identify(),
        consent('assistance'),
        consent('referral', OTHER_ORG),
        { type: 'RecordLawEnforcementCooperation', actor: caseworker, cooperation },
      ]);
      spec.given(events).when(assist()).thenAccepted();
      spec.given(events).when(refer()).thenAccepted();
      spec
        .given(events)
        .when({
          type: 'FileCompensationClaim',
          actor: caseworker,
          claimId: 'c',
          avenue: 'CriminalProceedingsWithCivilClaim',
          respondentKind: 'Trafficker',
          currency: 'EUR',
          claimed: { MoralDamage: 100_000 },
          personal: {},
        })
        .thenAccepted();
      spec
        .given(events)
        .when({
          type: 'SeekRemedy',
          actor: caseworker,
          remedyId: 'r',
          remedyType: 'Compensation',
          avenue: 'StateCompensationFund',
          personal: {},
        })
        .thenAccepted();
    },
  );

  it('the decision state carries no information-only facts', () => {
    const events = history([
      openCase(),
      { type: 'RecordLawEnforcementCooperation', actor: caseworker, cooperation: 'cooperating' },
    ]);
    expect(evolveAll(events).information).toEqual({ lawEnforcementCooperation: 'cooperating' });
  });
});
