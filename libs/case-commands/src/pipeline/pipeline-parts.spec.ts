import fc from 'fast-check';
import { evolve, initialState, type CaseEvent } from '@remedy/case-domain';
import { canonicalJson } from '../idempotency/idempotency.store';
import { caseRoleOf, isReachableBy } from './access';
import { parseIfMatch } from '@remedy/http';
import { scopedId, uuidV5 } from './ids';

describe('uuidV5 / scopedId', () => {
  it('matches the RFC 4122 example (www.example.com in the DNS namespace)', () => {
    const dns = Buffer.from('6ba7b8109dad11d180b400c04fd430c8', 'hex');
    expect(uuidV5('www.example.com', dns)).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('derives the same id for the same user, route, key and purpose, and different ones otherwise', () => {
    const scope = { userId: 'u', route: 'POST /cases', idempotencyKey: 'k' };
    expect(scopedId(scope, 'event:0')).toBe(scopedId(scope, 'event:0'));
    expect(scopedId(scope, 'event:0')).not.toBe(scopedId(scope, 'event:1'));
    expect(scopedId({ ...scope, userId: 'v' }, 'event:0')).not.toBe(scopedId(scope, 'event:0'));
    expect(scopedId({ ...scope, route: 'POST /x' }, 'event:0')).not.toBe(
      scopedId(scope, 'event:0'),
    );
    const { idempotencyKey: _k, ...withoutKey } = scope;
    expect(scopedId(withoutKey, 'event:0')).not.toBe(scopedId(withoutKey, 'event:0'));
  });
});

describe('canonicalJson', () => {
  it('does not depend on key order, at any depth', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })), (value) => {
        const reversed = Object.fromEntries(Object.entries(value).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(value));
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
    expect(canonicalJson({ b: [{ y: 1, x: 2 }], a: null })).toBe('{"a":null,"b":[{"x":2,"y":1}]}');
  });
});

describe('parseIfMatch', () => {
  it('reads strong and weak ETags of a revision, refuses anything else', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch('"3"')).toBe(3n);
    expect(parseIfMatch('W/"12"')).toBe(12n);
    expect(parseIfMatch('7')).toBe(7n);
    for (const bad of ['*', '"-1"', 'abc', '"3", "4"', ''])
      expect(() => parseIfMatch(bad)).toThrow();
    expect(() => parseIfMatch(['"1"', '"2"'])).toThrow();
  });
});

describe('caseRoleOf', () => {
  it('takes the highest case role of a token: supervisor > caseworker > legal aid; none for others', () => {
    expect(caseRoleOf(['caseworker', 'supervisor'])).toBe('supervisor');
    expect(caseRoleOf(['legal_aid', 'caseworker'])).toBe('caseworker');
    expect(caseRoleOf(['legal_aid'])).toBe('legal_aid_lawyer');
    expect(caseRoleOf(['rapporteur', 'admin'])).toBeUndefined();
    expect(caseRoleOf([])).toBeUndefined();
  });
});

describe('isReachableBy', () => {
  const meta = (type: string, data: object): CaseEvent =>
    ({
      type,
      schemaVersion: type === 'CaseOpened' ? 2 : 1,
      data: {
        caseId: 'c',
        organisationId: 'holder',
        actorId: 'u',
        occurredAt: 't',
        recordedAt: 't',
        ...data,
      },
    }) as unknown as CaseEvent;
  const opened = meta('CaseOpened', {
    caseReference: 'ORG-2026-00001',
    referralSource: 'Hotline',
    profile: { sexGender: 'Masculine', ageUncertain: false, citizenships: ['UA'], languages: [] },
    personal: { erased: true },
  });
  const fold = (...events: CaseEvent[]) => events.reduce(evolve, initialState);

  it('reaches the holder, a live referral receiver and a legal-aid organisation; no one else, nothing before opening', () => {
    expect(isReachableBy(initialState, 'holder')).toBe(false);
    const referral = meta('CaseReferred', {
      referralId: 'r',
      toOrganisationId: 'receiver',
      service: 'Accommodation',
      personal: { erased: true },
    });
    const grant = meta('LegalAidAccessGranted', { legalAidOrganisationId: 'lawyers' });
    const referred = fold(
      opened,
      meta('ConsentGiven', { purpose: 'referral', receivingOrganisationId: 'receiver' }),
      meta('ConsentGiven', { purpose: 'legal_aid_access', receivingOrganisationId: 'lawyers' }),
      referral,
      grant,
    );
    expect(isReachableBy(referred, 'holder')).toBe(true);
    expect(isReachableBy(referred, 'HOLDER')).toBe(true);
    expect(isReachableBy(referred, 'receiver')).toBe(true);
    expect(isReachableBy(referred, 'lawyers')).toBe(true);
    expect(isReachableBy(referred, 'stranger')).toBe(false);
    const declined = evolve(
      referred,
      meta('ReferralDeclined', { referralId: 'r', personal: { erased: true } }),
    );
    expect(isReachableBy(declined, 'receiver')).toBe(false);
    // Without the person's consent naming it (rule 2), neither a referral nor a grant reaches.
    const unconsented = fold(opened, referral, grant);
    expect(isReachableBy(unconsented, 'receiver')).toBe(false);
    expect(isReachableBy(unconsented, 'lawyers')).toBe(false);
  });
});
