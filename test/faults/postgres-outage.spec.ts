import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { runMigrations } from '@remedy/database';
import {
  createDatabase,
  disposablePostgresMissing,
  startDisposablePostgres,
  type DisposablePostgres,
} from './support/disposable-postgres';
import {
  OPEN_CASE_BODY,
  registerOrganisation,
  startRealApi,
  type RealApi,
} from './support/real-api';
import { caseStreamId } from '@remedy/case-stream';

/**
 * Fault test (issue 8): PostgreSQL stops (immediate shutdown, as in a crash) while the real API
 * (in this process) takes commands from four concurrent clients, and starts again.
 * Expected: during the outage every command is answered 503 with a clear message (never 500,
 * never hanging: each answer within 10 s); after the restart the same process recovers (no
 * restart of the API); and every command acknowledged with 201 has its CaseOpened event in the
 * store. A reader beside them reads the case list and a case (row-level security: each read a
 * transaction as `remedy_app` with the organisation set): 503 too during the outage, never 500.
 */
const CLIENTS = 4;
const ANSWER_BOUND_MS = 10_000;
const missing = disposablePostgresMissing();

interface Answer {
  readonly phase: 'before' | 'outage' | 'after';
  readonly status: number;
  readonly ms: number;
  readonly caseId?: string;
  readonly body: string;
  readonly startedAt: number;
  readonly endedAt: number;
}

if (missing) {
  // Reported in the test output, so a run without the binaries says what it did not cover.
  describe.skip(`PostgreSQL outage under load — skipped: ${missing}`, () => {
    it('stops and restarts a PostgreSQL of its own', () => undefined);
  });
} else {
  describe('PostgreSQL stopped and restarted under load (fault test)', () => {
    let pg: DisposablePostgres;
    let url: string;
    let dataDir: string;
    let api: RealApi | undefined;

    beforeAll(async () => {
      pg = await startDisposablePostgres();
      url = await createDatabase(pg, 'remedy');
      await runMigrations(url);
      dataDir = mkdtempSync(join(tmpdir(), 'remedy-pg-fault-'));
      api = await startRealApi({
        DATABASE_URL: url,
        REMEDY_DATA_DIR: dataDir,
        REDIS_URL: undefined,
        EVENTSTORE_CONNECTION_STRING: undefined,
      });
    }, 120_000);

    afterAll(async () => {
      await api?.close();
      await pg?.destroy();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('answers 503 while PostgreSQL is down, recovers after, and keeps every acknowledged command', async () => {
      const app = api!;
      const organisationId = await registerOrganisation(app, 'PGOUT');
      const token = await app.token(['caseworker'], organisationId);
      const answers: Answer[] = [];
      let phase: Answer['phase'] = 'before';
      let running = true;

      const client = async () => {
        while (running) {
          const at = phase;
          const startedAt = Date.now();
          const res = await app.post(token, '/cases', OPEN_CASE_BODY);
          const endedAt = Date.now();
          answers.push({
            phase: at,
            status: res.statusCode,
            ms: endedAt - startedAt,
            caseId: res.statusCode === 201 ? (res.json() as { caseId: string }).caseId : undefined,
            body: res.body,
            startedAt,
            endedAt,
          });
          // While PostgreSQL is down the answers are immediate: pace the clients a little.
          if (res.statusCode !== 201) await new Promise((r) => setTimeout(r, 20));
        }
      };
      const until = async (what: string, check: () => boolean, timeoutMs: number) => {
        const deadline = Date.now() + timeoutMs;
        while (!check()) {
          if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      // Reads through row-level security (`withOrganisationScope`): the list, and one case (decided
      // on its stream; not projected here, as no worker runs, so 404 when PostgreSQL is up).
      const reads: Answer[] = [];
      const reader = async () => {
        for (let i = 0; running; i++) {
          const at = phase;
          const caseId = answers.find((a) => a.caseId)?.caseId;
          const url = i % 2 === 0 || !caseId ? '/cases?limit=5' : `/cases/${caseId}`;
          const startedAt = Date.now();
          const res = await app.request(token, { method: 'GET', url });
          const endedAt = Date.now();
          reads.push({
            phase: at,
            status: res.statusCode,
            ms: endedAt - startedAt,
            body: res.body,
            startedAt,
            endedAt,
          });
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      const clients = [...Array.from({ length: CLIENTS }, client), reader()];
      const t0 = Date.now();

      // Load on a healthy database.
      await until(
        'commands acknowledged before the outage',
        () => answers.filter((a) => a.status === 201).length >= 40,
        30_000,
      );

      // PostgreSQL goes away.
      await pg.crash();
      const downAt = Date.now();
      phase = 'outage';
      await until(
        'answers during the outage',
        () => answers.filter((a) => a.startedAt > downAt).length >= 40,
        30_000,
      );
      const health = await app.request(undefined, { method: 'GET', url: '/health/ready' });
      expect(health.statusCode).toBe(503);

      // And comes back: the same API process recovers.
      const restartAt = Date.now();
      await pg.start();
      const upAt = Date.now();
      phase = 'after';
      await until(
        'acknowledged again after the restart',
        () => answers.some((a) => a.startedAt > upAt && a.status === 201),
        30_000,
      );
      const recoveredAt = Date.now();
      await until(
        'steady after the restart',
        () => answers.filter((a) => a.startedAt > recoveredAt && a.status === 201).length >= 40,
        30_000,
      );
      running = false;
      await Promise.all(clients);

      // Never a 500, never an answer later than the bound.
      const statuses = [...new Set(answers.map((a) => a.status))].sort();
      expect(statuses.filter((s) => s !== 201 && s !== 503)).toEqual([]);
      expect(
        answers.filter((a) => a.ms > ANSWER_BOUND_MS).map((a) => `${a.status} after ${a.ms} ms`),
      ).toEqual([]);
      // The reads too: 200 (list) or 404 (a case not projected yet) when up, 503 when down.
      expect(
        [...new Set(reads.map((a) => a.status))].filter((s) => ![200, 404, 503].includes(s)),
      ).toEqual([]);
      expect(
        reads.filter((a) => a.ms > ANSWER_BOUND_MS).map((a) => `${a.status} after ${a.ms} ms`),
      ).toEqual([]);
      const readsInOutage = reads.filter((a) => a.startedAt > downAt && a.endedAt < restartAt);
      expect(readsInOutage.length).toBeGreaterThanOrEqual(5);
      for (const a of readsInOutage) {
        expect(a.status).toBe(503);
        expect(JSON.parse(a.body)).toMatchObject({
          status: 503,
          detail: expect.stringMatching(/try again/i),
        });
      }
      expect(
        reads.filter((a) => a.startedAt > recoveredAt && a.status === 200).length,
      ).toBeGreaterThan(0);
      // Requests made while it was down (started after the crash, ended before the restart): 503
      // with a clear message. (One in flight at the crash may still have been acknowledged.)
      const inOutage = answers.filter((a) => a.startedAt > downAt && a.endedAt < restartAt);
      expect(inOutage.length).toBeGreaterThanOrEqual(40);
      for (const a of inOutage) {
        expect(a.status).toBe(503);
        expect(JSON.parse(a.body)).toEqual({
          status: 503,
          type: 'https://remedy.example/problems/unavailable',
          detail: expect.stringMatching(/try again/i),
        });
      }
      // After recovery, commands succeed again (a stale pooled connection may fail one more).
      const steady = answers.filter((a) => a.startedAt > recoveredAt);
      expect(steady.filter((a) => a.status !== 201).length).toBeLessThanOrEqual(CLIENTS);
      expect(
        (await app.request(undefined, { method: 'GET', url: '/health/ready' })).statusCode,
      ).toBe(200);

      // Every acknowledged command is in the event store.
      const acknowledged = answers.filter((a) => a.status === 201).map((a) => a.caseId!);
      const db = new Client({ connectionString: url });
      await db.connect();
      try {
        const { rows } = await db.query<{ stream_id: string }>(
          `SELECT stream_id FROM events WHERE event_type = 'CaseOpened' AND stream_id = ANY($1::text[])`,
          [acknowledged.map((id) => caseStreamId(id))],
        );
        expect(new Set(rows.map((r) => r.stream_id)).size).toBe(acknowledged.length);
        expect(rows.length).toBe(acknowledged.length);
      } finally {
        await db.end();
      }
      // The process also stops cleanly after the outage (no connection left checked out).
      const closing = Date.now();
      api = undefined;
      await app.close();
      expect(Date.now() - closing).toBeLessThan(10_000);
      const max = Math.max(...answers.filter((a) => a.phase === 'outage').map((a) => a.ms));
      console.log(
        `postgres outage: ${reads.length} reads (${reads.filter((a) => a.status === 503).length} × 503), ${answers.length} commands (${acknowledged.length} acknowledged, ${answers.filter((a) => a.status === 503).length} × 503), ` +
          `slowest answer during the outage ${max} ms, recovered ${recoveredAt - upAt} ms after the restart, ${Date.now() - t0} ms`,
      );
    }, 120_000);
  });
}
