import type { CaseCipher } from '@remedy/crypto';
import { PersonalDataErasedError } from '@remedy/crypto';
import { CASE_CIPHER } from '@remedy/case-commands';
import { caseStreamId } from '@remedy/case-stream';
import {
  OPEN_CASE_BODY,
  registerOrganisation,
  startRealApi,
  startRealApiOnTestDatabase,
  type RealApi,
  type RealApiOnTestDatabase,
} from './support/real-api';

/**
 * Issue 18 item 3: unwrapped data keys are cached (bounded: CaseCipher's TTL and size), and an
 * erasure evicts them at once everywhere. Two API processes on one database (two Nest
 * applications in this process: their own pools, caches, queues): B holds the case's key in the
 * middle of a note (between deciding and sealing), A erases the case. B's note cannot land after
 * the erasure: sealing with a key already destroyed, or appending at the revision it read, makes
 * it read again, find the case erased and answer 422. B no longer holds the key: A's destroy
 * notification evicts it, and so does B's own command as soon as it reads the erasure in the
 * stream (whichever comes first).
 */
describe('an erasure while another API process holds the case key (fault test)', () => {
  let a: RealApiOnTestDatabase;
  let b: RealApi;

  beforeAll(async () => {
    a = await startRealApiOnTestDatabase('erase-held-key', {
      REDIS_URL: undefined,
      EVENTSTORE_CONNECTION_STRING: undefined,
    });
    b = await startRealApi({
      DATABASE_URL: a.db.url,
      REMEDY_DATA_DIR: a.dataDir,
      REDIS_URL: undefined,
      EVENTSTORE_CONNECTION_STRING: undefined,
    });
  }, 180_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('refuses the held note, appends nothing after the erasure, and leaves no key cached in B', async () => {
    const organisationId = await registerOrganisation(a.api, 'HELDKEY');
    const caseworker = await a.api.token(['caseworker'], organisationId);
    const supervisor = await a.api.token(['supervisor'], organisationId);
    const opened = await a.api.post(caseworker, '/cases', OPEN_CASE_BODY);
    expect(opened.statusCode).toBe(201);
    const { caseId } = opened.json() as { caseId: string };

    // B caches the key (a first note decrypts the history and seals the note).
    const cipherB = b.app.get<CaseCipher>(CASE_CIPHER);
    const first = await b.post(caseworker, `/cases/${caseId}/notes`, {
      personal: { text: 'before' },
    });
    expect(first.statusCode).toBe(200);
    const sealed = await a.pool.query<{ sealed: string }>(
      `SELECT data->'personal'->>'sealed' AS sealed FROM events
        WHERE stream_id = $1 AND event_type = 'NoteAdded'`,
      [caseStreamId(caseId)],
    );
    const ciphertext = sealed.rows[0]!.sealed;
    expect(typeof ciphertext).toBe('string');

    // B's next note stops while sealing, with the key in hand, until A has erased the case.
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const seal = cipherB.encryptJsonForCase.bind(cipherB);
    let stopped = false;
    const spy = jest.spyOn(cipherB, 'encryptJsonForCase').mockImplementation(async (id, value) => {
      if (!stopped) {
        stopped = true;
        holding();
        await gate;
      }
      return seal(id, value);
    });
    try {
      const note = b.post(caseworker, `/cases/${caseId}/notes`, { personal: { text: 'held' } });
      await held;
      const erased = await a.api.post(supervisor, `/cases/${caseId}/erasure`, {});
      expect(erased.statusCode).toBe(200);
      release();
      const answer = await note;
      expect(answer.statusCode).toBe(422);
      expect(answer.json()).toMatchObject({ rule: 'RULE_7_CASE_ERASED' });
    } finally {
      release();
      spy.mockRestore();
    }

    // Nothing after the erasure event; the key is a tombstone.
    const { rows } = await a.pool.query<{ type: string }>(
      'SELECT event_type AS type FROM events WHERE stream_id = $1 ORDER BY stream_revision',
      [caseStreamId(caseId)],
    );
    expect(rows.map((r) => r.type)).toEqual(['CaseOpened', 'NoteAdded', 'PersonalDataErased']);
    // B holds no key of the case any more: decrypting reads the tombstone.
    await expect(cipherB.decryptJsonForCase(caseId, ciphertext)).rejects.toBeInstanceOf(
      PersonalDataErasedError,
    );
  }, 120_000);
});
