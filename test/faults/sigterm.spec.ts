import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { DataSource, type EntitySchema } from 'typeorm';
import { LocalTokenIssuer } from '@remedy/auth';
import { organisationDirectoryProjection } from '@remedy/case-commands';
import { CASE_READ_PROJECTIONS } from '@remedy/case-read-models';
import { PostgresEventStore } from '@remedy/event-store';
import {
  projectionEntities,
  projectionStatus,
  rebuildProjection,
  type ProjectionDefinition,
} from '@remedy/projections';
import { ALL_PROJECTIONS } from '@remedy/read-models';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { eventually, freePort, ROOT, spawnTs, type Child } from './support/processes';
import { OPEN_CASE_BODY } from './support/real-api';
import { caseStreamId } from '@remedy/case-stream';

/**
 * Fault test (issue 7): the real API and worker processes (apps/api/src/main.ts and
 * apps/worker/src/main.ts, compiled on load by swc) are sent SIGTERM while clients send
 * commands and the worker projects them. Expected: both exit 0 within a bound; every command
 * acknowledged with 201 is in the event store; no answer is a 5xx other than 503; and once a
 * worker runs again, every projection reaches the head, with read models equal to a full
 * rebuild from the events (checkpoints consistent with what was applied).
 */
const CLIENTS = 4;
const EXIT_BOUND_MS = 20_000;
/** Projections whose rebuild is compared row by row (the case read side and the directory). */
const COMPARED: readonly ProjectionDefinition[] = [
  ...CASE_READ_PROJECTIONS,
  organisationDirectoryProjection,
];

describe('SIGTERM to the API and the worker under load (fault test)', () => {
  let db: TestDatabase;
  let dataDir: string;
  let pool: Pool;
  const children: Child[] = [];
  // The internal listeners are open, as in production: they must not keep a process alive.
  let metricsPorts: { api: number; worker: number };

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'remedy-sigterm-'));
    pool = new Pool({ connectionString: db.url, max: 3 });
    metricsPorts = { api: await freePort(), worker: await freePort() };
  });

  afterAll(async () => {
    await Promise.all(children.map((c) => c.kill('SIGKILL')));
    await pool?.end();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const envFor = (port: number): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: db.url,
      REMEDY_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      METRICS_PORT: String(metricsPorts.api),
      WORKER_METRICS_PORT: String(metricsPorts.worker),
    };
    delete env.REDIS_URL;
    delete env.EVENTSTORE_CONNECTION_STRING;
    return env;
  };
  const startApi = (port: number) => {
    const c = spawnTs(join(ROOT, 'apps', 'api', 'src', 'main.ts'), [], envFor(port));
    children.push(c);
    return c;
  };
  const startWorker = () => {
    const c = spawnTs(join(ROOT, 'apps', 'worker', 'src', 'main.ts'), [], envFor(3000)); // the worker has no public port
    children.push(c);
    return c;
  };
  const exitWithin = async (c: Child, ms: number) => {
    const t = Date.now();
    const how = await Promise.race([
      c.exited,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref()),
    ]);
    return { how, ms: Date.now() - t };
  };

  /** Rows of every table of a projection, as sorted JSON (a snapshot to compare). */
  async function snapshot(ds: DataSource, projection: ProjectionDefinition): Promise<string[]> {
    const rows: string[] = [];
    for (const entity of projection.entities) {
      const table = ds.getMetadata(entity as EntitySchema).tableName;
      const result = (await ds.query(`SELECT to_jsonb(t)::text AS row FROM "${table}" t`)) as {
        row: string;
      }[];
      rows.push(...result.map((r) => `${table} ${r.row}`));
    }
    return rows.sort();
  }

  it('loses no acknowledged command, exits 0, and leaves every projection consistent', async () => {
    // The local issuer's key: created here, loaded by the API from the same data directory.
    const issuer = await LocalTokenIssuer.load({ dataDir });
    const port = await freePort();
    const api = startApi(port);
    const worker = startWorker();
    await Promise.all([
      api.line(/"msg":"api listening"/, 1, 90_000),
      worker.line(/"msg":"worker started"/, 1, 90_000),
    ]);
    // Both internal listeners serve their metrics (and must not keep their process alive below).
    for (const p of [metricsPorts.api, metricsPorts.worker]) {
      const scrape = await fetch(`http://127.0.0.1:${p}/metrics`);
      expect(scrape.status).toBe(200);
      await scrape.text();
    }
    const base = `http://127.0.0.1:${port}`;
    const post = (token: string, path: string, body: object) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    const admin = await issuer.mintToken({
      userId: randomUUID(),
      organisationId: randomUUID(),
      roles: ['admin'],
    });
    const registered = await post(admin, '/organisations', {
      name: 'Organisation SIGTERM',
      type: 'NGO',
      services: ['Accommodation'],
      country: 'AT',
      code: 'SIGTRM',
    });
    expect(registered.status).toBe(201);
    const { organisationId } = (await registered.json()) as { organisationId: string };
    const token = await issuer.mintToken({
      userId: randomUUID(),
      organisationId,
      roles: ['caseworker'],
    });

    // Clients send commands (opening cases, then a note on each) until the API is gone.
    const answers: { status: number | 'network'; caseId?: string }[] = [];
    let apiGone = false;
    const client = async () => {
      while (!apiGone) {
        try {
          const res = await post(token, '/cases', OPEN_CASE_BODY);
          const body = (await res.json().catch(() => ({}))) as { caseId?: string };
          answers.push({
            status: res.status,
            caseId: res.status === 201 ? body.caseId : undefined,
          });
          if (res.status === 201) {
            const note = await post(token, `/cases/${body.caseId}/notes`, {
              personal: { text: 'note' },
            });
            await note.arrayBuffer();
            answers.push({ status: note.status });
          }
        } catch {
          answers.push({ status: 'network' });
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    };
    void api.exited.then(() => (apiGone = true));
    const clients = Array.from({ length: CLIENTS }, client);
    await eventually(
      'commands acknowledged under load',
      async () => answers.filter((a) => a.status === 201).length >= 30,
      60_000,
      20,
    );

    // SIGTERM both, mid-load.
    api.process.kill('SIGTERM');
    worker.process.kill('SIGTERM');
    const [apiExit, workerExit] = await Promise.all([
      exitWithin(api, EXIT_BOUND_MS),
      exitWithin(worker, EXIT_BOUND_MS),
    ]);
    apiGone = true;
    await Promise.all(clients);
    expect({ api: apiExit.how, worker: workerExit.how }).toEqual({
      api: { code: 0, signal: null },
      worker: { code: 0, signal: null },
    });
    // Nothing on stderr but Node's own warnings (e.g. about loading ES modules).
    const problems = (c: Child) =>
      c
        .stderr()
        .split('\n')
        .filter((l) => l.trim() !== '' && !/^\(node:\d+\) \w*Warning|--trace-warnings/.test(l));
    expect(problems(api)).toEqual([]);
    expect(problems(worker)).toEqual([]);

    // No 5xx but 503; every acknowledged case is in the store with its CaseOpened.
    expect(
      answers.filter((a) => typeof a.status === 'number' && a.status >= 500 && a.status !== 503),
    ).toEqual([]);
    const acknowledged = answers
      .filter((a) => a.status === 201)
      .map((a) => caseStreamId(a.caseId!));
    const { rows } = await pool.query<{ stream_id: string }>(
      `SELECT stream_id FROM events WHERE event_type = 'CaseOpened' AND stream_id = ANY($1::text[])`,
      [acknowledged],
    );
    expect(rows.map((r) => r.stream_id).sort()).toEqual([...acknowledged].sort());

    // A worker again: every projection reaches the head (nothing of its types left to apply).
    const again = startWorker();
    await again.line(/"msg":"worker started"/, 1, 90_000);
    await eventually(
      'projections at the head',
      async () =>
        (await projectionStatus(pool, ALL_PROJECTIONS)).every((l) => l.eventsBehind === 0),
      60_000,
      100,
    );
    again.process.kill('SIGTERM');
    expect((await exitWithin(again, EXIT_BOUND_MS)).how).toEqual({ code: 0, signal: null });

    // The read models equal a full rebuild from the events.
    const ds = new DataSource({
      type: 'postgres',
      url: db.url,
      entities: projectionEntities(COMPARED) as EntitySchema[],
      synchronize: false,
      logging: false,
      extra: { max: 3 },
    });
    await ds.initialize();
    const store = new PostgresEventStore({ connectionString: db.url, poolSize: 2 });
    try {
      for (const projection of COMPARED) {
        const live = await snapshot(ds, projection);
        await rebuildProjection({ dataSource: ds, eventStore: store, projection });
        expect({ projection: projection.name, rows: await snapshot(ds, projection) }).toEqual({
          projection: projection.name,
          rows: live,
        });
      }
      const cases = await snapshot(ds, COMPARED[0]!);
      // (A command in flight at the SIGTERM may have been appended without its answer.)
      expect(cases.filter((r) => r.startsWith('case_list ')).length).toBeGreaterThanOrEqual(
        acknowledged.length,
      );
    } finally {
      await store.close();
      await ds.destroy();
    }
    console.log(
      `sigterm: ${acknowledged.length} cases acknowledged, ${answers.length} answers ` +
        `(${answers.filter((a) => a.status === 'network').length} refused after shutdown); ` +
        `API exited in ${apiExit.ms} ms, worker in ${workerExit.ms} ms`,
    );
  }, 240_000);
});
