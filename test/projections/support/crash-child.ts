/**
 * Child process of the crash test: runs the counter projection (without its revision guard, so a
 * double application would show) until killed. Run with
 *   node --require ./test/support/swc-register.js test/projections/support/crash-child.ts <database url>
 * Prints `started` once the runner is started, and `uncommitted` each time a batch's rows are
 * written but its transaction (with the checkpoint) has not committed yet: the parent kills it
 * there on purpose. SIGTERM stops it cleanly (exit 0). With CRASH_CATCH_UP=1 it first catches up
 * in bulk (`startCatchUp`, as the worker does on start, here from one event behind and in pages of
 * a random size) and starts the runner once the catch-up releases the projection.
 */
import { ProjectionRunner, startCatchUp } from '@remedy/projections';
import { counterProjection } from './counter-projection';
import { openDataSource, openStore, sleep } from './harness';

async function main(): Promise<void> {
  const url = process.argv[2];
  if (!url) throw new Error('usage: crash-child.ts <database url>');
  const projection = counterProjection({
    guardRevision: false,
    batchSize: 1 + Math.floor(Math.random() * 20),
    afterApply: async () => {
      process.stdout.write('uncommitted\n');
      await sleep(5 + Math.floor(Math.random() * 10));
    },
  });
  const ds = await openDataSource(url, [projection]);
  const store = openStore(url);
  const runner = new ProjectionRunner({
    dataSource: ds,
    eventStore: store,
    projection,
    lockRetryMs: 20,
    retry: { initialMs: 50, maxMs: 200 },
    idleAdvanceMs: 50,
    logger: {
      info: () => undefined,
      error: (message, fields) =>
        process.stderr.write(`${JSON.stringify({ message, ...fields })}\n`),
    },
  });
  const catchUp = process.env.CRASH_CATCH_UP
    ? startCatchUp({
        dataSource: ds,
        eventStore: store,
        projections: [projection],
        minLag: 1,
        batchSize: 1 + Math.floor(Math.random() * 40),
        onReleased: () => runner.start(),
      })
    : undefined;
  process.once('SIGTERM', () => {
    void (async () => {
      catchUp?.stop();
      await catchUp?.done.catch(() => undefined);
      await runner.stop();
      await store.close();
      await ds.destroy();
      process.stdout.write(`stopped ${runner.status().appliedEvents}\n`);
      process.exit(0);
    })();
  });
  if (!(await catchUp?.started)?.has(projection.name)) runner.start();
  process.stdout.write('started\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
