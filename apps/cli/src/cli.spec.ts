import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandFactory, CommandRunnerService } from 'nest-commander';
import { Pool } from 'pg';
import { LocalTokenIssuer } from '@remedy/auth';
import { CaseCipher, LocalKeyManagementService } from '@remedy/crypto';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import type { ProjectionDefinition } from '@remedy/projections';
import {
  appendMany,
  counterProjection,
  expectedCounters,
  readCounters,
} from '../../../test/projections/support/counter-projection';
import {
  createCounterTable,
  openDataSource,
  openStore,
  waitReadable,
} from '../../../test/projections/support/harness';
import { CliContext } from './cli-context';
import { CliModule } from './cli.module';

interface CliRun {
  readonly out: string[];
  readonly info: string[];
  readonly errors: Error[];
}

/** Runs one command in-process, exactly as `remedy <args>` would parse it. */
async function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  projections?: readonly ProjectionDefinition[],
): Promise<CliRun> {
  const run: CliRun = { out: [], info: [], errors: [] };
  const app = await CommandFactory.createWithoutRunning(CliModule, {
    logger: false,
    serviceErrorHandler: (error) => {
      run.errors.push(error);
    },
  });
  const cli = app.get(CliContext);
  cli.env = env;
  cli.out = (line) => run.out.push(line);
  cli.info = (line) => run.info.push(line);
  if (projections) cli.projections = projections;
  try {
    await app.get(CommandRunnerService).run(['node', 'remedy', ...args]);
  } finally {
    await app.close();
  }
  return run;
}

describe('admin CLI', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'remedy-cli-'));
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  describe('token mint', () => {
    it('prints a token of the local issuer that verifies to the given actor', async () => {
      const [user, org] = [randomUUID(), randomUUID()];
      const run = await runCli(
        [
          'token',
          'mint',
          '--user',
          user,
          '--org',
          org,
          '--roles',
          'caseworker,supervisor',
          '--expires',
          '2h',
        ],
        { REMEDY_DATA_DIR: dataDir },
      );
      expect(run.errors).toEqual([]);
      expect(run.out).toHaveLength(1);
      const issuer = await LocalTokenIssuer.load({ dataDir });
      await expect(issuer.verifyToken(run.out[0]!)).resolves.toEqual({
        userId: user,
        organisationId: org,
        roles: ['caseworker', 'supervisor'],
      });
      const claims = JSON.parse(Buffer.from(run.out[0]!.split('.')[1]!, 'base64url').toString());
      expect(claims.exp - claims.iat).toBe(7200);
    });

    it('defaults to 8 hours', async () => {
      const run = await runCli(
        ['token', 'mint', '--user', randomUUID(), '--org', randomUUID(), '--roles', 'admin'],
        {
          REMEDY_DATA_DIR: dataDir,
        },
      );
      const claims = JSON.parse(Buffer.from(run.out[0]!.split('.')[1]!, 'base64url').toString());
      expect(claims.exp - claims.iat).toBe(8 * 3600);
    });

    it('refuses unknown roles, ids that are not uuids and too long lifetimes, printing no token', async () => {
      for (const args of [
        ['--user', randomUUID(), '--org', randomUUID(), '--roles', 'caseworker,root'],
        ['--user', 'ana@example.org', '--org', randomUUID(), '--roles', 'caseworker'],
        [
          '--user',
          randomUUID(),
          '--org',
          randomUUID(),
          '--roles',
          'caseworker',
          '--expires',
          '30d',
        ],
      ]) {
        const run = await runCli(['token', 'mint', ...args], { REMEDY_DATA_DIR: dataDir });
        expect(run.out).toEqual([]);
        expect(run.errors).toHaveLength(1);
        expect(run.errors[0]!.name).toBe('CliUsageError');
        expect(run.errors[0]!.message).not.toContain('ana@example.org');
      }
    });
  });

  describe('with a database', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase({ migrate: false });
    });
    afterAll(async () => db.drop());

    it('migrate applies the migrations, then reports the schema up to date', async () => {
      const env = { DATABASE_URL: db.url, REMEDY_DATA_DIR: dataDir };
      const first = await runCli(['migrate'], env);
      expect(first.errors).toEqual([]);
      expect(first.out).toContain('applied CreateCaseDataKeys1795359982728');
      const second = await runCli(['migrate'], env);
      expect(second.out).toEqual(['Database schema is up to date']);
    });

    it('keys rotate-master re-wraps every case data key under a new master key version', async () => {
      const pool = new Pool({ connectionString: db.url, max: 2 });
      try {
        const kms = await LocalKeyManagementService.load({ dataDir });
        const cipher = new CaseCipher({ pool, kms });
        const cases = [randomUUID(), randomUUID(), randomUUID()];
        const cts = await Promise.all(
          cases.map((id) => cipher.encryptForCase(id, 'personal data')),
        );

        const run = await runCli(['keys', 'rotate-master'], {
          DATABASE_URL: db.url,
          REMEDY_DATA_DIR: dataDir,
        });
        expect(run.errors).toEqual([]);
        expect(run.out).toEqual(['master key local v2: re-wrapped 3 data keys']);

        const { rows } = await pool.query(
          'SELECT DISTINCT master_key_version AS v FROM case_data_keys',
        );
        expect(rows).toEqual([{ v: 2 }]);
        const fresh = new CaseCipher({
          pool,
          kms: await LocalKeyManagementService.load({ dataDir }),
        });
        await expect(
          Promise.all(cases.map((id, i) => fresh.decryptForCase(id, cts[i]!))),
        ).resolves.toEqual(cases.map(() => 'personal data'));

        const status = await runCli(['keys', 'status'], {
          DATABASE_URL: db.url,
          REMEDY_DATA_DIR: dataDir,
        });
        expect(status.out).toEqual([
          'current master key: local v2 (available: 1, 2)',
          'local v2: 3 data keys',
        ]);

        const retired = await runCli(['keys', 'retire-master', '1'], {
          DATABASE_URL: db.url,
          REMEDY_DATA_DIR: dataDir,
        });
        expect(retired.errors).toEqual([]);
        expect(retired.out).toEqual(['master key local v1 retired']);
        const current = await runCli(['keys', 'retire-master', '2'], {
          DATABASE_URL: db.url,
          REMEDY_DATA_DIR: dataDir,
        });
        expect(current.errors.map((e) => e.message)).toEqual([
          'the current master key version cannot be retired; rotate first',
        ]);
        const afterRetire = new CaseCipher({
          pool,
          kms: await LocalKeyManagementService.load({ dataDir }),
        });
        await expect(afterRetire.decryptForCase(cases[0]!, cts[0]!)).resolves.toBe('personal data');
      } finally {
        await pool.end();
      }
    });

    it('projection list and projection rebuild <name> replay the events into the read model', async () => {
      const env = { DATABASE_URL: db.url, REMEDY_DATA_DIR: dataDir };
      const projection = counterProjection({ name: 'cli.counters', table: 'cli_counters' });
      const ds = await openDataSource(db.url, [projection]);
      const store = openStore(db.url);
      try {
        await createCounterTable(ds, 'cli_counters');
        const last = await appendMany(store, 50, 5, 'cli-counter');
        await waitReadable(store, last!);

        const before = await runCli(['projection', 'list'], env, [projection]);
        expect(before.errors).toEqual([]);
        expect(before.out).toEqual([
          expect.stringMatching(/^cli\.counters: at never run, 40 events behind/),
        ]);

        const rebuilt = await runCli(
          ['projection', 'rebuild', 'cli.counters', '--batch-size', '7'],
          env,
          [projection],
        );
        expect(rebuilt.errors).toEqual([]);
        expect(rebuilt.out).toEqual([
          expect.stringMatching(/^cli\.counters: 40 events in \d+ batches, .*\(done in/),
        ]);
        const expected = await expectedCounters(ds.manager);
        expect(await readCounters(ds.manager, 'cli_counters')).toEqual(expected);
        expect(expected.length).toBe(4); // the fifth stream only holds CounterNoted events

        const after = await runCli(['projection', 'list'], env, [projection]);
        expect(after.out).toEqual([
          expect.stringMatching(/^cli\.counters: at \S+, 0 events behind$/),
        ]);

        const unknown = await runCli(['projection', 'rebuild', 'nope'], env, [projection]);
        expect(unknown.errors.map((e) => e.message)).toEqual([
          'Unknown projection "nope" (registered: cli.counters)',
        ]);
      } finally {
        await store.close();
        await ds.destroy();
      }
    });

    it('refuses database commands without DATABASE_URL', async () => {
      const run = await runCli(['migrate'], { REMEDY_DATA_DIR: dataDir });
      expect(run.errors.map((e) => e.message)).toEqual([
        'DATABASE_URL is required for this command',
      ]);
    });
  });
});
