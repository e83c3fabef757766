import type { CaseCommand } from '../commands';
import { decide } from '../decide';
import { evolveAll, initialState } from '../state';
import {
  NOW,
  OTHER_ORG,
  caseworker,
  consent,
  history,
  identify,
  openCase,
  outsider,
  policy,
  refer,
  spec,
} from '../testing/fixtures';

const messageOf = (command: CaseCommand, events = history([openCase(), identify()])): string => {
  const decision = decide(command, evolveAll(events), NOW, policy);
  if (decision.ok) throw new Error('expected a rejection');
  return decision.error.message;
};

describe('Refusal messages name the field or the rule, with opaque ids only', () => {
  it('names the invalid field and why', () => {
    expect(messageOf(openCase({}, { sexGender: 'x' as never }), [])).toBe(
      'profile.sexGender is not a value of its code list',
    );
    expect(messageOf(openCase({}, { languages: ['xx' as never] }), [])).toBe(
      'profile.languages holds a value outside its code list',
    );
    expect(messageOf(openCase({ caseId: '' }), [])).toBe('caseId must be a non-empty opaque id');
    expect(messageOf(openCase({ personal: { birthDate: '2026-02-30' } }), [])).toBe(
      'personal.birthDate is not valid',
    );
    expect(
      messageOf({
        type: 'CorrectFact',
        actor: caseworker,
        correction: { fact: 'name' } as never,
        personal: {},
      }),
    ).toBe('correction.fact is not valid');
  });

  it('names the organisation and the case by opaque id', () => {
    expect(
      messageOf({ type: 'AddNote', actor: outsider, noteId: 'n', personal: { text: 't' } }),
    ).toBe('organisation org-unrelated does not hold case case-1');
    expect(messageOf(refer(), history([openCase(), identify()]))).toBe(
      `referral to organisation ${OTHER_ORG} needs the person's live consent for that purpose naming that organisation`,
    );
  });

  it('explains a child decision refused for want of an assessment', () => {
    const events = history([
      openCase({ personal: { birthDate: '2012-01-01' } }),
      consent('referral', OTHER_ORG),
    ]);
    expect(messageOf(refer(), events)).toBe(
      'the person is a child: a best-interests assessment for the referral must be recorded first',
    );
  });

  it('a command without an actor is invalid input, never a crash', () => {
    spec
      .given(history([openCase()]))
      .when({ type: 'AddNote', noteId: 'n', personal: { text: 't' } } as never)
      .thenRejects('INVALID_INPUT');
    expect(
      decide({ type: 'AddNote', noteId: 'n', personal: {} } as never, initialState, NOW, policy),
    ).toEqual({
      ok: false,
      error: { rule: 'INVALID_INPUT', message: 'actor.userId must be a non-empty opaque id' },
    });
  });

  it('referral answers on a case never opened are refused as such', () => {
    spec
      .given()
      .when({ type: 'AcceptReferral', actor: caseworker, referralId: 'r' })
      .thenRejects('CASE_NOT_OPENED');
  });
});
