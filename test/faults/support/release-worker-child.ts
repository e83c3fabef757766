/**
 * Child process of the release fault test: the real ReleaseWorkerRuntime (the statistics release
 * builder, a BullMQ worker on `statistics-releases`) on a database and a queue backend, until
 * killed. Run with
 *   node --require ./test/support/swc-register.js test/faults/support/release-worker-child.ts \
 *     <database url> <postgres|redis> <queue url> <queue prefix> <data dir>
 * The signing key is read (or made) in `<data dir>/keys`, as the worker does.
 * With RELEASE_WAIT_FOR_GO=1 it loads, prints `ready` and waits for a line `go` on stdin before it
 * starts. Prints `started` once running, `active <release id>` when a build job begins,
 * `progress <release id> <p>` after each progress update the build reports, and
 * `stored <release id>` when the build's UPDATE stored the built release (affected a row). It
 * holds the job for a moment (RELEASE_HOLD_MS, random up to it) after progress 15 (mid-build,
 * before the effect) and after `stored` (effect done, not yet acknowledged to BullMQ): the
 * windows in which the parent's SIGKILL lands. Logs errors as lines on stdout (`error {...}`,
 * `worker-error …`). SIGTERM stops it cleanly (exit 0).
 *
 * The same runtime prints the national reports (`render` jobs on `statistics-reports`) with the
 * real ReportPrinter (headless Chromium) over the built console in REPORT_CONSOLE_DIR (when set):
 * it prints `printing <release id> <language>` as Chromium is about to print (the window of a
 * kill mid-render) and `report-stored <release id> <language>` when the render's UPDATE stored
 * the PDF (affected a row), then holds the job as after `stored`.
 */
import { PostgresEventStore } from '@remedy/event-store';
import {
  ReleaseSigner,
  ReleaseWorkerRuntime,
  ReportPrinter,
  type ReleaseJobData,
  type ReportJobData,
} from '@remedy/statistics';
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
  const { url, kind, queueUrl, prefix, dataDir } = childArguments('release-worker-child.ts', [
    'dataDir',
  ]);
  const hold = () => holdUpTo(Number(process.env.RELEASE_HOLD_MS ?? '0'));
  const ds = await observedDataSource(url, 4, async (sql, parameters, result) => {
    // TypeORM answers an UPDATE with [rows, affected].
    if (
      sql.includes(`SET status = 'built'`) &&
      Array.isArray(result) &&
      typeof result[1] === 'number' &&
      result[1] > 0
    ) {
      process.stdout.write(`stored ${String(parameters?.[0])}\n`);
      await hold();
    }
    if (
      sql.includes(`SET status = 'rendered'`) &&
      Array.isArray(result) &&
      typeof result[1] === 'number' &&
      result[1] > 0
    ) {
      process.stdout.write(`report-stored ${String(parameters?.[0])} ${String(parameters?.[1])}\n`);
      await hold();
    }
  });
  const eventStore = new PostgresEventStore({ connectionString: url, poolSize: 2 });
  const signer = await ReleaseSigner.load(dataDir);
  const kit = observedKit(kind, queueUrl, prefix, (processor) => async (job, token, signal) => {
    const { releaseId, language } = job.data as ReleaseJobData & Partial<ReportJobData>;
    process.stdout.write(`active ${releaseId}${language ? ` ${language}` : ''}\n`);
    const update = job.updateProgress.bind(job);
    job.updateProgress = async (progress) => {
      await update(progress);
      process.stdout.write(`progress ${releaseId} ${JSON.stringify(progress)}\n`);
      if (progress === 15) await hold();
    };
    return processor(job, token, signal);
  });
  const consoleDir = process.env.REPORT_CONSOLE_DIR;
  const printer = consoleDir ? new ReportPrinter(consoleDir) : undefined;
  const runtime = new ReleaseWorkerRuntime({
    dataSource: ds,
    printer: printer && {
      print: (input) => {
        process.stdout.write(`printing ${input.release.releaseId} ${input.language}\n`);
        return printer.print(input);
      },
    },
    kit,
    eventStore,
    signer,
    // Short locks: a killed worker's job is found stalled within ~3 s (not 30 + 15 s).
    worker: { lockDuration: 2_000, stalledInterval: 1_000, maxStalledCount: 2 },
    logger: stdoutLogger,
  });
  stopOnSigterm(async () => {
    await runtime.stop();
    await kit.close();
    await eventStore.close();
    await ds.destroy();
  });
  await waitForGoIf('RELEASE_WAIT_FOR_GO');
  runtime.start();
  process.stdout.write('started\n');
}

runChild(main);
