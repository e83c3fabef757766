import {
  createJurisdictionPolicy,
  decide,
  ERASED,
  initialState,
  type CaseEvent,
  type OpenCase,
} from '@remedy/case-domain';
import { PersonalDataErasedError } from '@remedy/crypto';
import type { EventStore, RecordedEvent } from '@remedy/event-store';
import {
  caseIdOfStream,
  caseStreamId,
  openPersonal,
  openPersonalView,
  readCase,
  sealEvent,
  sealedCiphertextOf,
  type PersonalDecrypter,
  type PersonalSealer,
} from './index';

const CASE_ID = '0b8f6a8e-4c1d-4f7e-9a43-5d2c1e7f9a10';
const NOW = new Date('2026-06-15T10:00:00.000Z');
const actor = { userId: 'user-1', organisationId: 'org-1', role: 'caseworker' as const };

/** A cipher that tags its ciphertexts with the case id; a shredded case's key is gone. */
function fakeCipher(): PersonalSealer & PersonalDecrypter & { shred(caseId: string): void } {
  const shredded = new Set<string>();
  return {
    shred: (caseId) => void shredded.add(caseId),
    encryptJsonForCase: async (caseId, value) =>
      `ct:${caseId}:${Buffer.from(JSON.stringify(value)).toString('base64url')}`,
    decryptJsonForCase: async <T>(caseId: string, ciphertext: string): Promise<T> => {
      if (shredded.has(caseId)) throw new PersonalDataErasedError(caseId);
      const [, of, body] = ciphertext.split(':');
      if (of !== caseId) throw new Error('wrong case');
      return JSON.parse(Buffer.from(body!, 'base64url').toString()) as T;
    },
  };
}

const opening = (): CaseEvent[] => {
  const command: OpenCase = {
    type: 'OpenCase',
    actor,
    caseId: CASE_ID,
    caseReference: 'ORG-2026-00001',
    referralSource: 'Hotline',
    profile: {
      sexGender: 'Masculine',
      ageUncertain: false,
      citizenships: ['UA'],
      languages: ['uk'],
    },
    personal: { fullName: 'Test Person', birthDate: '1990-04-02' },
  };
  const decision = decide(
    command,
    initialState,
    NOW,
    createJurisdictionPolicy({ timeZone: 'UTC' }),
  );
  if (!decision.ok) throw new Error(decision.error.message);
  return [...decision.events];
};

function storeOf(streams: Record<string, readonly CaseEvent[]>): Pick<EventStore, 'readStream'> {
  return {
    readStream: async (streamId) =>
      (streams[streamId] ?? []).map(
        (e, i) =>
          ({
            id: `event-${i}`,
            streamId,
            revision: BigInt(i),
            type: e.type,
            schemaVersion: e.schemaVersion,
            data: e.data,
            metadata: {},
            occurredAt: NOW,
            recordedAt: NOW,
            position: { commit: BigInt(i), prepare: BigInt(i) },
          }) as RecordedEvent,
      ),
  };
}

describe('case stream id', () => {
  it('is the opaque case id, lower case, behind the prefix, and gives the case id back', () => {
    expect(caseStreamId(CASE_ID.toUpperCase())).toBe(`case-${CASE_ID}`);
    expect(caseIdOfStream(caseStreamId(CASE_ID))).toBe(CASE_ID);
  });
});

describe('sealing and opening personal parts', () => {
  it('seals only the personal part, and opens it again for the same case', async () => {
    const cipher = fakeCipher();
    const [opened] = opening();
    const sealed = await sealEvent(cipher, CASE_ID, opened!);
    const personal = (sealed.data as { personal?: unknown }).personal;
    expect(sealedCiphertextOf(personal)).toMatch(/^ct:/);
    expect(JSON.stringify(sealed)).not.toContain('Test Person');
    expect(await openPersonal(cipher, CASE_ID, personal)).toEqual({
      fullName: 'Test Person',
      birthDate: '1990-04-02',
    });
    expect(await sealEvent(cipher, CASE_ID, sealed)).toBe(sealed); // already sealed: as it is
  });

  it('reads a shredded key as erased, in both shapes', async () => {
    const cipher = fakeCipher();
    const [opened] = opening();
    const personal = (await sealEvent(cipher, CASE_ID, opened!)).data as { personal?: unknown };
    cipher.shred(CASE_ID);
    expect(await openPersonal(cipher, CASE_ID, personal.personal)).toBe(ERASED);
    expect(await openPersonalView(cipher, CASE_ID, sealedCiphertextOf(personal.personal))).toEqual({
      erased: true,
    });
    expect(await openPersonalView(cipher, CASE_ID, null)).toBeUndefined();
  });

  it('lets any other failure through', async () => {
    const cipher = fakeCipher();
    const ct = await cipher.encryptJsonForCase('another-case', { fullName: 'x' });
    await expect(openPersonalView(cipher, CASE_ID, ct)).rejects.toThrow('wrong case');
  });
});

describe('reading a case', () => {
  it('gives the events upcast, the revision, and both folds', async () => {
    const cipher = fakeCipher();
    const [opened] = opening();
    const { citizenships, ...profile } = (opened as Extract<CaseEvent, { type: 'CaseOpened' }>).data
      .profile;
    // Stored as schema version 1 (a single citizenship), personal part sealed.
    const sealed = await sealEvent(cipher, CASE_ID, opened!);
    const v1 = {
      ...sealed,
      schemaVersion: 1,
      data: { ...sealed.data, profile: { ...profile, citizenship: citizenships[0] } },
    } as unknown as CaseEvent;
    const stream = await readCase(storeOf({ [caseStreamId(CASE_ID)]: [v1] }), CASE_ID);

    expect(stream.exists).toBe(true);
    expect(stream.revision).toBe(0n);
    expect(stream.events[0]).toMatchObject({
      type: 'CaseOpened',
      schemaVersion: 2,
      data: { profile: { citizenships: ['UA'] } },
    });
    const readable = stream.readableState();
    expect(readable.holdingOrganisationId).toBe('org-1');
    expect(readable.lifecycle).toBe('open');

    const { history, state } = await stream.opened(cipher);
    expect((history[0]!.data as { personal?: unknown }).personal).toEqual({
      fullName: 'Test Person',
      birthDate: '1990-04-02',
    });
    expect(state.lifecycle).toBe(readable.lifecycle);
  });

  it('knows a case without a stream', async () => {
    const stream = await readCase(storeOf({}), CASE_ID);
    expect(stream.exists).toBe(false);
    expect(stream.revision).toBeUndefined();
    expect(stream.events).toEqual([]);
  });
});
