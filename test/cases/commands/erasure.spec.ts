import { ERASER, ErasureSteps, type Eraser } from '@remedy/case-commands';
import { EVENT_STORE, type EventStore } from '@remedy/event-store';
import {
  commandsAppPerSuite,
  newId,
  openCase,
  organisationWithStaff,
  type OrganisationWithStaff,
} from './support';
import { caseStreamId } from '@remedy/case-stream';

/** Erasure through the command side: the erasure event, then the case's data key is shredded. */
describe('erasure of personal data (HTTP, PostgreSQL)', () => {
  const api = commandsAppPerSuite();
  let org: OrganisationWithStaff;

  beforeAll(async () => {
    org = await organisationWithStaff(api, await api.user(['admin']));
  });

  const keyState = async (caseId: string) =>
    (
      await api.pool.query(
        'SELECT wrapped_key IS NULL AS shredded, destroyed_at IS NOT NULL AS tombstone FROM case_data_keys WHERE case_id = $1',
        [caseId],
      )
    ).rows[0];

  it('records the erasure and shreds the key; a caseworker may not erase (rule of the domain)', async () => {
    const { caseId } = await openCase(api, org.caseworker);
    expect(await keyState(caseId)).toEqual({ shredded: false, tombstone: false });
    const byCaseworker = await api.post(org.caseworker, `/cases/${caseId}/erasure`, {});
    expect(byCaseworker.statusCode).toBe(422);
    expect(byCaseworker.json().rule).toBe('ROLE_SUPERVISOR_REQUIRED');
    const res = await api.post(org.supervisor, `/cases/${caseId}/erasure`, {});
    expect(res.statusCode).toBe(200);
    expect(await keyState(caseId)).toEqual({ shredded: true, tombstone: true });
    const { rows } = await api.pool.query(
      'SELECT event_type FROM events WHERE stream_id = $1 ORDER BY stream_revision',
      [caseStreamId(caseId)],
    );
    expect(rows.map((r: { event_type: string }) => r.event_type)).toEqual([
      'CaseOpened',
      'PersonalDataErased',
    ]);
  });

  it('completes an erasure that stopped after its event was appended (the key is shredded on the retry)', async () => {
    const { caseId } = await openCase(api, org.caseworker);
    const store = api.app.get<EventStore>(EVENT_STORE);
    const now = new Date().toISOString();
    await store.append(
      caseStreamId(caseId),
      [
        {
          id: newId(),
          type: 'PersonalDataErased',
          schemaVersion: 1,
          data: {
            caseId,
            organisationId: org.organisationId,
            actorId: org.supervisor.userId,
            occurredAt: now,
            recordedAt: now,
            erasureRequestId: newId(),
          },
          metadata: {
            correlationId: newId(),
            userId: org.supervisor.userId,
            organisationId: org.organisationId,
          },
          occurredAt: new Date(),
        },
      ],
      0n,
    );
    expect(await keyState(caseId)).toEqual({ shredded: false, tombstone: false });
    const retry = await api.post(org.supervisor, `/cases/${caseId}/erasure`, {});
    expect(retry.statusCode).toBe(422);
    expect(retry.json().rule).toBe('RULE_7_CASE_ERASED');
    expect(await keyState(caseId)).toEqual({ shredded: true, tombstone: true });
    // ...and the erasure is in the ledger (from the stream's event), for backup restores.
    const ledger = api.app.get<Eraser>(ERASER).ledger;
    expect((await ledger.entries()).filter((e) => e.caseId === caseId)).toEqual([
      expect.objectContaining({
        userId: org.supervisor.userId,
        organisationId: org.organisationId,
      }),
    ]);
  });

  it('answers 503 when a step fails after the event; the retry with the same key finishes it', async () => {
    const { caseId } = await openCase(api, org.caseworker);
    let failures = 1;
    api.app.get(ErasureSteps).register({
      name: `flaky-${caseId}`,
      erase: async (id) => {
        if (id === caseId && failures-- > 0) throw new Error('dependency down');
      },
    });
    const key = { 'idempotency-key': `erase-${caseId}` };
    const first = await api.post(org.supervisor, `/cases/${caseId}/erasure`, {}, key);
    expect(first.statusCode).toBe(503);
    expect(first.json().detail).not.toContain(caseId);
    // The event is appended and the key shredded (the steps before the failing one ran).
    expect(await keyState(caseId)).toEqual({ shredded: true, tombstone: true });
    const retry = await api.post(org.supervisor, `/cases/${caseId}/erasure`, {}, key);
    expect(retry.statusCode).toBe(200);
    expect(failures).toBe(-1);
    const { rows } = await api.pool.query(
      `SELECT count(*)::int AS n FROM events WHERE stream_id = $1 AND event_type = 'PersonalDataErased'`,
      [caseStreamId(caseId)],
    );
    expect(rows[0].n).toBe(1);
  });
});
