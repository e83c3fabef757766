import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository (or image) root: the nearest folder above this file holding a package.json.
 * Works from the sources (libs/config/src) and from the build (dist/libs/config/src).
 */
export function repoRoot(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}
