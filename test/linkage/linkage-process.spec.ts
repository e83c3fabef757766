import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createTestDatabase, databaseUrl, type TestDatabase } from '../support/database';

const ROOT = join(__dirname, '..', '..');
const REGISTER = join(ROOT, 'test', 'support', 'swc-register.js');
const ENTRY = join(ROOT, 'apps', 'linkage', 'src', 'main.ts');

/** apps/linkage as a process: its environment is its own connection and nothing else. */
function runUnit(
  linkageUrl: string,
  stopAfter?: (out: string) => boolean,
  { delayMs = 0, intervalSeconds = 1 } = {},
) {
  const child = spawn(process.execPath, ['--require', REGISTER, ENTRY], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      LINKAGE_DATABASE_URL: linkageUrl,
      LINKAGE_INTERVAL_SECONDS: String(intervalSeconds),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let stopped = false;
  const onData = (d: Buffer) => {
    out += d.toString();
    if (!stopped && stopAfter?.(out)) {
      stopped = true;
      setTimeout(() => child.kill('SIGTERM'), delayMs);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  return new Promise<{ code: number | null; out: string }>((res) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      res({ code, out });
    }),
  );
}

describe('the linkage unit process (apps/linkage)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('runs as remedy_linkage: starts, runs, stays up once its idle connections closed (pg closes them after 10 s), stops on SIGTERM with code 0', async () => {
    const url = new URL(databaseUrl(db.name));
    url.username = 'remedy_linkage';
    const { Client } = await import('pg');
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    await admin.query('ALTER ROLE remedy_linkage LOGIN');
    await admin.end();
    const { code, out } = await runUnit(
      url.toString(),
      (o) => /"msg":"linkage run"/.test(o),
      // Waiting 30 s between runs, idle past pg's 10 s: nothing but the wait keeps it alive.
      { delayMs: 12_000, intervalSeconds: 30 },
    );
    expect(out).toMatch(/"msg":"linkage unit started"/);
    expect(out).toMatch(/"msg":"linkage run","skipped":false,"encodings":0/);
    expect(out).toMatch(/"msg":"linkage unit stopped"/);
    expect(code).toBe(0);
  }, 120_000);

  it('refuses to run with a connection that could read more than schema linkage (exit 78)', async () => {
    const { code, out } = await runUnit(db.url);
    expect(code).toBe(78);
    expect(out).toMatch(/LINKAGE_DATABASE_URL must connect as the role remedy_linkage/);
    expect(out).not.toMatch(/"msg":"linkage run"/);
  }, 120_000);
});
