import type { CaseOpened } from '../events';
import { NOW, administrator, caseworker, history, meta, openCase, spec } from '../testing/fixtures';

describe('Case opened', () => {
  it('given no case, when a caseworker opens one, then CaseOpened holds readable coarse facts and the identifiers apart', () => {
    spec
      .given()
      .when(openCase())
      .then([
        {
          type: 'CaseOpened',
          schemaVersion: 2,
          data: {
            ...meta(),
            caseReference: 'ORG-2026-00042',
            referralSource: 'Hotline',
            profile: {
              sexGender: 'Masculine',
              birthYear: 1990,
              estimatedAge: undefined,
              estimatedAgeOn: undefined,
              ageUncertain: false,
              citizenships: ['UA'],
              languages: ['uk', 'ru'],
            },
            ageGroupAtOpening: { category: 'adult', bracket: '35-44' },
            personal: { fullName: 'Test Person', birthDate: '1990-04-02' },
          },
        },
      ]);
  });

  it('derives birth year and age group from an estimated age when the birth date is unknown', () => {
    const [opened] = spec
      .given()
      .when(openCase({ personal: { fullName: 'X' } }, { estimatedAge: 15, ageUncertain: true }))
      .thenAccepted() as CaseOpened[];
    expect(opened!.data.profile).toMatchObject({
      birthYear: 2011,
      estimatedAge: 15,
      estimatedAgeOn: '2026-06-15',
      ageUncertain: true,
    });
    expect(opened!.data.ageGroupAtOpening).toEqual({ category: 'child', bracket: '12-17' });
  });

  it('ignores an estimate when the exact birth date is known', () => {
    const [opened] = spec
      .given()
      .when(openCase({}, { estimatedAge: 50 }))
      .thenAccepted() as CaseOpened[];
    expect(opened!.data.profile.estimatedAge).toBeUndefined();
    expect(opened!.data.profile.birthYear).toBe(1990);
  });

  it('records no age group when no age is known', () => {
    const [opened] = spec
      .given()
      .when(openCase({ personal: {} }, { ageUncertain: true }))
      .thenAccepted() as CaseOpened[];
    expect(opened!.data.ageGroupAtOpening).toBeUndefined();
    expect(opened!.data.profile.birthYear).toBeUndefined();
  });

  it('keeps an occurredAt in the past and records now', () => {
    const [opened] = spec
      .given()
      .when(openCase({ occurredAt: '2026-06-01T08:00:00+02:00' }))
      .thenAccepted();
    expect(opened!.data.occurredAt).toBe('2026-06-01T06:00:00.000Z');
    expect(opened!.data.recordedAt).toBe(NOW.toISOString());
  });

  it.each([
    ['an occurredAt in the future', openCase({ occurredAt: '2026-06-15T10:00:01Z' })],
    ['an occurredAt that is no instant', openCase({ occurredAt: '15/06/2026' })],
    ['an empty case id', openCase({ caseId: '' })],
    ['a malformed case reference', openCase({ caseReference: 'org-2026-42' })],
    ['an unknown referral source', openCase({ referralSource: 'Police' as never })],
    ['an unknown sex/gender value', openCase({}, { sexGender: 'Female' as never })],
    ['an unknown citizenship', openCase({}, { citizenships: ['XX' as never] })],
    ['no citizenship', openCase({}, { citizenships: [] })],
    ['an unknown language', openCase({}, { languages: ['xx' as never] })],
    ['a non-boolean ageUncertain', openCase({}, { ageUncertain: 'no' as never })],
    ['a birth date that does not exist', openCase({ personal: { birthDate: '2001-02-29' } })],
    ['a birth date in the future', openCase({ personal: { birthDate: '2026-06-16' } })],
    ['a negative estimated age', openCase({ personal: {} }, { estimatedAge: -1 })],
    ['a fractional estimated age', openCase({ personal: {} }, { estimatedAge: 15.5 })],
    ['an estimated age above 130', openCase({ personal: {} }, { estimatedAge: 131 })],
    ['an actor without user id', openCase({ actor: { ...caseworker, userId: '' } })],
    ['an actor without organisation', openCase({ actor: { ...caseworker, organisationId: '' } })],
  ])('rejects %s as INVALID_INPUT', (_, command) => {
    spec.given().when(command).thenRejects('INVALID_INPUT');
  });

  it('accepts the boundary values: born today, estimated age 0 and 130, occurredAt exactly now', () => {
    spec
      .given()
      .when(openCase({ personal: { birthDate: '2026-06-15' } }))
      .thenAccepted();
    spec
      .given()
      .when(openCase({ personal: {} }, { estimatedAge: 0 }))
      .thenAccepted();
    spec
      .given()
      .when(openCase({ personal: {} }, { estimatedAge: 130 }))
      .thenAccepted();
    spec
      .given()
      .when(openCase({ occurredAt: NOW.toISOString() }))
      .thenAccepted();
  });

  it('given an open case, when it is opened again, then CASE_ALREADY_OPENED', () => {
    spec
      .given(history([openCase()]))
      .when(openCase())
      .thenRejects('CASE_ALREADY_OPENED');
  });

  it('an administrator cannot open a case', () => {
    spec
      .given()
      .when(openCase({ actor: administrator }))
      .thenRejects('ROLE_CASEWORKER_OR_SUPERVISOR_REQUIRED');
  });

  it('rejects every other command on a case that was never opened', () => {
    spec
      .given()
      .when({ type: 'AddNote', actor: caseworker, noteId: 'n', personal: { text: 't' } })
      .thenRejects('CASE_NOT_OPENED');
  });

  it('rejects an unknown command type', () => {
    spec
      .given()
      .when({ type: 'Nonsense', actor: caseworker } as never)
      .thenRejects('INVALID_INPUT');
  });
});
