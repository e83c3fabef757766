import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandFactory, CommandRunnerService } from 'nest-commander';
import { Pool } from 'pg';
import { LocalTokenIssuer } from '@remedy/auth';
import { addDays, calendarDateIn } from '@remedy/case-domain';
import { organisationDirectoryProjection } from '@remedy/case-commands';
import { casesProjection } from '@remedy/case-read-models';
import { REMINDERS_QUEUE, type ReminderJobData, type ReminderSource } from '@remedy/case-reminders';
import { CaseCipher, LocalKeyManagementService } from '@remedy/crypto';
import { parsePosition, PostgresEventStore } from '@remedy/event-store';
import { createQueueKit } from '@remedy/queue';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { registerHarbourLightArgs, victimStatus } from '../../../test/support/fixtures';
import type { ProjectionDefinition } from '@remedy/projections';
import {
  appendMany,
  counterProjection,
  expectedCounters,
  readCounters,
} from '../../../test/projections/support/counter-projection';
import {
  actorsOf,
  CaseWriter,
  catchUp,
  openReadSide,
} from '../../../test/cases/read/support/case-writer';
import {
  createCounterTable,
  openDataSource,
  openStore,
  waitReadable,
} from '../../../test/projections/support/harness';
import { CliContext } from './cli-context';
import { CliModule } from './cli.module';
import { CLI_OPERATOR_ID } from './commands/organisations.command';
import { caseStreamId } from '@remedy/case-stream';

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
  setup?: (cli: CliContext) => void,
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
  setup?.(cli);
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
      const store = new PostgresEventStore({ connectionString: db.url, poolSize: 2 });
      try {
        const kms = await LocalKeyManagementService.load({ dataDir });
        const cipher = new CaseCipher({ pool, kms });
        const cases = [randomUUID(), randomUUID(), randomUUID()];
        const cts = await Promise.all(
          cases.map((id) => cipher.encryptForCase(id, 'personal data')),
        );
        // Real case streams too, sealed as the command side seals them (CaseWriter).
        const writer = new CaseWriter(store, cipher);
        const { caseworker } = actorsOf();
        const streamed: string[] = [];
        for (let i = 0; i < 4; i++) {
          const caseId = await writer.open(caseworker, {
            sequence: i + 1,
            fullName: `Rotation Person ${i}`,
          });
          await writer.run(caseId, {
            type: 'AddNote',
            actor: caseworker,
            noteId: randomUUID(),
            personal: { text: `note of rotation person ${i}` },
          });
          streamed.push(caseId);
        }
        const eventsHash = async () =>
          (
            await pool.query<{ n: number; h: string }>(
              `SELECT count(*)::int AS n, md5(string_agg(e::text, E'\\n' ORDER BY e::text)) AS h FROM events e`,
            )
          ).rows[0]!;
        const eventsBefore = await eventsHash();
        expect(eventsBefore.n).toBe(8);
        const keysBefore = new Map(
          (
            await pool.query<{ case_id: string; wrapped_key: Buffer; master_key_version: number }>(
              'SELECT case_id, wrapped_key, master_key_version FROM case_data_keys',
            )
          ).rows.map((r) => [r.case_id, r]),
        );
        expect(keysBefore.size).toBe(cases.length + streamed.length);
        expect([...keysBefore.values()].every((r) => r.master_key_version === 1)).toBe(true);
        /** Every sealed personal field of every streamed case, decrypted by a process started now. */
        const decryptAllStreams = async () => {
          const reader = new CaseCipher({
            pool,
            kms: await LocalKeyManagementService.load({ dataDir }),
          });
          const out: unknown[] = [];
          for (const caseId of streamed) {
            for (const e of await store.readStream(caseStreamId(caseId))) {
              const sealed = (e.data as { personal?: { sealed?: string } }).personal?.sealed;
              expect(typeof sealed).toBe('string');
              out.push(await reader.decryptJsonForCase(caseId, sealed!));
            }
          }
          return out;
        };
        const expectedPersonal = streamed.flatMap((_, i) => [
          { fullName: `Rotation Person ${i}` },
          { text: `note of rotation person ${i}` },
        ]);
        expect(await decryptAllStreams()).toEqual(expectedPersonal);

        const run = await runCli(['keys', 'rotate-master'], {
          DATABASE_URL: db.url,
          REMEDY_DATA_DIR: dataDir,
        });
        expect(run.errors).toEqual([]);
        expect(run.out).toEqual(['master key local v2: re-wrapped 7 data keys']);

        const { rows } = await pool.query(
          'SELECT DISTINCT master_key_version AS v FROM case_data_keys',
        );
        expect(rows).toEqual([{ v: 2 }]);
        // A re-wrap of every existing key (new wrapped bytes, same cases), not new data keys.
        const keysAfter = await pool.query<{ case_id: string; wrapped_key: Buffer }>(
          'SELECT case_id, wrapped_key FROM case_data_keys',
        );
        expect(keysAfter.rows.map((r) => r.case_id).sort()).toEqual([...keysBefore.keys()].sort());
        for (const r of keysAfter.rows)
          expect(r.wrapped_key.equals(keysBefore.get(r.case_id)!.wrapped_key)).toBe(false);
        // The events table is byte-for-byte what it was.
        expect(await eventsHash()).toEqual(eventsBefore);
        expect(await decryptAllStreams()).toEqual(expectedPersonal);
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
          'local v2: 7 data keys',
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
        // With version 1 gone for good, every case's personal data still decrypts, events untouched.
        expect((await LocalKeyManagementService.load({ dataDir })).keyVersions()).toEqual([2]);
        expect(await decryptAllStreams()).toEqual(expectedPersonal);
        expect(await eventsHash()).toEqual(eventsBefore);
      } finally {
        await store.close();
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

    it('given no DATABASE_URL and another CLI command holding the data folder, when a database command runs, then it waits, then refuses naming the holder', async () => {
      // (test/zero-setup/cli-zero-setup.spec.ts runs the CLI on the embedded database itself.)
      const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], {
        stdio: 'ignore',
      });
      try {
        await new Promise((r) => holder.once('spawn', r));
        await writeFile(join(dataDir, 'data-dir.lock'), `${holder.pid}\ncli\n`);
        const run = await runCli(['migrate'], { REMEDY_DATA_DIR: dataDir }, undefined, (cli) => {
          cli.embeddedWaitMs = 300;
        });
        expect(run.info).toEqual([
          `a CLI command (pid ${holder.pid}) is using the embedded PostgreSQL of REMEDY_DATA_DIR=${dataDir}: waiting up to 0.3 s for it to finish`,
        ]);
        expect(run.errors.map((e) => e.message)).toEqual([
          `a CLI command (pid ${holder.pid}) is using the embedded PostgreSQL of REMEDY_DATA_DIR=${dataDir}, still after 0.3 s: try again when it has finished`,
        ]);
        expect(run.out).toEqual([]);
      } finally {
        holder.kill();
        await rm(join(dataDir, 'data-dir.lock'), { force: true });
      }
    });
  });
  describe('organisation directory, users and reminders', () => {
    let db: TestDatabase;
    let env: NodeJS.ProcessEnv;
    let pool: Pool;
    beforeAll(async () => {
      db = await createTestDatabase();
      env = {
        DATABASE_URL: db.url,
        REMEDY_DATA_DIR: dataDir,
        REMEDY_JURISDICTION_TIMEZONE: 'Europe/Vienna',
      };
      pool = new Pool({ connectionString: db.url, max: 2 });
    });
    afterAll(async () => {
      await pool.end();
      await db.drop();
    });

    const eventsOf = async (streamId: string) =>
      (
        await pool.query<{
          type: string;
          data: Record<string, unknown>;
          metadata: Record<string, unknown>;
        }>(
          'SELECT event_type AS type, data, metadata FROM events WHERE stream_id = $1 ORDER BY stream_revision',
          [streamId],
        )
      ).rows;

    it('organisations register appends OrganisationRegistered through the directory; a re-run appends nothing', async () => {
      const args = registerHarbourLightArgs('at', 'HLLA');
      const first = await runCli(args, env);
      expect(first.errors).toEqual([]);
      expect(first.out).toEqual([
        expect.stringMatching(/^registered HLLA [0-9a-f-]{36} \(revision 0, position \S+\)$/),
      ]);
      const organisationId = first.out[0]!.split(' ')[2]!;
      const events = await eventsOf(`organisation-${organisationId}`);
      expect(events).toEqual([
        expect.objectContaining({
          type: 'OrganisationRegistered',
          data: expect.objectContaining({
            organisationId,
            name: 'Harbour Light Legal Aid (fictional)',
            type: 'LegalService',
            services: ['LegalCounselling', 'LegalRepresentation'],
            country: 'AT',
            code: 'HLLA',
            actorId: CLI_OPERATOR_ID,
          }),
          metadata: expect.objectContaining({ userId: CLI_OPERATOR_ID }),
        }),
      ]);

      const again = await runCli(args, env);
      expect(again.errors).toEqual([]);
      expect(again.out[0]).toContain(organisationId);
      expect(await eventsOf(`organisation-${organisationId}`)).toHaveLength(1);

      // Another operator cannot take the code; invalid input names the option and the reason.
      const taken = await runCli([...args, '--operator', randomUUID()], env);
      expect(taken.errors.map((e) => e.message)).toEqual([
        'ORGANISATION_CODE_TAKEN: this organisation code is already used by another organisation',
      ]);
      const invalid = await runCli(
        [
          'organisations',
          'register',
          '--name',
          'X',
          '--type',
          'Club',
          '--country',
          'AT',
          '--code',
          'XY',
        ],
        env,
      );
      expect(invalid.errors).toHaveLength(1);
      expect(invalid.errors[0]!.name).toBe('CliUsageError');
      expect(invalid.errors[0]!.message).toMatch(/^invalid input: --type \(/);
    });

    it('organisations update changes the given fields only (If-Match honoured); list reads the projected directory', async () => {
      const registered = await runCli(
        [
          'organisations',
          'register',
          '--name',
          'Northwind Shelter',
          '--type',
          'NGO',
          '--services',
          'Accommodation',
          '--country',
          'DE',
          '--code',
          'NWS',
        ],
        env,
      );
      const organisationId = registered.out[0]!.split(' ')[2]!;
      const stale = await runCli(
        ['organisations', 'update', organisationId, '--name', 'x', '--if-match', '5'],
        env,
      );
      expect(stale.errors.map((e) => e.message)).toEqual([
        "If-Match does not match the organisation's current revision 0",
      ]);
      const updated = await runCli(
        [
          'organisations',
          'update',
          organisationId,
          '--services',
          'Accommodation,Psychological',
          '--if-match',
          '0',
        ],
        env,
      );
      expect(updated.errors).toEqual([]);
      expect(updated.out).toEqual([
        expect.stringMatching(new RegExp(`^updated ${organisationId} \\(revision 1,`)),
      ]);
      const events = await eventsOf(`organisation-${organisationId}`);
      expect(events[1]).toMatchObject({
        type: 'OrganisationUpdated',
        data: {
          name: 'Northwind Shelter',
          type: 'NGO',
          country: 'DE',
          services: ['Accommodation', 'Psychological'],
        },
      });
      const unknown = await runCli(['organisations', 'update', randomUUID(), '--name', 'x'], env);
      expect(unknown.errors.map((e) => e.message)).toEqual(['No such organisation']);

      // The rebuild applies what is readable: wait for the update first (a transaction open anywhere
      // on the server holds readers back, so that an event committing late is never skipped).
      const store = openStore(db.url);
      try {
        const position = parsePosition(/position (\S+)\)$/.exec(updated.out[0]!)![1]!)!;
        await waitReadable(store, position);
      } finally {
        await store.close();
      }
      const rebuilt = await runCli(
        ['projection', 'rebuild', organisationDirectoryProjection.name],
        env,
      );
      expect(rebuilt.errors).toEqual([]);
      const list = await runCli(['organisations', 'list'], env);
      expect(list.out).toEqual([
        expect.stringMatching(
          /\tHLLA\tLegalService\tAT\tHarbour Light Legal Aid \(fictional\)\tLegalCounselling,LegalRepresentation$/,
        ),
        `${organisationId}\tNWS\tNGO\tDE\tNorthwind Shelter\tAccommodation,Psychological`,
      ]);
      const json = await runCli(['organisations', 'list', '--country', 'DE', '--json'], env);
      expect(JSON.parse(json.out[0]!)).toEqual([
        expect.objectContaining({
          organisationId,
          code: 'NWS',
          services: ['Accommodation', 'Psychological'],
        }),
      ]);
    });

    it('users token mints for a user of a directory organisation only; there is no user store', async () => {
      const registered = await runCli(
        [
          'organisations',
          'register',
          '--name',
          'Lantern House',
          '--type',
          'NGO',
          '--services',
          'Accommodation',
          '--country',
          'AT',
          '--code',
          'LTH',
        ],
        env,
      );
      const organisationId = registered.out[0]!.split(' ')[2]!;
      const run = await runCli(
        ['users', 'token', '--org', organisationId, '--roles', 'caseworker'],
        env,
      );
      expect(run.errors).toEqual([]);
      const userId = /^user ([0-9a-f-]{36})$/.exec(run.info[0]!)![1];
      const issuer = await LocalTokenIssuer.load({ dataDir });
      await expect(issuer.verifyToken(run.out[0]!)).resolves.toEqual({
        userId,
        organisationId,
        roles: ['caseworker'],
      });
      const outsider = await runCli(
        ['users', 'token', '--org', randomUUID(), '--roles', 'caseworker'],
        env,
      );
      expect(outsider.out).toEqual([]);
      expect(outsider.errors.map((e) => e.message)).toEqual([
        'this organisation is not in the organisation directory',
      ]);
    });

    it('reminders reconcile puts back the reminders the read model calls for, and is idempotent', async () => {
      const h = await openReadSide(db.url, [casesProjection]);
      const kit = createQueueKit({ kind: 'postgres', url: db.url });
      const queue = kit.queue<ReminderJobData>(REMINDERS_QUEUE);
      try {
        const org = actorsOf();
        const today = calendarDateIn(new Date(), 'Europe/Vienna');
        const caseId = await h.writer.open(org.caseworker, {
          sequence: 1,
          birthDate: '1990-01-01',
        });
        await h.writer.run(caseId, {
          type: 'RecordVictimStatus',
          actor: org.caseworker,
          ...victimStatus({ status: 'ActualVictimOfTrafficking', decidedOn: today }),
        });
        await h.writer.run(caseId, {
          type: 'GrantReflectionPeriod',
          actor: org.caseworker,
          startsOn: today,
          days: 40,
        });
        await catchUp(h.ds, h.store, casesProjection, undefined, 100, h.writer.lastPosition);
        const jobId = `reflection_period_ending-${caseId}-case-${addDays(today, 39)}`;

        const first = await runCli(['reminders', 'reconcile'], env);
        expect(first.errors).toEqual([]);
        expect(first.out).toEqual(['case-reminders: 1 reminders called for, 1 added, 0 removed']);
        expect((await queue.getJob(jobId))?.data).toMatchObject({
          caseId,
          kind: 'reflection_period_ending',
        });

        expect((await runCli(['reminders', 'reconcile'], env)).out).toEqual([
          'case-reminders: 1 reminders called for, 0 added, 0 removed',
        ]);
        await queue.remove(jobId); // the queue lost it (e.g. Redis was replaced)
        expect((await runCli(['reminders', 'reconcile'], env)).out).toEqual([
          'case-reminders: 1 reminders called for, 1 added, 0 removed',
        ]);
        expect(await queue.getJob(jobId)).toBeTruthy();

        // Further sources (the worker's, e.g. claim deadlines) are reconciled too; a reconciliation
        // that did not know a source would remove its jobs, hence the CLI uses the worker's list.
        const extra: ReminderSource = {
          name: 'cli-test',
          desired: async () => [
            {
              caseId,
              organisationId: org.organisationId,
              kind: 'referral_unanswered',
              subjectId: 'cli-test',
              dueOn: addDays(today, 30),
              jobId: `cli-test-${caseId}`,
              remindAt: new Date(Date.now() + 86_400_000),
            },
          ],
          changedCases: async () => [],
        };
        const withExtra = await runCli(['reminders', 'reconcile'], env, undefined, (cli) => {
          expect(cli.reminderSources.map((s) => s.name)).toEqual([expect.stringMatching(/claim/)]);
          cli.reminderSources = [...cli.reminderSources, extra];
        });
        expect(withExtra.out).toEqual([
          'case-reminders: 2 reminders called for, 1 added, 0 removed',
        ]);
        expect(await queue.getJob(`cli-test-${caseId}`)).toBeTruthy();
        const without = await runCli(['reminders', 'reconcile'], env);
        expect(without.out).toEqual(['case-reminders: 1 reminders called for, 0 added, 1 removed']);
      } finally {
        await kit.close();
        await h.close();
      }
    });
  });

  describe('cases backfill-match-tokens', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase();
    });
    afterAll(async () => db.drop());

    it('computes the matching tokens of cases opened before them, resumably (checkpoint), none for erased cases; counts only', async () => {
      const env = { DATABASE_URL: db.url, REMEDY_DATA_DIR: dataDir };
      const h = await openReadSide(db.url, []);
      const pool = new Pool({ connectionString: db.url, max: 2 });
      // Written without the command pipeline, hence without tokens: cases from before issue 19.
      const cipher = new CaseCipher({
        pool,
        kms: await LocalKeyManagementService.load({ dataDir }),
      });
      const writer = new CaseWriter(h.store, cipher);
      try {
        const org = actorsOf();
        const opened = [];
        for (const sequence of [1, 2, 3])
          opened.push(
            await writer.open(org.caseworker, {
              sequence,
              fullName: 'Olena Shevchenko',
              birthDate: '1990-05-05',
            }),
          );
        await writer.run(opened[2]!, {
          type: 'ErasePersonalData',
          actor: org.supervisor,
          erasureRequestId: randomUUID(),
        });
        const rows = async () =>
          (await pool.query('SELECT case_id, tokens FROM person_match_tokens ORDER BY case_id'))
            .rows as { case_id: string; tokens: string[] }[];
        expect(await rows()).toEqual([]);
        // The checkpoint of a finished run under the previous token version (mt1, checkpoint
        // named without a version) does not stop this version's run: mt2 starts from the start.
        await pool.query(
          `INSERT INTO person_match_backfill (name, position_commit, position_prepare, cases_done, updated_at)
           VALUES ('person-match-tokens', 9223372036854775807, 9223372036854775807, 3, now())`,
        );

        const first = await runCli(
          ['cases', 'backfill-match-tokens', '--limit', '1', '--batch-size', '1'],
          env,
        );
        expect(first.errors).toEqual([]);
        expect(first.out).toEqual([
          'match tokens: 1 cases, 1 written, 0 erased, 0 without identifiers, 0 failed; stopped (run again to resume)',
        ]);
        // Resumed after the first case, not from the start.
        const rest = await runCli(['cases', 'backfill-match-tokens'], env);
        expect(rest.out).toEqual([
          'match tokens: 2 cases, 1 written, 1 erased, 0 without identifiers, 0 failed; complete',
        ]);
        const written = await rows();
        expect(written.map((r) => r.case_id).sort()).toEqual([opened[0], opened[1]].sort());
        expect(written[0]!.tokens.length).toBeGreaterThan(0);
        expect(JSON.stringify(written)).not.toMatch(/olena|shevchenko|1990/i);
        expect((await runCli(['cases', 'backfill-match-tokens'], env)).out).toEqual([
          'match tokens: 0 cases, 0 written, 0 erased, 0 without identifiers, 0 failed; complete',
        ]);
        const again = await runCli(['cases', 'backfill-match-tokens', '--from-start'], env);
        expect(again.out).toEqual([
          'match tokens: 3 cases, 2 written, 1 erased, 0 without identifiers, 0 failed; complete',
        ]);
        for (const line of [...first.out, ...first.info, ...rest.out, ...rest.info])
          expect(line).not.toMatch(/[0-9a-f]{8}-|\d{4}-\d{2}-\d{2}/);
      } finally {
        await cipher.close();
        await pool.end();
        await h.close();
      }
    });
  });

  describe('cases reconcile-adult-dates', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase();
    });
    afterAll(async () => db.drop());

    it('writes the 18th birthday of cases without a row from their streams, none for erased cases; idempotent', async () => {
      const env = { DATABASE_URL: db.url, REMEDY_DATA_DIR: dataDir };
      const h = await openReadSide(db.url, [casesProjection]);
      const pool = new Pool({ connectionString: db.url, max: 2 });
      // Sealed with the keys of the CLI's REMEDY_DATA_DIR; written without the command pipeline,
      // hence without a row: cases from before the table.
      const cipher = new CaseCipher({
        pool,
        kms: await LocalKeyManagementService.load({ dataDir }),
      });
      const writer = new CaseWriter(h.store, cipher);
      try {
        const org = actorsOf();
        const born = await writer.open(org.caseworker, { sequence: 1, birthDate: '2008-02-29' });
        await writer.open(org.caseworker, { sequence: 2, estimatedAge: 16 });
        const erased = await writer.open(org.caseworker, { sequence: 3, birthDate: '2008-01-01' });
        await writer.run(erased, {
          type: 'ErasePersonalData',
          actor: org.supervisor,
          erasureRequestId: randomUUID(),
        });
        await catchUp(h.ds, h.store, casesProjection, undefined, 100, writer.lastPosition);
        const rows = async () =>
          (
            await pool.query(
              'SELECT case_id, adult_from::text AS adult_from, revision::text AS revision FROM case_adult_dates',
            )
          ).rows;
        expect(await rows()).toEqual([]);
        // The checkpoint of a finished run under the previous token version (mt1, checkpoint
        // named without a version) does not stop this version's run: mt2 starts from the start.
        await pool.query(
          `INSERT INTO person_match_backfill (name, position_commit, position_prepare, cases_done, updated_at)
           VALUES ('person-match-tokens', 9223372036854775807, 9223372036854775807, 3, now())`,
        );

        const first = await runCli(['cases', 'reconcile-adult-dates'], env);
        expect(first.errors).toEqual([]);
        expect(first.out).toEqual([
          'adult dates: 1 cases checked, 1 written, 0 without a birth date, 0 erased, 0 newer left as they are, 0 failed',
        ]);
        expect(await rows()).toEqual([{ case_id: born, adult_from: '2026-03-01', revision: '0' }]);

        expect((await runCli(['cases', 'reconcile-adult-dates'], env)).out).toEqual([
          'adult dates: 0 cases checked, 0 written, 0 without a birth date, 0 erased, 0 newer left as they are, 0 failed',
        ]);
        const all = await runCli(
          ['cases', 'reconcile-adult-dates', '--all', '--batch-size', '1'],
          env,
        );
        expect(all.out).toEqual([
          'adult dates: 2 cases checked, 1 written, 1 without a birth date, 0 erased, 0 newer left as they are, 0 failed',
        ]);
        expect(await rows()).toEqual([{ case_id: born, adult_from: '2026-03-01', revision: '0' }]);
        // Counts only: no case id, no date.
        for (const line of [...first.out, ...first.info, ...all.out, ...all.info])
          expect(line).not.toMatch(/[0-9a-f]{8}-|\d{4}-\d{2}-\d{2}/);
      } finally {
        await cipher.close();
        await pool.end();
        await h.close();
      }
    });
  });
});
