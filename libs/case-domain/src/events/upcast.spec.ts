import {
  CASE_EVENT_TYPES,
  CURRENT_SCHEMA_VERSIONS,
  ERASED,
  isCaseEventType,
  isErased,
  personalDataOf,
  withPersonalData,
  type CaseEvent,
} from './index';
import { upcast, UnknownEventError } from './upcast';
import { history, openCase } from '../testing/fixtures';

const v1CaseOpened = {
  type: 'CaseOpened',
  schemaVersion: 1,
  data: {
    caseId: 'case-1',
    organisationId: 'org-1',
    actorId: 'user-1',
    occurredAt: '2025-01-01T00:00:00.000Z',
    recordedAt: '2025-01-01T00:00:00.000Z',
    caseReference: 'ORG-2025-00001',
    referralSource: 'NGO',
    profile: {
      sexGender: 'NonConforming',
      birthYear: 1999,
      ageUncertain: false,
      citizenship: 'NG',
      languages: ['en'],
    },
    personal: { fullName: 'x' },
  },
};

describe('event versions and upcasting', () => {
  it('given a v1 CaseOpened with a single citizenship, upcast returns v2 with citizenships', () => {
    const upcasted = upcast(v1CaseOpened);
    expect(upcasted).toEqual({
      ...v1CaseOpened,
      schemaVersion: 2,
      data: {
        ...v1CaseOpened.data,
        profile: {
          sexGender: 'NonConforming',
          birthYear: 1999,
          ageUncertain: false,
          citizenships: ['NG'],
          languages: ['en'],
        },
      },
    });
  });

  it('treats a missing schemaVersion as 1', () => {
    const { schemaVersion: _v, ...unversioned } = v1CaseOpened;
    expect(upcast(unversioned)).toMatchObject({
      schemaVersion: 2,
      data: { profile: { citizenships: ['NG'] } },
    });
  });

  it('leaves current events as they are', () => {
    const events = history([openCase()]);
    expect(upcast(events[0]!)).toEqual(events[0]);
    const note = { type: 'NoteAdded', data: { noteId: 'n' } };
    expect(upcast(note)).toEqual({ ...note, schemaVersion: 1 });
  });

  it.each([
    [{ type: 'CaseDeleted', schemaVersion: 1, data: {} }, /unknown case event type CaseDeleted/],
    [
      { type: 'CaseOpened', schemaVersion: 3, data: {} },
      /unsupported schemaVersion 3 for CaseOpened \(current 2\)/,
    ],
    [{ type: 'CaseOpened', schemaVersion: 0, data: {} }, /unsupported schemaVersion 0/],
    [{ type: 'NoteAdded', schemaVersion: 1.5, data: {} }, /unsupported schemaVersion 1.5/],
    [{ type: 'toString', schemaVersion: 1, data: {} }, /unknown case event type/],
  ])('refuses %o', (raw, message) => {
    expect(() => upcast(raw)).toThrow(UnknownEventError);
    expect(() => upcast(raw)).toThrow(message);
  });

  it('every event type has a current schema version', () => {
    expect(CASE_EVENT_TYPES).toHaveLength(45);
    for (const type of CASE_EVENT_TYPES)
      expect(CURRENT_SCHEMA_VERSIONS[type]).toBeGreaterThanOrEqual(1);
    expect(isCaseEventType('CaseOpened')).toBe(true);
    expect(isCaseEventType('hasOwnProperty')).toBe(false);
    expect(isCaseEventType(undefined)).toBe(false);
  });

  it('exposes the personal sub-object for sealing and can replace it', () => {
    const [opened] = history([openCase()]) as CaseEvent[];
    expect(personalDataOf(opened!)).toEqual({ fullName: 'Test Person', birthDate: '1990-04-02' });
    const sealed = withPersonalData(opened!, { ciphertext: 'abc' });
    expect(personalDataOf(sealed)).toEqual({ ciphertext: 'abc' });
    expect(opened!.data).not.toBe(sealed.data);
    const erased = withPersonalData(opened!, ERASED);
    expect(isErased(personalDataOf(erased) as object)).toBe(true);
    expect(isErased({ fullName: 'x' })).toBe(false);
    const assigned = {
      type: 'CaseworkerAssigned',
      schemaVersion: 1,
      data: { caseworkerId: 'u' },
    } as unknown as CaseEvent;
    expect(personalDataOf(assigned)).toBeUndefined();
    expect(withPersonalData(assigned, { ciphertext: 'x' })).toBe(assigned);
  });
});
