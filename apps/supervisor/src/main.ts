/**
 * `npm start`: one command for the whole system.
 *
 * DATABASE_URL set   → migrate once, then run the API and the worker as child processes (and the
 *                      linkage unit when LINKAGE_DATABASE_URL is set).
 * DATABASE_URL unset → zero-setup: own an embedded PostgreSQL in REMEDY_DATA_DIR/postgres,
 *                      create the `remedy` database, migrate, record where it listens
 *                      (`postgres.json`, for the CLI), then run the API and the worker. While a
 *                      CLI command holds the data folder (it started the database for itself),
 *                      wait up to 60 s for it, then refuse. The linkage unit runs as a third
 *                      child, logged in as `remedy_linkage` (password in keys/linkage-db-password).
 *
 * If a child dies, the supervisor says so and stops everything with a non-zero exit (no restart
 * loop). SIGINT/SIGTERM (Ctrl-C) are forwarded to the children; PostgreSQL stops last.
 */
import { spawn, ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, loadConfig, logDeployment, RemedyConfig } from '@remedy/config';
import { runMigrations } from '@remedy/database';
import {
  clearRunning,
  DATA_DIR_WAIT_MS,
  DataDirBusyError,
  lockDataDirWaiting,
  recordRunning,
  startEmbeddedDatabase,
  type EmbeddedDatabase,
} from '@remedy/embedded-database';
import { linkageEnv, provisionLinkageLogin } from './linkage-login';

const log = (line: string) => process.stdout.write(`[supervisor] ${line}\n`);
const CHILD_STOP_TIMEOUT_MS = 20_000;

interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function entryPoints() {
  const fromHere = (rel: string) => resolve(__dirname, rel);
  return {
    // Overridable for the supervisor's own tests (test/zero-setup), which run stand-ins.
    api: process.env.REMEDY_API_ENTRY || fromHere('../../api/src/main.js'),
    worker: process.env.REMEDY_WORKER_ENTRY || fromHere('../../worker/src/main.js'),
    linkage: process.env.REMEDY_LINKAGE_ENTRY || fromHere('../../linkage/src/main.js'),
    guard: fromHere('./child-guard.js'),
  };
}

function startChild(name: string, entry: string, guard: string, env: NodeJS.ProcessEnv): Child {
  const child = spawn(process.execPath, ['--enable-source-maps', '--require', guard, entry], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
    // Its own process group: a terminal's Ctrl-C reaches the supervisor, which decides the order.
    detached: true,
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
    child.once('exit', (code, signal) => res({ code, signal }));
    child.once('error', (err) => {
      log(`${name} could not start: ${err.message}`);
      res({ code: 1, signal: null });
    });
  });
  log(`${name} started (pid ${child.pid})`);
  return { name, process: child, exited };
}

async function stopChild(child: Child, signal: NodeJS.Signals): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill(signal);
  const timeout = new Promise<'timeout'>((res) =>
    setTimeout(() => res('timeout'), CHILD_STOP_TIMEOUT_MS).unref(),
  );
  if ((await Promise.race([child.exited, timeout])) === 'timeout') {
    log(`${child.name} did not stop within ${CHILD_STOP_TIMEOUT_MS / 1000} s: killing it`);
    child.process.kill('SIGKILL');
    await child.exited;
  }
}

async function main(): Promise<number> {
  // `--migrate-only`: apply pending migrations to DATABASE_URL and exit (docker compose's
  // one-shot `migrate` service, deployments that start api and worker separately).
  const migrateOnly = process.argv.includes('--migrate-only');
  let config: RemedyConfig;
  try {
    config = loadConfig(process.env, { requireDatabase: migrateOnly });
  } catch (e) {
    if (e instanceof ConfigError) {
      log(e.message);
      return 78; // EX_CONFIG
    }
    throw e;
  }

  if (migrateOnly) {
    logDeployment(config, (line) => process.stdout.write(`${line}\n`), 'supervisor');
    const report = await runMigrations(config.databaseUrl!);
    log(
      report.applied.length
        ? `migrations applied: ${report.applied.join(', ')}`
        : 'schema up to date',
    );
    return 0;
  }

  // Signals may arrive at any point, including while PostgreSQL starts.
  let stopSignal: NodeJS.Signals | undefined;
  let stopSignalAt = 0;
  let wake: () => void = () => undefined;
  const stopRequested = new Promise<void>((res) => (wake = res));
  const children: Child[] = [];
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopSignal) {
      // Ctrl-C under `npm start` arrives twice at once (terminal + npm forwarding it): only a
      // second Ctrl-C pressed later means "force".
      if (Date.now() - stopSignalAt < 2000) return;
      log(`${signal} again: killing the children now`);
      for (const c of children) c.process.kill('SIGKILL');
      return;
    }
    stopSignal = signal;
    stopSignalAt = Date.now();
    log(`${signal} received: stopping`);
    wake();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);

  const entries = entryPoints();
  for (const [name, file] of Object.entries({
    api: entries.api,
    worker: entries.worker,
    guard: entries.guard,
  })) {
    if (!existsSync(file)) {
      log(`${name} entry point ${file} not found: run \`npm run build\` first`);
      return 1;
    }
  }

  logDeployment(config, (line) => process.stdout.write(`${line}\n`), 'supervisor');
  const { host, apiPort, workerPort } = config.internalListener;
  const at = (port: number | null) => (port === null ? 'off' : `${host}:${port}`);
  log(
    `internal listeners (/metrics, /health details): api ${at(apiPort)}, worker ${at(workerPort)}`,
  );
  mkdirSync(config.dataDir, { recursive: true });

  let db: EmbeddedDatabase | undefined;
  let lock: { release(): void } | undefined;
  let exitCode = 0;
  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      try {
        lock = await lockDataDirWaiting(config.dataDir, 'npm start', log, DATA_DIR_WAIT_MS);
      } catch (e) {
        if (!(e instanceof DataDirBusyError)) throw e;
        log(e.message);
        return 1;
      }
      const started = Date.now();
      db = await startEmbeddedDatabase(config.dataDir, log);
      databaseUrl = db.url;
      log(
        `embedded PostgreSQL ready on 127.0.0.1:${db.port} in ${Date.now() - started} ms (data in ${config.dataDir}/postgres)`,
      );
    } else {
      log('using the external PostgreSQL from DATABASE_URL');
    }
    if (stopSignal) return 0;

    const report = await runMigrations(databaseUrl);
    log(
      report.applied.length
        ? `migrations applied: ${report.applied.join(', ')}`
        : 'schema up to date',
    );
    if (stopSignal) return 0;
    if (db) recordRunning(config.dataDir, db);

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REMEDY_DATA_DIR: config.dataDir,
      REMEDY_EMBEDDED_DATABASE: db ? 'true' : 'false',
    };
    delete env.REMEDY_API_ENTRY;
    delete env.REMEDY_WORKER_ENTRY;
    delete env.REMEDY_LINKAGE_ENTRY;
    children.push(startChild('api', entries.api, entries.guard, env));
    children.push(startChild('worker', entries.worker, entries.guard, env));
    // The linkage unit: its own database role and nothing of the organisation side's secrets.
    const linkageUrl = db
      ? await provisionLinkageLogin(databaseUrl, config.dataDir)
      : config.linkage.databaseUrl;
    if (!linkageUrl) {
      log('linkage unit not started: LINKAGE_DATABASE_URL is unset (README, "Record linkage")');
    } else if (!existsSync(entries.linkage)) {
      log(`linkage unit not started: ${entries.linkage} not found (run \`npm run build\`)`);
    } else {
      children.push(
        startChild('linkage', entries.linkage, entries.guard, linkageEnv(process.env, linkageUrl)),
      );
    }

    const firstExit = Promise.race(
      children.map((c) => c.exited.then((how) => ({ child: c, how }))),
    );
    const outcome = await Promise.race([firstExit, stopRequested.then(() => undefined)]);
    if (outcome && !stopSignal) {
      const { child, how } = outcome;
      log(
        `${child.name} exited unexpectedly (${how.signal ? `signal ${how.signal}` : `code ${how.code}`}): stopping everything`,
      );
      exitCode = 1;
    }
    await Promise.all(children.map((c) => stopChild(c, stopSignal ?? 'SIGTERM')));
    log('children stopped');
    return exitCode;
  } finally {
    if (db) {
      clearRunning(config.dataDir);
      await db.stop().then(
        () => log('embedded PostgreSQL stopped'),
        (e: Error) => log(`stopping the embedded PostgreSQL failed: ${e.message}`),
      );
    }
    lock?.release();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    log(`failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
