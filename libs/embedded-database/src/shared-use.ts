import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  describeHolder,
  tryLockDataDir,
  type DataDirHolder,
  type DataDirLock,
} from './data-dir-lock';
import {
  DATABASE_NAME,
  embeddedDatabaseUrl,
  embeddedPaths,
  startEmbeddedDatabase,
  type EmbeddedDatabase,
} from './embedded-database';
import { isAlive, isPostmasterOf, sleep } from './processes';

type Log = (line: string) => void;

/** How long `npm start` and a CLI command wait for each other before refusing. */
export const DATA_DIR_WAIT_MS = 60_000;

/** `<dataDir>/postgres.json`: where the embedded PostgreSQL of a running `npm start` listens (no secret). */
interface RunningRecord {
  readonly port: number;
  readonly user: string;
  readonly database: string;
  readonly postmasterPid: number;
  readonly supervisorPid: number;
}

const runningFile = (dataDir: string) => join(dataDir, 'postgres.json');

/**
 * The supervisor, once its database is migrated: records where it listens, for the CLI. The
 * password stays in `keys/postgres-password` (mode 600), where it already is.
 */
export function recordRunning(dataDir: string, db: EmbeddedDatabase): void {
  const pidFile = join(embeddedPaths(dataDir).pgData, 'postmaster.pid');
  const record: RunningRecord = {
    port: db.port,
    user: 'postgres',
    database: DATABASE_NAME,
    postmasterPid: Number(readFileSync(pidFile, 'utf8').split('\n')[0]),
    supervisorPid: process.pid,
  };
  writeFileSync(runningFile(dataDir), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o644 });
}

export function clearRunning(dataDir: string): void {
  try {
    unlinkSync(runningFile(dataDir));
  } catch {
    /* not there */
  }
}

/** The record of a live `npm start` whose postmaster is alive; a stale record is ignored. */
function readRunning(dataDir: string, supervisorPid: number): RunningRecord | undefined {
  if (!existsSync(runningFile(dataDir))) return undefined;
  try {
    const r = JSON.parse(readFileSync(runningFile(dataDir), 'utf8')) as RunningRecord;
    const live =
      r.supervisorPid === supervisorPid &&
      isAlive(r.supervisorPid) &&
      isPostmasterOf(r.postmasterPid, embeddedPaths(dataDir).pgData);
    return live ? r : undefined;
  } catch {
    return undefined; // being written, or damaged
  }
}

export class DataDirBusyError extends Error {
  override readonly name = 'DataDirBusyError';
}

/**
 * Takes the data folder for `holder`, waiting up to `waitMs` while a CLI command holds it.
 * Refuses at once when another `npm start` holds it (for `npm start`; the CLI connects to it, see
 * useEmbeddedDatabase).
 */
export async function lockDataDirWaiting(
  dataDir: string,
  holder: DataDirHolder,
  log: Log,
  waitMs = DATA_DIR_WAIT_MS,
): Promise<DataDirLock> {
  const deadline = Date.now() + waitMs;
  let said = false;
  for (;;) {
    const lock = tryLockDataDir(dataDir, holder);
    if (!('heldBy' in lock)) return lock;
    if (lock.heldBy.holder === 'npm start')
      throw new DataDirBusyError(describeHolder(lock.heldBy, dataDir));
    if (Date.now() > deadline) {
      throw new DataDirBusyError(
        `${describeHolder(lock.heldBy, dataDir)}, still after ${waitMs / 1000} s: try again when it has finished`,
      );
    }
    if (!said) {
      log(
        `${describeHolder(lock.heldBy, dataDir)}: waiting up to ${waitMs / 1000} s for it to finish`,
      );
      said = true;
    }
    await sleep(250);
  }
}

export interface EmbeddedDatabaseUse {
  /** Contains the password: never log it. */
  readonly url: string;
  /** `running`: the one of `npm start`; `started`: started for this process, stopped by release(). */
  readonly how: 'running' | 'started';
  release(): Promise<void>;
}

/**
 * For a command with no DATABASE_URL (the admin CLI): the embedded PostgreSQL of `dataDir`.
 * - `npm start` runs: its database, once it has recorded it (after its migrations).
 * - nothing runs: starts the embedded PostgreSQL here (the supervisor's own code), under the data
 *   folder's lock, for as long as the caller needs it; release() stops it and frees the folder.
 * - another CLI command holds it: waits up to `waitMs`, then refuses.
 */
export async function useEmbeddedDatabase(
  dataDir: string,
  log: Log,
  waitMs = DATA_DIR_WAIT_MS,
): Promise<EmbeddedDatabaseUse> {
  const deadline = Date.now() + waitMs;
  let said = '';
  const sayOnce = (line: string) => {
    if (said !== line) log(line);
    said = line;
  };
  for (;;) {
    const lock = tryLockDataDir(dataDir, 'cli');
    if (!('heldBy' in lock)) {
      clearRunning(dataDir); // left by a supervisor that was killed
      let db: EmbeddedDatabase;
      try {
        db = await startEmbeddedDatabase(dataDir, log);
      } catch (e) {
        lock.release();
        throw e;
      }
      log(`started the embedded PostgreSQL of ${dataDir} for this command (stopped when it ends)`);
      return {
        url: db.url,
        how: 'started',
        async release() {
          try {
            await db.stop();
          } finally {
            lock.release();
          }
        },
      };
    }
    const owner = lock.heldBy;
    if (owner.holder === 'npm start') {
      const running = readRunning(dataDir, owner.pid);
      if (running) {
        log(
          `using the embedded PostgreSQL of ${dataDir} (running under npm start, pid ${owner.pid})`,
        );
        return {
          url: embeddedDatabaseUrl(dataDir, running.port),
          how: 'running',
          release: () => Promise.resolve(),
        };
      }
      sayOnce(
        `npm start (pid ${owner.pid}) is starting the embedded PostgreSQL of ${dataDir}: waiting`,
      );
    } else {
      sayOnce(
        `${describeHolder(owner, dataDir)}: waiting up to ${waitMs / 1000} s for it to finish`,
      );
    }
    if (Date.now() > deadline) {
      throw new DataDirBusyError(
        owner.holder === 'npm start'
          ? `npm start (pid ${owner.pid}) did not make the embedded PostgreSQL of ${dataDir} ready within ${waitMs / 1000} s`
          : `${describeHolder(owner, dataDir)}, still after ${waitMs / 1000} s: try again when it has finished`,
      );
    }
    await sleep(250);
  }
}
