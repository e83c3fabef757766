import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandLine, isAlive } from './processes';

/** Who holds a data folder: `npm start` (the supervisor, for as long as it runs) or one CLI command. */
export type DataDirHolder = 'npm start' | 'cli';

export interface DataDirLock {
  release(): void;
}

export const LOCK_FILE = 'data-dir.lock';

/**
 * One owner of REMEDY_DATA_DIR's embedded PostgreSQL at a time: `<dir>/data-dir.lock` holds the
 * owner's pid and what it is (`npm start` or `cli`). A file left by an owner that died (kill -9) is
 * recognised as stale (its pid is no longer a live node process) and taken over.
 *
 * Answers the lock, or the live owner holding it.
 */
export function tryLockDataDir(
  dataDir: string,
  holder: DataDirHolder,
): DataDirLock | { heldBy: { pid: number; holder: DataDirHolder } } {
  const file = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n${holder}\n`, { flag: 'wx', mode: 0o644 });
      return {
        release() {
          try {
            if (readFileSync(file, 'utf8').split('\n')[0] === String(process.pid)) unlinkSync(file);
          } catch {
            /* already gone */
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = readLockOwner(dataDir);
      if (owner) return { heldBy: owner };
      try {
        unlinkSync(file); // stale: its owner is gone
      } catch {
        /* removed meanwhile by someone else */
      }
    }
  }
  throw new Error(`could not lock ${file}`);
}

/** The live owner named by `<dir>/data-dir.lock`, or undefined (no file, or a stale one). */
export function readLockOwner(dataDir: string): { pid: number; holder: DataDirHolder } | undefined {
  let text: string;
  try {
    text = readFileSync(join(dataDir, LOCK_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const [pidLine, holderLine] = text.split('\n');
  const pid = Number(pidLine?.trim());
  if (pid === process.pid || !isAlive(pid) || !/node/.test(commandLine(pid) ?? ''))
    return undefined;
  return { pid, holder: holderLine?.trim() === 'cli' ? 'cli' : 'npm start' };
}

/** The supervisor's lock: refuses at once when another supervisor owns the folder. */
export function lockDataDir(dataDir: string): DataDirLock {
  const lock = tryLockDataDir(dataDir, 'npm start');
  if ('heldBy' in lock) {
    throw new Error(describeHolder(lock.heldBy, dataDir));
  }
  return lock;
}

export function describeHolder(owner: { pid: number; holder: DataDirHolder }, dataDir: string) {
  return owner.holder === 'cli'
    ? `a CLI command (pid ${owner.pid}) is using the embedded PostgreSQL of REMEDY_DATA_DIR=${dataDir}`
    : `another supervisor (pid ${owner.pid}) is running with REMEDY_DATA_DIR=${dataDir}`;
}
