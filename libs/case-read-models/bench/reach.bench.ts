/**
 * What deciding access on the stream costs a case read (issue 4: a referral receiver's access is
 * decided on the case's stream, never on a projection that may lag): `CaseQueries.reachOf` (read
 * the stream, fold readable facts, `caseReachOf`) and the whole `caseDetail` (reach + row +
 * decryption), p50/p99, for cases of 10, 100 and 500 events.
 *
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
 *   node --require ./test/support/swc-register.js libs/case-read-models/bench/reach.bench.ts
 *
 * Creates and drops a database of its own (the test support's).
 */
import { randomUUID } from 'node:crypto';
import { actorsOf, catchUp, openReadSide } from '../../../test/cases/read/support/case-writer';
import { createTestDatabase } from '../../../test/support/database';
import { latency } from '../../../bench/lib/read-side';
import { CaseQueries, casesProjection } from '../src';

async function main(): Promise<void> {
  const db = await createTestDatabase();
  const h = await openReadSide(db.url, [casesProjection]);
  try {
    const queries = new CaseQueries(h.ds, h.cipher, h.store, 'Europe/Vienna');
    const holder = actorsOf();
    const receiver = actorsOf();
    let sequence = 0;
    for (const size of [10, 100, 500]) {
      const caseId = await h.writer.open(holder.caseworker, {
        sequence: ++sequence,
        birthDate: '1990-04-02',
      });
      await h.writer.refer(caseId, holder.caseworker, receiver.organisationId, {
        service: 'Accommodation',
        interpreterUsed: true,
        text: 'needs a shelter place',
      });
      for (let i = 3; i < size; i++)
        await h.writer.run(caseId, {
          type: 'AddNote',
          actor: holder.caseworker,
          noteId: randomUUID(),
          personal: { text: `note ${i}` },
        });
      await catchUp(h.ds, h.store, casesProjection, undefined, 500, h.writer.lastPosition);
      const reach = await latency(200, () => queries.reachOf(receiver.organisationId, caseId), 20);
      const detail = await latency(
        200,
        () => queries.caseDetail(receiver.organisationId, caseId),
        20,
      );
      console.log(`${size} events: reachOf ${reach}; caseDetail (receiver) ${detail}`);
    }
  } finally {
    await h.close();
    await db.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
