import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { EntityManager } from 'typeorm';
import { caseStreamId } from '@remedy/case-stream';
import type { RecordedEvent } from '@remedy/event-store';
import { linkageCasesProjection } from '@remedy/linkage';
import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * The `linkage.cases` projection's batch on real PostgreSQL (issue 18 made it set-based: one
 * statement per batch): what a case's row says after its events, a transfer carried to the
 * case's linkage record, an objection forgetting the record, and a batch applied twice changing
 * nothing (idempotent by stream revision).
 */
describe('linkage.cases projection (PostgreSQL)', () => {
  let db: TestDatabase;
  let client: Client;
  let position = 0n;
  const em = {
    query: async (sql: string, params?: unknown[]) => (await client.query(sql, params)).rows,
  } as unknown as EntityManager;

  const event = (caseId: string, revision: number, type: string, data: object): RecordedEvent => {
    position += 1n;
    return {
      id: randomUUID(),
      type,
      schemaVersion: 1,
      data: { caseId, ...data },
      metadata: {} as RecordedEvent['metadata'],
      occurredAt: new Date('2026-03-01T10:00:00Z'),
      streamId: caseStreamId(caseId),
      revision: BigInt(revision),
      position: { commit: position, prepare: position },
      recordedAt: new Date('2026-03-01T10:00:00Z'),
    };
  };
  const apply = async (events: RecordedEvent[]) => {
    await client.query('BEGIN');
    await linkageCasesProjection.apply(events, em);
    await client.query('COMMIT');
  };
  const row = async (caseId: string) =>
    (
      await client.query(
        `SELECT organisation_id::text, objects, erased, dirty, last_revision::int
           FROM linkage_cases WHERE case_id = $1`,
        [caseId],
      )
    ).rows[0] as Record<string, unknown> | undefined;
  const recordOrganisation = async (caseId: string) =>
    (
      await client.query(`SELECT organisation_id::text FROM linkage_records WHERE case_id = $1`, [
        caseId,
      ])
    ).rows[0]?.organisation_id as string | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it('given cases opened, one transferred and one objecting in the batch, when it is applied twice, then each row says so once and the linkage records follow', async () => {
    const [orgA, orgB] = [randomUUID(), randomUUID()];
    const [moved, objecting, plain] = [randomUUID(), randomUUID(), randomUUID()];
    // Given: the three cases opened and already encoded (their linkage records exist).
    await apply([
      event(moved, 0, 'CaseOpened', { organisationId: orgA }),
      event(objecting, 0, 'CaseOpened', { organisationId: orgA }),
      event(plain, 0, 'CaseOpened', { organisationId: orgA }),
    ]);
    for (const caseId of [moved, objecting, plain])
      await client.query(
        `INSERT INTO linkage_records (case_id, organisation_id, record_id, secret_version)
         VALUES ($1, $2, $3, 1)`,
        [caseId, orgA, randomUUID()],
      );
    await client.query('UPDATE linkage_cases SET dirty = false');

    // When: a transfer and an objection, the same batch twice.
    const batch = [
      event(moved, 1, 'CaseTransferred', { organisationId: orgA, toOrganisationId: orgB }),
      event(objecting, 1, 'StatisticalUseObjectionRecorded', { organisationId: orgA }),
    ];
    await apply(batch);
    const once = [await row(moved), await row(objecting), await row(plain)];
    await apply(batch);

    // Then
    expect(once).toEqual([
      { organisation_id: orgB, objects: false, erased: false, dirty: false, last_revision: 1 },
      { organisation_id: orgA, objects: true, erased: false, dirty: false, last_revision: 1 },
      { organisation_id: orgA, objects: false, erased: false, dirty: false, last_revision: 0 },
    ]);
    expect([await row(moved), await row(objecting), await row(plain)]).toEqual(once);
    expect(await recordOrganisation(moved)).toBe(orgB);
    expect(await recordOrganisation(objecting)).toBeUndefined();
    expect(await recordOrganisation(plain)).toBe(orgA);

    // And a withdrawal marks the case to be encoded again.
    await apply([
      event(objecting, 2, 'StatisticalUseObjectionWithdrawn', { organisationId: orgA }),
    ]);
    expect(await row(objecting)).toEqual({
      organisation_id: orgA,
      objects: false,
      erased: false,
      dirty: true,
      last_revision: 2,
    });
  });
});
