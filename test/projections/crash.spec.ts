import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DataSource } from 'typeorm';
import { comparePositions, PostgresEventStore } from '@remedy/event-store';
import { readCheckpoints, rebuildProjection } from '@remedy/projections';
import type { TestDatabase } from '../support/database';
import {
  COUNTED,
  counterEvent,
  counterProjection,
  expectedCounters,
  NOTED,
  readCounters,
} from './support/counter-projection';
import { closeCounterDatabase, openCounterDatabase, sleep, waitCaughtUp } from './support/harness';

const ROOT = join(__dirname, '..', '..');
const REGISTER = join(ROOT, 'test', 'support', 'swc-register.js');
const CHILD = join(__dirname, 'support', 'crash-child.ts');
const ROUNDS = 21;

interface Child {
  readonly process: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once the child printed `started` (its SIGTERM handler is installed by then). */
  readonly started: Promise<void>;
  /** Resolves on the n-th line equal to `text` (counted from now). */
  line(text: string, n?: number): Promise<void>;
  /** Calls `f` on every line equal to `text`. */
  onLine(text: string, f: () => void): void;
  stderr(): string;
}

function startChild(url: string, catchUp: boolean): Child {
  const child = spawn(process.execPath, ['--require', REGISTER, CHILD, url], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...(catchUp ? { CRASH_CATCH_UP: '1' } : {}) },
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const waiters: { text: string; left: number; resolve: () => void }[] = [];
  const listeners: { text: string; f: () => void }[] = [];
  let onStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (onStarted = resolve));
  listeners.push({ text: 'started', f: () => onStarted() });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    for (const l of listeners) if (l.text === line) l.f();
    for (const w of [...waiters]) {
      if (w.text === line && --w.left === 0) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    process: child,
    exited,
    started,
    line: (text, n = 1) => new Promise<void>((resolve) => waiters.push({ text, left: n, resolve })),
    onLine: (text, f) => listeners.push({ text, f }),
    stderr: () => err,
  };
}

const random = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

describe('projection runner under SIGKILL (crash test)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PostgresEventStore;

  beforeAll(async () => {
    ({ db, ds, store } = await openCounterDatabase(
      [
        counterProjection(),
        counterProjection({ name: 'test.counters-replay', table: 'test_counters_replay' }),
      ],
      ['test_counters', 'test_counters_replay'],
    ));
  });
  afterAll(() => closeCounterDatabase({ db, ds, store }));
  // A failed round leaves its children running: killed before the next test.
  const children = new Set<Child>();
  afterEach(async () => {
    for (const c of children) if (c.process.exitCode === null) c.process.kill('SIGKILL');
    await Promise.all([...children].map((c) => c.exited));
    children.clear();
  });

  // Runners alone; then each child first catching up in bulk as the worker does on start
  // (startCatchUp: the kills land in its batches too).
  it.each([
    ['the runners', false],
    ['a bulk catch-up on each start, then the runners', true],
  ])(
    `%s: loses and doubles no event over ${ROUNDS} kills at random points, while events keep arriving`,
    async (_, catchUp) => {
      await ds.query(
        'TRUNCATE events, projection_checkpoints, test_counters, test_counters_replay',
      );
      // The writer appends continuously to 15 streams (a fifth of the events of another type).
      let writing = true;
      let appended = 0;
      const writer = (async () => {
        while (writing) {
          const type = Math.random() < 0.2 ? NOTED : COUNTED;
          await store.append(`crash-${random(0, 14)}`, [counterEvent(random(1, 100), type)], 'any');
          appended += 1;
          await sleep(random(0, 10));
        }
      })();

      // Three children at a time: the leader holds the projection's lock, the others wait as
      // standbys (and warm up, so rounds are short). Each round kills one of them with SIGKILL.
      const kills = { anywhere: 0, midBatch: 0, leader: 0 };
      const alive = new Set<Child>();
      let lastApplier: Child | undefined;
      let onUncommitted: ((c: Child) => void) | undefined;
      const spawnChild = () => {
        const c = startChild(db.url, catchUp);
        children.add(c);
        c.onLine('uncommitted', () => {
          lastApplier = c;
          onUncommitted?.(c);
        });
        alive.add(c);
        void c.exited.then(() => alive.delete(c));
      };
      const t0 = Date.now();
      for (let round = 0; round < ROUNDS; round++) {
        while (alive.size < 3) spawnChild();
        const mode = round % 3;
        let victim: Child;
        if (mode === 1) {
          // Inside a batch: its rows and checkpoint written, its commit not sent yet.
          let left = random(1, 6);
          victim = await new Promise<Child>((resolve, reject) => {
            const timer = setTimeout(
              () => reject(new Error('no batch applied within 20 s')),
              20_000,
            );
            onUncommitted = (c) => {
              if (--left > 0) return;
              c.process.kill('SIGKILL');
              onUncommitted = undefined;
              clearTimeout(timer);
              resolve(c);
            };
          });
          kills.midBatch += 1;
        } else {
          // Anywhere (loading, waiting for the lock, reading, applying, idle), or the leader.
          await sleep(random(0, 300));
          const candidates = [...alive];
          victim =
            mode === 2 && lastApplier && alive.has(lastApplier)
              ? lastApplier
              : candidates[random(0, candidates.length - 1)];
          if (mode === 2) kills.leader += 1;
          else kills.anywhere += 1;
        }
        if (victim.process.exitCode !== null)
          throw new Error(`crash child exited by itself: ${victim.stderr()}`);
        victim.process.kill('SIGKILL');
        expect((await victim.exited).signal).toBe('SIGKILL');
        if (process.env.CRASH_DEBUG) console.log(round, mode, Date.now() - t0);
      }
      writing = false;
      await writer;

      // The survivors catch up (one leads), then stop cleanly on SIGTERM.
      const survivors = [...alive];
      const head = await waitCaughtUp(ds, store, 'test.counters', 30_000);
      // A child spawned in the last round may still be loading: SIGTERM it once its handler is in.
      await Promise.all(survivors.map((c) => c.started));
      for (const c of survivors) c.process.kill('SIGTERM');
      for (const c of survivors) {
        expect(await c.exited).toEqual({ code: 0, signal: null });
        expect(c.stderr()).toBe('');
      }

      // Every event counted exactly once: the per-stream count, sum and last revision equal the
      // events table's, and a full replay into a fresh copy.
      const rows = await readCounters(ds.manager);
      const truth = await expectedCounters(ds.manager);
      expect(rows.length).toBe(15);
      expect(rows).toEqual(truth);
      const replay = await rebuildProjection({
        dataSource: ds,
        eventStore: store,
        projection: counterProjection({
          name: 'test.counters-replay',
          table: 'test_counters_replay',
        }),
      });
      expect(await readCounters(ds.manager, 'test_counters_replay')).toEqual(rows);
      expect(replay.events).toBe(truth.reduce((n, r) => n + r.events, 0));
      const [cp] = (await readCheckpoints(ds, ['test.counters'])).values();
      expect(comparePositions(cp, head)).toBeGreaterThanOrEqual(0);
      expect(kills.midBatch).toBe(ROUNDS / 3);
      expect(appended).toBeGreaterThan(200);
      console.log(
        `crash test: ${ROUNDS} kills (${JSON.stringify(kills)}), ${appended} events appended, ${replay.events} counted, ${Date.now() - t0} ms`,
      );
    },
    120_000,
  ); // ~20-30 s on an idle 2-core machine; the bound is for a machine busy with other work.
});
