import { randomUUID } from 'node:crypto';
import { evolveAll, readableState as foldReadable } from '@remedy/case-domain';
import { CaseQueries } from '@remedy/case-read-models';
import {
  CASE_FOLD,
  caseStreamId,
  heldCaseRead,
  openPersonal,
  readCase,
  readCases,
  SNAPSHOT_AFTER,
  type CaseSnapshotState,
} from '@remedy/case-stream';
import { actorsOf, readSidePerSuite } from './support/case-writer';

/**
 * Snapshots of a case stream's prefix (issue 18 item 1): read in one statement with the events
 * after them, written lazily once more than SNAPSHOT_AFTER events follow, ignored when of another
 * fold version, and holding no personal data in clear (erasure leaves nothing readable).
 */
describe('case stream snapshots (PostgreSQL)', () => {
  const h = readSidePerSuite([]);
  const holder = actorsOf();
  const MARKER = 'Snapshot-Marker-Person';
  const NOTE = 'snapshot-marker-note';

  const snapshotRows = async (caseId: string) =>
    (await h.ds.query(
      `SELECT revision::text AS revision, fold_version, state::text AS state FROM stream_snapshots
        WHERE stream_id = $1 ORDER BY revision`,
      [caseStreamId(caseId)],
    )) as { revision: string; fold_version: number; state: string }[];

  async function caseWithNotes(notes: number): Promise<{ caseId: string; times: Date[] }> {
    const caseId = await h.writer.open(holder.caseworker, {
      sequence: 1,
      birthDate: '1990-04-02',
      fullName: MARKER,
    });
    const times: Date[] = [];
    for (let i = 0; i < notes; i++) {
      await h.writer.run(caseId, {
        type: 'AddNote',
        actor: holder.caseworker,
        noteId: randomUUID(),
        personal: { text: `${NOTE} ${i}` },
      });
      if (i === Math.floor(notes / 2)) {
        times.push(new Date());
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    return { caseId, times };
  }

  it('reads from a snapshot once the tail passed SNAPSHOT_AFTER: same folds, only the tail read', async () => {
    const { caseId } = await caseWithNotes(SNAPSHOT_AFTER + 20);
    const full = await readCase(h.store, caseId);
    expect(full.recorded).toHaveLength(SNAPSHOT_AFTER + 21);
    const fullOpened = await full.opened(h.cipher);

    // No snapshot yet: the first read folds everything and writes one at its revision.
    const first = await readCase(h.store, caseId, { snapshot: true, cipher: h.cipher });
    expect(first.base).toBeUndefined();
    expect((await snapshotRows(caseId)).map((r) => r.revision)).toEqual([String(full.revision)]);

    // Two more events: the next read is the snapshot and those two.
    for (let i = 0; i < 2; i++)
      await h.writer.run(caseId, {
        type: 'AddNote',
        actor: holder.caseworker,
        noteId: randomUUID(),
        personal: { text: `${NOTE} late ${i}` },
      });
    const all = await readCase(h.store, caseId);
    const next = await readCase(h.store, caseId, { snapshot: true, cipher: h.cipher });
    expect(next.base?.revision).toBe(full.revision);
    expect(next.recorded.map((e) => e.revision)).toEqual([
      full.revision! + 1n,
      full.revision! + 2n,
    ]);
    expect(next.revision).toBe(all.revision);
    expect(next.readableState()).toEqual(all.readableState());
    const opened = await next.opened(h.cipher);
    expect(opened.state).toEqual((await all.opened(h.cipher)).state);
    expect(opened.state.age.birthDate).toBe('1990-04-02');
    expect(fullOpened.state.age.birthDate).toBe('1990-04-02');
    // Only the events after the snapshot were opened.
    expect(opened.history).toHaveLength(2);
  });

  it('the as-of view at an instant halfway through keeps its own snapshot and folds as a full read', async () => {
    const { caseId, times } = await caseWithNotes(2 * SNAPSHOT_AFTER + 10);
    const at = times[0]!;
    const queries = new CaseQueries(h.ds, h.cipher, h.store, 'Europe/Vienna');
    const expected = await readCase(h.store, caseId, { recordedUntil: at });
    const view = await readCase(h.store, caseId, {
      recordedUntil: at,
      snapshot: true,
      cipher: h.cipher,
    });
    expect(view.revision).toBe(expected.revision);
    expect(view.readableState()).toEqual(evolveAll(expected.events));
    expect(view.readableState()).toEqual(foldReadable(expected.recorded));
    const again = await readCase(h.store, caseId, {
      recordedUntil: at,
      snapshot: true,
      cipher: h.cipher,
    });
    expect(again.base?.revision).toBe(expected.revision);
    expect(again.recorded).toHaveLength(0);
    expect(again.readableState()).toEqual(view.readableState());
    // The latest read does not take the as-of snapshot beyond its own cut, and vice versa.
    const latest = await readCase(h.store, caseId, { snapshot: true, cipher: h.cipher });
    expect(latest.revision).toBe((await readCase(h.store, caseId)).revision);
    // The queries' answer is unchanged (CaseQueries.asOf needs the row: not projected here).
    expect(await queries.asOf(holder.organisationId, caseId, at)).toBeUndefined();
  });

  it('a snapshot of another fold version is ignored (and a new one is written beside it)', async () => {
    const { caseId } = await caseWithNotes(SNAPSHOT_AFTER + 5);
    const head = (await readCase(h.store, caseId)).revision!;
    await h.ds.query(
      `INSERT INTO stream_snapshots (stream_id, kind, fold_version, revision, last_recorded_at, state)
       VALUES ($1, $2, $3, $4, now(), '{"readable": {"lifecycle": "closed"}, "sealedDecision": "x"}')`,
      [caseStreamId(caseId), CASE_FOLD.kind, CASE_FOLD.version + 1000, head.toString()],
    );
    const read = await readCase(h.store, caseId, { snapshot: true, cipher: h.cipher });
    expect(read.base).toBeUndefined();
    expect(read.readableState().lifecycle).toBe('open');
    const again = await readCase(h.store, caseId, { snapshot: true });
    expect(again.base?.revision).toBe(head);
    expect(again.readableState().lifecycle).toBe('open');
  });

  it('holds no personal data in clear: after the key is shredded, nothing personal is readable', async () => {
    const { caseId } = await caseWithNotes(SNAPSHOT_AFTER + 5);
    await readCase(h.store, caseId, { snapshot: true, cipher: h.cipher });
    const [row] = await snapshotRows(caseId);
    expect(row).toBeDefined();
    expect(row!.state).not.toContain(MARKER);
    expect(row!.state).not.toContain(NOTE);
    expect(row!.state).not.toContain('1990-04-02');
    const state = JSON.parse(row!.state) as CaseSnapshotState;
    // Sealed with the case's key: opened while the key lives...
    const opened = await openPersonal(h.cipher, caseId, { sealed: state.sealedDecision });
    expect((opened as { age: { birthDate?: string } }).age.birthDate).toBe('1990-04-02');
    // ...and erased once it is shredded.
    await h.cipher.destroyCaseKey(caseId);
    expect(await openPersonal(h.cipher, caseId, { sealed: state.sealedDecision })).toEqual(
      expect.objectContaining({ erased: true }),
    );
    const after = await readCase(h.store, caseId, { snapshot: true, cipher: h.cipher });
    expect(after.base).toBeDefined();
    const decided = await after.opened(h.cipher);
    expect(decided.state.age.birthDate).toBeUndefined();
    expect(decided.state.lifecycle).toBe('open');
  });

  it('a request reads a case once (scope), and several cases in one statement', async () => {
    const { caseId } = await caseWithNotes(3);
    const other = await h.writer.open(holder.caseworker, { sequence: 2 });
    const request = {};
    const first = await readCase(h.store, caseId, { snapshot: true, scope: request });
    expect(await heldCaseRead(request, caseId)).toBe(first);
    expect(await readCase(h.store, caseId, { snapshot: true, scope: request })).toBe(first);
    expect(await readCase(h.store, caseId, { snapshot: true, scope: {} })).not.toBe(first);
    const unknown = randomUUID();
    const many = await readCases(h.store, [caseId, other, unknown]);
    expect(many.get(caseId)!.revision).toBe(first.revision);
    expect(many.get(caseId)!.readableState()).toEqual(first.readableState());
    expect(many.get(other)!.revision).toBe(0n);
    expect(many.get(unknown)!.exists).toBe(false);
  });

  it('finds an already-appended command by its first event id, not by scanning', async () => {
    const { caseId } = await caseWithNotes(2);
    const all = await readCase(h.store, caseId);
    const target = all.recorded[1]!;
    const read = await readCase(h.store, caseId, { snapshot: true, findAppendOf: target.id });
    expect(read.found?.id).toBe(target.id);
    expect(
      (await readCase(h.store, caseId, { snapshot: true, findAppendOf: randomUUID() })).found,
    ).toBeUndefined();
  });
});
