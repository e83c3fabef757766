import { join } from 'node:path';
import { DuplicateDecisionsProcessModule } from '@remedy/case-commands';
import { caseStreamId } from '@remedy/case-stream';
import {
  createCommandsApp,
  openCase,
  openCaseBody,
  organisationWithStaff,
  type ApiApp,
} from '../cases/commands/support';
import { eventually, spawnTs, type Child } from './support/processes';

/**
 * Fault test (issue 19): a duplicate decision is recorded on the case the caseworker acted on; the
 * process manager (in a child process, as in the worker) is SIGKILLed after it read the decision
 * and before it appended the mirror on the other case. After a restart it resumes from its
 * checkpoint and completes the mirror, exactly once (deterministic event id from the decision id).
 * The API here runs no process manager of its own.
 */
const CHILD = join(__dirname, 'support', 'duplicate-mirror-child.ts');

describe('SIGKILL of the duplicate-decisions process manager between the two appends (fault test)', () => {
  let api: ApiApp;
  const children: Child[] = [];

  beforeAll(async () => {
    api = await createCommandsApp();
  });
  afterAll(async () => {
    await Promise.all(children.map((c) => c.kill('SIGKILL')));
    await api?.close();
  });

  const spawnMirror = (hold: boolean) => {
    const child = spawnTs(CHILD, [], {
      ...process.env,
      DATABASE_URL: api.db.url,
      REMEDY_DATA_DIR: api.dataDir,
      REMEDY_JURISDICTION_TIMEZONE: 'Europe/Vienna',
      MIRROR_HOLD: hold ? '1' : '0',
    });
    children.push(child);
    return child;
  };
  const mirrorsOn = async (caseId: string) =>
    (
      await api.pool.query(
        `SELECT event_id, data FROM events WHERE stream_id = $1 AND event_type = 'DuplicateDecisionRecorded'`,
        [caseStreamId(caseId)],
      )
    ).rows as { event_id: string; data: Record<string, unknown> }[];

  it('completes the mirror after a restart, once', async () => {
    // Not under test: DuplicateDecisionsProcessModule is what the worker imports.
    expect(DuplicateDecisionsProcessModule).toBeDefined();
    const org = await organisationWithStaff(api, await api.user(['admin']));
    const a = await openCase(
      api,
      org.caseworker,
      openCaseBody({ personal: { fullName: 'Yusuf Demir', birthDate: '1987-09-09' } }),
    );
    const b = await openCase(
      api,
      org.caseworker,
      openCaseBody({ personal: { fullName: 'Yusuf Demir', birthDate: '1987-09-09' } }),
    );
    const res = await api.post(org.caseworker, `/cases/${a.caseId}/duplicate-decisions`, {
      otherCaseId: b.caseId,
      decision: 'same_person',
    });
    expect(res.statusCode).toBe(200);
    const { decisionId } = res.json();

    // First process manager: reads the decision, is killed before the second append.
    const first = spawnMirror(true);
    await first.line(`holding ${decisionId}`, 1, 90_000);
    await first.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(await mirrorsOn(b.caseId)).toEqual([]);

    // Restarted: resumes from its checkpoint (which never moved past the decision) and mirrors.
    const second = spawnMirror(false);
    await second.line(`mirrored appended ${decisionId}`, 1, 90_000);
    const mirrors = await eventually('the mirror', async () => {
      const rows = await mirrorsOn(b.caseId);
      return rows.length > 0 ? rows : undefined;
    });
    expect(mirrors).toHaveLength(1);
    expect(mirrors[0]!.data).toMatchObject({
      decisionId,
      otherCaseId: a.caseId,
      decision: 'same_person',
      initiatedHere: false,
    });
    // The checkpoint moves past the decision; the mirror is never appended twice, not even when
    // the decision is processed again from the start (checkpoint reset: a replay).
    await eventually('the checkpoint', async () => {
      const { rows } = await api.pool.query(
        `SELECT position_commit FROM projection_checkpoints WHERE projection = 'process.duplicate-decisions'`,
      );
      return rows.length > 0 && Number(rows[0].position_commit) >= 0 ? true : undefined;
    });
    await second.kill('SIGKILL');
    await api.pool.query(
      `UPDATE projection_checkpoints SET position_commit = -1, position_prepare = -1 WHERE projection = 'process.duplicate-decisions'`,
    );
    const third = spawnMirror(false);
    const line = await third.line(`mirrored`, 1, 90_000);
    expect(line).toBe(`mirrored already ${decisionId}`);
    expect(await mirrorsOn(b.caseId)).toHaveLength(1);
    await third.kill('SIGTERM');
  }, 240_000);
});
