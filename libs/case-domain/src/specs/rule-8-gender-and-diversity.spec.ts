import fc from 'fast-check';
import { SEX_GENDER } from '../code-lists';
import type { CaseCommand } from '../commands';
import { decide } from '../decide';
import type { CaseOpened } from '../events';
import { evolveAll } from '../state';
import {
  NOW,
  OTHER_ORG,
  assist,
  caseworker,
  consent,
  history,
  identify,
  openCase,
  policy,
  refer,
  spec,
} from '../testing/fixtures';
import { commandArb } from './arbitraries';

describe('Rule 8: gender and diversity', () => {
  it.each(SEX_GENDER)('accepts %s and records it readably', (sexGender) => {
    const [opened] = spec.given().when(openCase({}, { sexGender })).thenAccepted() as CaseOpened[];
    expect(opened!.data.profile.sexGender).toBe(sexGender);
  });

  it.each(SEX_GENDER)(
    'a case for a %s person gets the same assistance, referral and remedy decisions',
    (sexGender) => {
      const events = history([
        openCase({}, { sexGender }),
        identify({ formsOfExploitation: ['SexualExploitation'] }),
        consent('assistance'),
        consent('referral', OTHER_ORG),
      ]);
      spec.given(events).when(assist('Accommodation')).thenAccepted();
      spec.given(events).when(refer()).thenAccepted();
    },
  );

  it('property: no decision depends on sex/gender (neither at opening nor after a correction)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SEX_GENDER),
        fc.constantFrom(...SEX_GENDER),
        fc.array(commandArb, { maxLength: 20 }),
        commandArb,
        (a, b, commands, next) => {
          const run = (sexGender: (typeof SEX_GENDER)[number]) => {
            const events = history([openCase({}, { sexGender })]);
            for (const command of commands as CaseCommand[]) {
              const d = decide(command, evolveAll(events), NOW, policy);
              if (d.ok) events.push(...d.events);
            }
            return {
              state: evolveAll(events),
              decision: decide(next, evolveAll(events), NOW, policy),
            };
          };
          const left = run(a);
          const right = run(b);
          expect(right.state).toEqual(left.state);
          expect(right.decision.ok).toBe(left.decision.ok);
          if (!left.decision.ok && !right.decision.ok)
            expect(right.decision.error).toEqual(left.decision.error);
        },
      ),
      { numRuns: process.env.STRYKER_MUTATOR_WORKER === undefined ? 50 : 15 },
    );
  });

  it('men and boys can be identified as victims of sexual exploitation; women and girls of forced labour', () => {
    const boy = history([
      openCase({ personal: { birthDate: '2011-01-01' } }, { sexGender: 'Masculine' }),
    ]);
    spec
      .given(boy)
      .when(identify({ formsOfExploitation: ['SexualExploitation'], actor: caseworker }))
      .thenAccepted();
    const woman = history([openCase({}, { sexGender: 'Feminine' })]);
    spec
      .given(woman)
      .when(identify({ formsOfExploitation: ['ForcedLabour'], sectors: ['C_Manufacturing'] }))
      .thenAccepted();
  });
});
