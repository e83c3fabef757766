import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { Client } from 'pg';

const ROOT = resolve(__dirname, '../..');

/** What the console's build reads: a change to any of these makes a new build. */
const INPUTS = ['apps/web', 'libs/api-client/src', 'scripts/console-size.mjs', 'package-lock.json'];

/** The advisory lock (on the tests' PostgreSQL) of the console's build. */
const BUILD_LOCK = 7_364_201_016;

function filesUnder(path: string): string[] {
  const absolute = join(ROOT, path);
  if (!statSync(absolute).isDirectory()) return [absolute];
  return readdirSync(absolute, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => !file.includes('/node_modules/') && !file.includes('/dist/'));
}

/** A hash of the console's sources (paths and contents). */
export function consoleSourceHash(): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap(filesUnder).sort()) {
    hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

let built: Promise<string> | undefined;

/**
 * The console built as `npm run build` builds it (vite build, then the size check), into a
 * folder of the system's temporary directory named by the sources' hash: built once per change of
 * the sources, whatever the number of test files and Jest workers (they wait on one advisory lock
 * while one builds), and never in dist/web, which `npm start` in the zero-setup tests rewrites.
 * Answers the folder.
 */
export function builtConsole(): Promise<string> {
  built ??= (async () => {
    const directory = join(tmpdir(), `remedy-console-${consoleSourceHash()}`);
    const done = () => existsSync(join(directory, '.vite', 'size.json'));
    if (done()) return directory;
    const client = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await client.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [BUILD_LOCK]);
      if (done()) return directory;
      const partial = `${directory}.partial-${process.pid}`;
      rmSync(partial, { recursive: true, force: true });
      const node = process.execPath;
      execFileSync(
        node,
        [
          join(ROOT, 'node_modules/vite/bin/vite.js'),
          'build',
          '-c',
          'apps/web/vite.config.mts',
          '--logLevel',
          'warn',
        ],
        { cwd: ROOT, env: { ...process.env, REMEDY_WEB_OUT_DIR: partial }, stdio: 'pipe' },
      );
      execFileSync(node, [join(ROOT, 'scripts/console-size.mjs'), partial], {
        cwd: ROOT,
        stdio: 'pipe',
      });
      rmSync(directory, { recursive: true, force: true });
      renameSync(partial, directory);
      return directory;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [BUILD_LOCK]).catch(() => undefined);
      await client.end();
    }
  })();
  return built;
}

/** A language's console messages, its area files merged (apps/web/src/locales/<language>/*.json). */
export function consoleCatalogue(language: string): Record<string, string> {
  const dir = join(__dirname, '../../apps/web/src/locales', language);
  return Object.assign(
    {},
    ...readdirSync(dir)
      .filter((file) => file.endsWith('.json'))
      .sort()
      .map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, string>),
  );
}
