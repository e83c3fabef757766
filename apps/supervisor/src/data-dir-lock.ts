import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandLine, isAlive } from './processes';

/**
 * One supervisor per REMEDY_DATA_DIR: `<dir>/supervisor.pid` holds its pid. A file left by a
 * supervisor that died (kill -9) is recognised as stale and taken over.
 */
export function lockDataDir(dataDir: string): { release(): void } {
  const file = join(dataDir, 'supervisor.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o644 });
      return {
        release() {
          try {
            if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
          } catch {
            /* already gone */
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (pid !== process.pid && isAlive(pid) && /node/.test(commandLine(pid) ?? '')) {
        throw new Error(
          `another supervisor (pid ${pid}) is running with REMEDY_DATA_DIR=${dataDir}`,
          { cause: e },
        );
      }
      unlinkSync(file); // stale: its supervisor is gone
    }
  }
  throw new Error(`could not lock ${file}`);
}
