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
import { ReminderRuntime, reminderSettings } from '@remedy/case-reminders';
import {
  childArguments,
  holdUpTo,
  observedDataSource,
  observedKit,
  runChild,
  stdoutLogger,
  stopOnSigterm,
  waitForGoIf,
} from './worker-child';

async function main(): Promise<void> {
  const { url, kind, queueUrl, prefix } = childArguments('reminder-worker-child.ts');
  const hold = Number(process.env.REMINDER_HOLD_MS ?? '0');
  const ds = await observedDataSource(url, 6, async (sql, parameters, result) => {
    if (sql.includes('INSERT INTO due_reminders') && Array.isArray(result) && result.length > 0) {
      process.stdout.write(`recorded ${String(parameters?.[0])}\n`);
      await holdUpTo(hold);
    }
  });
  const kit = observedKit(kind, queueUrl, prefix);
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
    logger: stdoutLogger,
  });
  stopOnSigterm(async () => {
    await runtime.stop();
    await kit.close();
    await ds.destroy();
  });
  await waitForGoIf('REMINDER_WAIT_FOR_GO');
  await runtime.start();
  process.stdout.write('started\n');
}

runChild(main);
