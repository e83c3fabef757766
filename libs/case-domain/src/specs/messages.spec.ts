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
    expect(messageOf(openCase({}, { ageUncertain: 'no' as never }), [])).toBe(
      'profile.ageUncertain must be a boolean',
    );
    expect(messageOf(openCase({ caseReference: 'case 42' }), [])).toBe(
      'caseReference is not of the form ORG-YYYY-NNNNN',
    );
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

  // Issue 12: a refusal is answered as it is (422 with the rule); it never repeats an id or a
  // value of the command or of the case (the answer's reader may not know them).
  it('names neither the organisation nor the case nor any id the command gave', () => {
    expect(
      messageOf({ type: 'AddNote', actor: outsider, noteId: 'n', personal: { text: 't' } }),
    ).toBe("the caller's organisation does not hold the case");
    expect(messageOf(refer(), history([openCase(), identify()]))).toBe(
      "this needs the person's live consent for that purpose naming the receiving organisation",
    );
    const marker = 'MARKER-7f3e';
    for (const command of [
      { type: 'AcceptReferral', actor: caseworker, referralId: marker },
      { type: 'DeclineReferral', actor: caseworker, referralId: marker, personal: {} },
      { type: 'AddNote', actor: outsider, noteId: marker, personal: { text: 't' } },
    ] as CaseCommand[]) {
      const message = messageOf(command);
      expect({ message, quotes: message.includes(marker) }).toEqual({ message, quotes: false });
    }
    expect(
      messageOf({ type: 'AcceptReferral', actor: caseworker, referralId: marker } as CaseCommand),
    ).toBe('no such referral on this case');
    expect(messageOf(refer(), history([openCase(), identify()]))).not.toContain(OTHER_ORG);
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
