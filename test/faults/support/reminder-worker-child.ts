/**
 * Child process of the reminder fault tests: the real ReminderRuntime (BullMQ processor +
 * reconciler) on a database and a queue backend, until killed. Run with
 *   node --require ./test/support/swc-register.js test/faults/support/reminder-worker-child.ts \
 *     <database url> <postgres|redis> <queue url> <queue prefix>
 * With REMINDER_WAIT_FOR_GO=1 it loads, prints `ready` and waits for a line `go` on stdin before
 * it starts (so the parent can have the next worker loaded while the current one works).
 * Prints `started` once running, and `recorded <reminder id>` each time the processor has written
 * a due reminder, then holds that job for a moment (REMINDER_HOLD_MS, random up to it) before
 * BullMQ may acknowledge it: the window in which the parent's SIGKILL leaves a job whose effect
 * is done but not acknowledged. Logs its errors as JSON lines on stdout (`error {...}`).
 * SIGTERM stops it cleanly (exit 0).
 */
import { createInterface } from 'node:readline';
import { DataSource } from 'typeorm';
import { ReminderRuntime, reminderSettings } from '@remedy/case-reminders';
import { createQueueKit, type QueueKit } from '@remedy/queue';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const [url, kind, queueUrl, prefix] = process.argv.slice(2);
  if (!url || (kind !== 'postgres' && kind !== 'redis') || !queueUrl || !prefix)
    throw new Error(
      'usage: reminder-worker-child.ts <database url> <postgres|redis> <queue url> <prefix>',
    );
  const hold = Number(process.env.REMINDER_HOLD_MS ?? '0');
  const ds = new DataSource({
    type: 'postgres',
    url,
    synchronize: false,
    logging: false,
    extra: { max: 6 },
  });
  await ds.initialize();
  const query = ds.query.bind(ds);
  ds.query = (async (sql: string, parameters?: unknown[], ...rest: unknown[]) => {
    const result = await (query as (...a: unknown[]) => Promise<unknown>)(sql, parameters, ...rest);
    if (sql.includes('INSERT INTO due_reminders') && Array.isArray(result) && result.length > 0) {
      process.stdout.write(`recorded ${String(parameters?.[0])}\n`);
      if (hold > 0) await sleep(hold / 2 + Math.random() * (hold / 2));
    }
    return result;
  }) as typeof ds.query;
  const base = createQueueKit({ kind, url: queueUrl }, { prefix });
  // The runtime logs a worker error's class only; the test wants its message too (no data in it).
  const kit: QueueKit = {
    ...base,
    worker: (name, processor, options) => {
      const w = base.worker(name, processor, options);
      w.on('error', (e) => process.stdout.write(`worker-error ${e.name}: ${e.message}\n`));
      return w;
    },
  };
  const runtime = new ReminderRuntime({
    dataSource: ds,
    kit,
    settings: reminderSettings({
      timeZone: 'Europe/Vienna',
      queueProbeSeconds: Number(process.env.REMINDER_PROBE_SECONDS ?? '0.2'),
    }),
    databaseUrl: url,
    // Short locks: a killed worker's jobs are found stalled within ~2 s (not 30 + 15 s).
    worker: { lockDuration: 2_000, stalledInterval: 1_000, maxStalledCount: 2 },
    logger: {
      info: (message, fields) =>
        process.stdout.write(`info ${JSON.stringify({ message, ...fields })}\n`),
      error: (message, fields) =>
        process.stdout.write(`error ${JSON.stringify({ message, ...fields })}\n`),
    },
  });
  process.once('SIGTERM', () => {
    void (async () => {
      await runtime.stop();
      await kit.close();
      await ds.destroy();
      process.stdout.write('stopped\n');
      process.exit(0);
    })();
  });
  if (process.env.REMINDER_WAIT_FOR_GO === '1') {
    process.stdout.write('ready\n');
    await new Promise<void>((resolve) => {
      const lines = createInterface({ input: process.stdin });
      lines.on('line', (l) => {
        if (l.trim() !== 'go') return;
        lines.close();
        resolve();
      });
    });
  }
  await runtime.start();
  process.stdout.write('started\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
