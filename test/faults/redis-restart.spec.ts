import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Queue } from 'bullmq';
import { addDays, calendarDateIn } from '@remedy/case-domain';
import { casesProjection } from '@remedy/case-read-models';
import {
  REMINDERS_QUEUE,
  ReminderRuntime,
  reminderSettings,
  type ReminderJobData,
} from '@remedy/case-reminders';
import type { ProjectionRunner } from '@remedy/projections';
import {
  createQueueKit,
  QUEUE_CONNECT_TIMEOUT_MS,
  QueueUnavailableError,
  type QueueKit,
} from '@remedy/queue';
import {
  openReadSide,
  projectionRunner,
  type ReadSideHarness,
} from '../cases/read/support/case-writer';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  eventually,
  freePort,
  redisServerMissing,
  startRedisServer,
  type RedisServer,
} from './support/processes';
import {
  OPEN_CASE_BODY,
  registerOrganisation,
  startRealApi,
  type RealApi,
} from './support/real-api';
import { victimStatus } from '../support/fixtures';

/**
 * Fault test (issue 8): Redis (the queue backend) is SIGKILLed mid-run and started again, empty,
 * on the same port, while the API and the worker keep running. Cases keep being written through
 * the API meanwhile. Expected:
 * - commands do not need the queue: they are acknowledged during the outage;
 * - the failure is not silent: /health/ready answers 503 (queue down), and the reminder runtime
 *   logs its failed reconciliations (the enqueue path throws);
 * - no reminder is lost: once Redis answers again the runtime reconciles in full from the read
 *   models, so the jobs Redis lost (delayed ones for later deadlines) are back, and every reminder
 *   due meanwhile is recorded, once.
 */
const TZ = 'Europe/Vienna';
const missing = redisServerMissing();

if (missing) {
  // Reported in the test output, so a run without redis-server says what it did not cover.
  describe.skip(`Redis restart under load — skipped: ${missing}`, () => {
    it('restarts a redis-server of its own mid-run', () => undefined);
  });
} else {
  describe('Redis killed and restarted mid-run (fault test)', () => {
    let redis: RedisServer;
    let db: TestDatabase;
    let dataDir: string;
    let api: RealApi;
    let h: ReadSideHarness;
    let kit: QueueKit;
    let probeKit: QueueKit;
    let queue: Queue<ReminderJobData>;
    let runner: ProjectionRunner;
    let runtime: ReminderRuntime;
    const logged: { level: 'info' | 'error'; message: string; fields?: Record<string, unknown> }[] =
      [];
    const prefix = `r${randomUUID().slice(0, 8)}`;

    beforeAll(async () => {
      redis = await startRedisServer();
      db = await createTestDatabase();
      dataDir = mkdtempSync(join(tmpdir(), 'remedy-redis-fault-'));
      api = await startRealApi({
        DATABASE_URL: db.url,
        REMEDY_DATA_DIR: dataDir,
        REDIS_URL: redis.url,
        EVENTSTORE_CONNECTION_STRING: undefined,
        REMEDY_JURISDICTION_TIMEZONE: TZ,
        METRICS_PORT: String(await freePort()),
      });
      // The worker's part, in this process: the cases projection and the reminder runtime.
      h = await openReadSide(db.url, [casesProjection]);
      runner = projectionRunner(h, casesProjection);
      runner.start();
      kit = createQueueKit({ kind: 'redis', url: redis.url }, { prefix });
      runtime = new ReminderRuntime({
        dataSource: h.ds,
        kit,
        settings: reminderSettings({ timeZone: TZ, queueProbeSeconds: 0.2, debounceMs: 50 }),
        databaseUrl: db.url,
        worker: { lockDuration: 2_000, stalledInterval: 1_000 },
        logger: {
          info: (message, fields) => logged.push({ level: 'info', message, fields }),
          error: (message, fields) => logged.push({ level: 'error', message, fields }),
        },
      });
      await runtime.start();
      // The test's own view of the queue.
      probeKit = createQueueKit({ kind: 'redis', url: redis.url }, { prefix });
      queue = probeKit.queue<ReminderJobData>(REMINDERS_QUEUE);
      queue.on('error', () => undefined); // the test's own view: its errors are expected while down
    });

    afterAll(async () => {
      await runtime?.stop();
      await runner?.stop();
      await kit?.close();
      await probeKit?.close();
      await api?.close();
      await h?.close();
      await redis?.stop();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    const today = () => calendarDateIn(new Date(), TZ);
    const dueIds = async () =>
      (
        (await h.ds.query(`SELECT reminder_id FROM due_reminders ORDER BY reminder_id`)) as {
          reminder_id: string;
        }[]
      ).map((r) => r.reminder_id);
    /** Jobs waiting to fire ([] while the test's own connection is not back yet). */
    const pendingIds = async () =>
      (await queue.getJobs(['delayed', 'waiting', 'prioritized'], 0, 1000, true).catch(() => []))
        .map((j) => j.id!)
        .sort();

    /** Opens and identifies a case through the API, with a reflection period: due now or later. */
    async function caseWithDeadline(token: string, due: boolean): Promise<string> {
      const post = async (url: string, payload: object) => {
        const res = await api.request(token, {
          method: 'POST',
          url,
          headers: { 'content-type': 'application/json' },
          payload,
        });
        if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
        return res.json() as { caseId: string };
      };
      const { caseId } = await post('/cases', OPEN_CASE_BODY);
      await post(
        `/cases/${caseId}/victim-status`,
        victimStatus({ status: 'ActualVictimOfTrafficking', decidedOn: today() }),
      );
      // Due: ends in 2 days (inside the 5-day lead time). Later: ends in 39 days (a delayed job).
      const startsOn = due ? addDays(today(), -30) : today();
      const days = due ? 33 : 40;
      await post(`/cases/${caseId}/reflection-period`, { startsOn, days });
      return `reflection_period_ending-${caseId}-case-${addDays(startsOn, days - 1)}`;
    }
    async function batch(token: string, due: number, later: number) {
      const ids = { due: [] as string[], later: [] as string[] };
      for (let i = 0; i < due + later; i++) {
        const id = await caseWithDeadline(token, i < due);
        (i < due ? ids.due : ids.later).push(id);
      }
      return ids;
    }
    const ready = async () =>
      (await api.request(undefined, { method: 'GET', url: '/health/ready' })).statusCode;

    it('fails queue calls, rather than hanging, when Redis is down from the start', async () => {
      // A queue created while Redis is away: BullMQ would wait for its first connection forever.
      const deadKit = createQueueKit(
        { kind: 'redis', url: `redis://127.0.0.1:${await freePort()}` },
        { prefix },
      );
      const errors: string[] = [];
      const starting = new ReminderRuntime({
        dataSource: h.ds,
        kit: deadKit,
        settings: reminderSettings({ timeZone: TZ }),
        process: false,
        logger: { info: () => undefined, error: (message) => errors.push(message) },
      });
      try {
        const t = Date.now();
        await starting.start(); // its start-up reconciliation fails, logged; start-up goes on
        expect(Date.now() - t).toBeLessThan(QUEUE_CONNECT_TIMEOUT_MS + 5_000);
        expect(errors).toContain('reminder reconciliation failed; retried by the next trigger');
        await expect(starting.queue.getJobCounts('waiting')).rejects.toBeInstanceOf(
          QueueUnavailableError,
        );
      } finally {
        await starting.stop();
        await deadKit.close();
      }
    }, 60_000);

    it('loses no reminder and reports the outage while Redis is down', async () => {
      const organisationId = await registerOrganisation(api, 'REDISF');
      const token = await api.token(['caseworker'], organisationId);
      const t0 = Date.now();

      // Before: due reminders recorded, later ones waiting in Redis as delayed jobs.
      const before = await batch(token, 8, 4);
      await eventually('first reminders recorded', async () => (await dueIds()).length === 8);
      expect(await dueIds()).toEqual([...before.due].sort());
      await eventually('later reminders scheduled', async () => (await pendingIds()).length === 4);
      expect(await pendingIds()).toEqual([...before.later].sort());
      expect(await ready()).toBe(200);

      // Redis dies, with every job it held.
      await redis.crash();
      const down = Date.now();
      const readiness = await api.request(undefined, { method: 'GET', url: '/health/ready' });
      expect(readiness.statusCode).toBe(503);
      expect(readiness.json()).toEqual({ status: 'error' }); // the details are the operators'
      const details = await api.internal('/health/ready');
      expect(details.status).toBe(503);
      expect(await details.json()).toMatchObject({ queue: { status: 'down', kind: 'redis' } });
      expect(Date.now() - down).toBeLessThan(10_000);
      // Anything else that touches the queue answers without a 5xx other than 503, in bounded time.
      const scrape = Date.now();
      const metrics = await api.internal('/metrics');
      expect([200, 503]).toContain(metrics.status);
      await metrics.text();
      expect(Date.now() - scrape).toBeLessThan(QUEUE_CONNECT_TIMEOUT_MS + 5_000);

      // Commands do not need the queue: acknowledged while it is down.
      const during = await batch(token, 6, 3);
      // The enqueue path fails loudly: the runtime logged failed reconciliations (after the
      // projection's batches), and a reconciliation asked for now throws.
      await eventually('failed reconciliation logged', async () =>
        logged.some(
          (l) => l.level === 'error' && l.message.startsWith('reminder reconciliation failed'),
        ),
      );
      await expect(runtime.reconciler.reconcile('full')).rejects.toThrow();
      expect(await runtime.reconcile('full', 'test')).toBeUndefined(); // logged, not thrown
      expect(await dueIds()).toEqual([...before.due].sort()); // nothing could fire meanwhile

      // Redis comes back, empty, on the same port: the runtime notices (probe) and reconciles
      // in full from the read models; the worker reconnects and processes what is due.
      await redis.restart();
      const expectedDue = [...before.due, ...during.due].sort();
      await eventually(
        'every due reminder recorded',
        async () => (await dueIds()).length === expectedDue.length,
        30_000,
      ).catch(async (e: Error) => {
        // What the runtime saw, and where the jobs are, for the failure report.
        const counts = await queue.getJobCounts().catch((x: Error) => x.message);
        const seen = logged.map((l) => `${l.level} ${l.message} ${JSON.stringify(l.fields ?? {})}`);
        throw new Error(
          `${e.message}; recorded ${(await dueIds()).length}/${expectedDue.length}; queue ${JSON.stringify(counts)}; log:\n${seen.slice(-25).join('\n')}`,
        );
      });
      expect(await dueIds()).toEqual(expectedDue);
      const expectedLater = [...before.later, ...during.later].sort();
      await eventually(
        'later reminders scheduled again',
        async () => (await pendingIds()).length === expectedLater.length,
        30_000,
      );
      expect(await pendingIds()).toEqual(expectedLater);
      expect(
        logged.some(
          (l) => l.message === 'reminders reconciled' && l.fields?.trigger === 'queue-reconnected',
        ),
      ).toBe(true);
      await eventually('ready again', async () => (await ready()) === 200, 15_000);

      // And it keeps working after the restart.
      const after = await batch(token, 2, 1);
      await eventually(
        'reminders after the restart',
        async () => (await dueIds()).length === expectedDue.length + 2,
        30_000,
      );
      expect(await dueIds()).toEqual([...expectedDue, ...after.due].sort());
      await eventually(
        'later ones after the restart',
        async () => (await pendingIds()).length === expectedLater.length + 1,
        30_000,
      );
      const errors = logged.filter((l) => l.level === 'error');
      console.log(
        `redis restart: ${expectedDue.length + 2} due + ${expectedLater.length + 1} later reminders, none lost; ` +
          `${errors.length} errors logged while down (${[...new Set(errors.map((e) => e.message))].join('; ')}); ${Date.now() - t0} ms`,
      );
    }, 90_000);
  });
}
