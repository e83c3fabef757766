import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { freePort } from '@remedy/embedded-database';
import { spawnTs } from '../faults/support/processes';
import { registerHarbourLightArgs } from '../support/fixtures';
import {
  useBuiltSupervisor,
  newDataDir,
  postmasterPid,
  ROOT,
  startSupervisor,
  waitForHealth,
  within,
} from './supervisor-harness';

const CLI = join(ROOT, 'apps/cli/src/main.ts');
const REAL_API = join(__dirname, 'fixtures', 'real-api.js');

/** `npm run cli -- <args>` as a newcomer runs it: nothing configured but the data folder. */
async function cli(dataDir: string, args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, REMEDY_DATA_DIR: dataDir };
  for (const k of [
    'DATABASE_URL',
    'TEST_DATABASE_URL',
    'REDIS_URL',
    'EVENTSTORE_CONNECTION_STRING',
  ])
    delete env[k];
  const child = spawnTs(CLI, args, env);
  const exit = await within(60_000, `cli ${args.slice(0, 2).join(' ')}`, child.exited);
  return { code: exit.code, stdout: child.stdout(), stderr: child.stderr() };
}

async function register(dataDir: string, code: string) {
  const run = await cli(dataDir, registerHarbourLightArgs('AT', code));
  expect(run).toMatchObject({ code: 0 });
  const id = /^registered \S+ ([0-9a-f-]{36}) /.exec(run.stdout)?.[1];
  expect(id).toBeDefined();
  return { id: id!, run };
}

function getStatus(port: number, path: string, token?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      {
        host: '127.0.0.1',
        port,
        path,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
  });
}

/**
 * The admin CLI with nothing configured (no DATABASE_URL) finds the embedded PostgreSQL of
 * REMEDY_DATA_DIR: the one `npm start` runs, or one it starts for the command alone.
 */
describe('admin CLI on the zero-setup data folder', () => {
  useBuiltSupervisor();

  it('given npm start running on a fresh data folder, when organisations register and users token run with nothing configured, then they use its database and the API accepts the token', async () => {
    const dir = newDataDir();
    const port = await freePort();
    const s = startSupervisor(dir, port, { REMEDY_API_ENTRY: REAL_API });
    await waitForHealth(s, port, 60_000);

    const { id, run } = await register(dir, 'CLI1');
    expect(run.stderr).toContain(
      `using the embedded PostgreSQL of ${dir} (running under npm start, pid ${s.pid})`,
    );
    const token = await cli(dir, ['users', 'token', '--org', id, '--roles', 'caseworker']);
    expect(token.code).toBe(0);
    expect(token.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/); // only the token on stdout

    expect(await getStatus(port, '/cases')).toBe(401);
    expect(await getStatus(port, '/cases', token.stdout.trim())).toBe(200);
    expect(postmasterPid(dir)).toBeDefined(); // the CLI left npm start's database running

    s.process.kill('SIGINT');
    expect(await within(30_000, 'supervisor stops', s.exited)).toEqual({ code: 0, signal: null });
    expect(existsSync(join(dir, 'postgres.json'))).toBe(false);
  }, 120_000);

  it('given nothing running, when organisations register and users token run with nothing configured, then each starts the embedded PostgreSQL for itself and stops it after', async () => {
    const dir = newDataDir();
    const { id, run } = await register(dir, 'CLI2');
    expect(run.stderr).toContain(
      `started the embedded PostgreSQL of ${dir} for this command (stopped when it ends)`,
    );
    expect(run.stderr).toContain('migrations applied:');
    expect(postmasterPid(dir)).toBeUndefined();
    expect(existsSync(join(dir, 'data-dir.lock'))).toBe(false);

    const token = await cli(dir, ['users', 'token', '--org', id, '--roles', 'caseworker']);
    expect(token.code).toBe(0);
    expect(token.stderr).toContain(`started the embedded PostgreSQL of ${dir} for this command`);
    expect(token.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(postmasterPid(dir)).toBeUndefined();
    expect(existsSync(join(dir, 'data-dir.lock'))).toBe(false);
  }, 120_000);

  it('given a CLI command holding the data folder, when npm start starts, then it says so, waits, and starts once the command has finished', async () => {
    const dir = newDataDir();
    const command = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], {
      stdio: 'ignore',
    });
    await new Promise((r) => command.once('spawn', r));
    writeFileSync(join(dir, 'data-dir.lock'), `${command.pid}\ncli\n`);
    const port = await freePort();
    const s = startSupervisor(dir, port);
    const waiting = `a CLI command (pid ${command.pid}) is using the embedded PostgreSQL of REMEDY_DATA_DIR=${dir}: waiting up to 60 s for it to finish`;
    const deadline = Date.now() + 15_000;
    while (!s.output().includes(waiting) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(s.output()).toContain(waiting);
    expect(postmasterPid(dir)).toBeUndefined();

    command.kill(); // the command ends (its lock is now stale)
    await waitForHealth(s, port);
    s.process.kill('SIGINT');
    expect(await within(30_000, 'supervisor stops', s.exited)).toEqual({ code: 0, signal: null });
  }, 60_000);
});
