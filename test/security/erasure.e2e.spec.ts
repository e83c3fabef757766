import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { Pool } from 'pg';
import { DataSource, type EntitySchema } from 'typeorm';
import { LocalTokenIssuer, type Role } from '@remedy/auth';
import { REMINDERS_QUEUE, type ReminderJobData } from '@remedy/case-reminders';
import { addDays, calendarDateIn } from '@remedy/case-domain';
import { CaseCipher, LocalKeyManagementService, PersonalDataErasedError } from '@remedy/crypto';
import { PostgresEventStore } from '@remedy/event-store';
import { projectionEntities, rebuildAllProjections, rebuildConnections } from '@remedy/projections';
import { createQueueKit, type QueueKit } from '@remedy/queue';
import { ALL_PROJECTIONS } from '@remedy/read-models';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  eventually,
  freePort,
  redisServerMissing,
  ROOT,
  spawnTs,
  startRedisServer,
  type Child,
  type RedisServer,
} from '../faults/support/processes';
import { caseStreamId } from '@remedy/case-stream';

/**
 * The erasure test (issue 4, "Done when"): the real API and worker processes (Redis queue
 * backend on a redis-server of the test's own, LOG_LEVEL debug, their output captured) get a case
 * with a unique marker in every personal field the API accepts (opening identifiers, free text of
 * every command that takes some, dates that are personal, claims' texts). Before erasure the API
 * answers every marker decrypted (so the search below can fail). After the supervisor erases the
 * case: no marker in a full plain `pg_dump`, in the raw text of any bytea/jsonb column, in any
 * Redis key or value, or in the captured logs; no job of the case in any queue state; the
 * statistics fact rows unchanged, also after rebuilding every projection.
 *
 * Then backup and restore: a `pg_dump` taken before the erasure is restored into a new database;
 * `erasure reapply` (CLI) re-applies the ledger (a file outside the database): the event is
 * appended, the key destroyed, and the case reads as erased again; the API's start-up check does
 * the same on a second restored copy by itself.
 */
const PG_DUMP = process.env.PG_DUMP ?? '/usr/bin/pg_dump';
const PSQL = process.env.PSQL ?? '/usr/bin/psql';
const TZ = 'Europe/Vienna';
const run = randomBytes(4).toString('hex');
const marker = (field: string) => `Qx${run}${field.replace(/[^A-Za-z]/g, '')}Zk`;
/** Personal dates: exact dates nothing else in this test uses. */
const DATES = {
  birthDate: '2011-07-29',
  verifiedBirthDate: '2011-07-23',
  correctedBirthDate: '2011-08-17',
  exploitationStartedOn: '2019-02-27',
  exploitationEndedOn: '2019-11-13',
};

/** Why pg_dump cannot dump the test server (an older pg_dump refuses a newer server), if it cannot. */
function pgDumpMissing(): string | undefined {
  const server = process.env.TEST_DATABASE_URL;
  if (!server) return 'TEST_DATABASE_URL is not set';
  try {
    const client = execFileSync(PG_DUMP, ['--version'], { encoding: 'utf8' });
    const clientMajor = Number(/(\d+)\.\d+/.exec(client)?.[1]);
    const serverNum = execFileSync(PSQL, ['-tAc', 'SHOW server_version_num', server], {
      encoding: 'utf8',
    });
    const serverMajor = Math.floor(Number(serverNum.trim()) / 10_000);
    if (!(clientMajor >= serverMajor))
      return `${PG_DUMP} is version ${clientMajor} and cannot dump the PostgreSQL ${serverMajor} test server (set PG_DUMP and PSQL, or TEST_DATABASE_URL to a server of version ${clientMajor})`;
    return undefined;
  } catch (e) {
    return `pg_dump/psql unavailable: ${(e as Error).message.split('\n')[0]}`;
  }
}

const missing = redisServerMissing() ?? pgDumpMissing();
const describeWithRedis = missing ? describe.skip : describe;
if (missing) {
  describe('erasure end to end (needs redis-server and a pg_dump for the test server)', () => {
    it.skip(`skipped: ${missing}`, () => undefined);
  });
}

describeWithRedis(
  'erasure: nothing of the person remains anywhere (real API and worker, Redis)',
  () => {
    let db: TestDatabase;
    let dataDir: string;
    let ledgerDir: string;
    let ledgerPath: string;
    let backupDir: string;
    let pool: Pool;
    let redis: RedisServer;
    let issuer: LocalTokenIssuer;
    const children: Child[] = [];
    const restored: TestDatabase[] = [];
    let base: string;

    const markers = new Set<string>();
    const m = (field: string) => {
      const value = marker(field);
      markers.add(value);
      return value;
    };
    for (const d of Object.values(DATES)) markers.add(d);

    const envFor = (databaseUrl: string, port: number): NodeJS.ProcessEnv => {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DATABASE_URL: databaseUrl,
        REDIS_URL: redis.url,
        REMEDY_DATA_DIR: dataDir,
        ERASURE_LEDGER_PATH: ledgerPath,
        REMEDY_JURISDICTION_TIMEZONE: TZ,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'debug',
      };
      delete env.EVENTSTORE_CONNECTION_STRING;
      delete env.REMEDY_MASTER_KEY;
      delete env.REMEDY_BLIND_INDEX_KEY;
      return env;
    };

    async function startSystem(
      databaseUrl: string,
    ): Promise<{ api: Child; worker: Child; base: string }> {
      const port = await freePort();
      const a = spawnTs(join(ROOT, 'apps', 'api', 'src', 'main.ts'), [], envFor(databaseUrl, port));
      const w = spawnTs(
        join(ROOT, 'apps', 'worker', 'src', 'main.ts'),
        [],
        envFor(databaseUrl, port),
      );
      children.push(a, w);
      await Promise.all([
        a.line(/"msg":"api listening"/, 1, 120_000),
        w.line(/"msg":"worker started"/, 1, 120_000),
      ]);
      return { api: a, worker: w, base: `http://127.0.0.1:${port}` };
    }

    const token = (roles: Role[], organisationId: string) =>
      issuer.mintToken({ userId: randomUUID(), organisationId, roles });

    async function send(
      at: string,
      bearer: string,
      method: 'GET' | 'POST',
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ): Promise<{ status: number; json: any; headers: Headers }> {
      const res = await fetch(`${at}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${bearer}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return {
        status: res.status,
        json: text ? JSON.parse(text) : undefined,
        headers: res.headers,
      };
    }

    let lastPosition = '0';
    /** A command that must succeed; remembers its position for the next read. */
    async function cmd(bearer: string, path: string, body: unknown = {}, headers = {}) {
      const res = await send(base, bearer, 'POST', path, body, headers);
      if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.json)}`);
      if (typeof res.json?.position === 'string') lastPosition = res.json.position;
      return res.json as Record<string, any>;
    }
    async function read(at: string, bearer: string, path: string, position = lastPosition) {
      const res = await send(at, bearer, 'GET', path, undefined, { 'x-min-position': position });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.json)}`);
      return res.json;
    }

    const hitsIn = (text: string) => {
      const lower = text.toLowerCase();
      return [...markers].filter((mk) => lower.includes(mk.toLowerCase()));
    };

    /** A full plain-SQL dump, with owners and privileges (what a backup restores). */
    function pgDump(url: string): string {
      return execFileSync(PG_DUMP, ['--format=plain', url], {
        encoding: 'utf8',
        maxBuffer: 512 * 1024 * 1024,
      });
    }

    /** The raw text of every bytea and jsonb value of every table (any schema but the system's). */
    async function rawColumns(p: Pool): Promise<string> {
      const { rows: cols } = await p.query<{ s: string; t: string; c: string; type: string }>(
        `SELECT c.table_schema AS s, c.table_name AS t, c.column_name AS c, c.data_type AS type
         FROM information_schema.columns c JOIN information_schema.tables t
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
        WHERE c.data_type IN ('bytea', 'jsonb', 'json')
          AND c.table_schema NOT IN ('pg_catalog', 'information_schema')`,
      );
      const parts: string[] = [];
      for (const col of cols) {
        const expr =
          col.type === 'bytea'
            ? // escape: printable ASCII as is, other bytes as \ooo (a CLK's bit vector holds NUL bytes)
              `encode(${'"' + col.c + '"'}, 'escape')`
            : `${'"' + col.c + '"'}::text`;
        const { rows } = await p.query<{ v: string | null }>(
          `SELECT ${expr} AS v FROM "${col.s}"."${col.t}"`,
        );
        for (const r of rows) if (r.v) parts.push(r.v);
      }
      return parts.join('\n');
    }

    /** Every key and every value of the test's Redis, as text. */
    async function redisDump(): Promise<string> {
      const client = new IORedis(redis.url, { maxRetriesPerRequest: 1 });
      try {
        const out: string[] = [];
        let cursor = '0';
        do {
          const [next, keys] = await client.scan(cursor, 'COUNT', 1000);
          cursor = next;
          for (const key of keys) {
            out.push(key);
            const type = await client.type(key);
            if (type === 'string') out.push((await client.get(key)) ?? '');
            else if (type === 'hash') out.push(JSON.stringify(await client.hgetall(key)));
            else if (type === 'list') out.push(JSON.stringify(await client.lrange(key, 0, -1)));
            else if (type === 'set') out.push(JSON.stringify(await client.smembers(key)));
            else if (type === 'zset')
              out.push(JSON.stringify(await client.zrange(key, 0, -1, 'WITHSCORES')));
            else if (type === 'stream')
              out.push(JSON.stringify(await client.xrange(key, '-', '+')));
          }
        } while (cursor !== '0');
        return out.join('\n');
      } finally {
        client.disconnect();
      }
    }

    async function caseJobs(kit: QueueKit, caseId: string) {
      const queue = kit.queue<ReminderJobData>(REMINDERS_QUEUE);
      const jobs = await queue.getJobs(
        ['delayed', 'waiting', 'prioritized', 'completed', 'failed', 'active', 'waiting-children'],
        0,
        -1,
      );
      return jobs.filter((j) => j?.data?.caseId === caseId);
    }

    const facts = async (p: Pool) =>
      (
        await p.query<{ row: string }>(
          `SELECT to_jsonb(f)::text AS row FROM statistics_case_facts f ORDER BY row_key, year`,
        )
      ).rows.map((r) => r.row);

    const logs = () => children.map((c) => `${c.stdout()}\n${c.stderr()}`).join('\n');

    beforeAll(async () => {
      db = await createTestDatabase();
      dataDir = mkdtempSync(join(tmpdir(), 'remedy-erasure-'));
      ledgerDir = mkdtempSync(join(tmpdir(), 'remedy-erasure-ledger-'));
      backupDir = mkdtempSync(join(tmpdir(), 'remedy-erasure-backup-'));
      ledgerPath = join(ledgerDir, 'erasure-ledger.jsonl');
      pool = new Pool({ connectionString: db.url, max: 3 });
      redis = await startRedisServer();
      issuer = await LocalTokenIssuer.load({ dataDir });
      ({ base } = await startSystem(db.url));
    }, 180_000);

    afterAll(async () => {
      await Promise.all(children.map((c) => c.kill('SIGKILL')));
      await pool?.end();
      for (const r of restored) await r.drop().catch(() => undefined);
      await db?.drop();
      await redis?.stop();
      for (const d of [dataDir, ledgerDir, backupDir])
        if (d) rmSync(d, { recursive: true, force: true });
    });

    let caseId: string;
    let holder: { organisationId: string; caseworker: string; supervisor: string };
    let original: typeof holder;
    let legalAid: string;
    let factsBefore: string[];
    let backupFile: string;
    let erasure: Record<string, any>;

    it('seeds a case with a marker in every personal field, and the API answers them all decrypted', async () => {
      const admin = await token(['admin'], randomUUID());
      const register = async (type: string, services: string[]) => {
        const code = `E${run.slice(0, 4).toUpperCase()}${Math.floor(Math.random() * 1e4)}`.slice(
          0,
          10,
        );
        const org = await cmd(admin, '/organisations', {
          name: `Organisation ${code}`,
          type,
          services,
          country: 'AT',
          code,
        });
        return org.organisationId as string;
      };
      const holderId = await register('NGO', ['Accommodation', 'Psychological']);
      const receiverId = await register('NGO', ['Psychological']);
      const legalId = await register('LegalService', ['LegalRepresentation']);
      holder = {
        organisationId: holderId,
        caseworker: await token(['caseworker'], holderId),
        supervisor: await token(['supervisor'], holderId),
      };
      const receiver = await token(['caseworker'], receiverId);
      legalAid = await token(['legal_aid'], legalId);
      const today = calendarDateIn(new Date(), TZ);

      const opened = await cmd(
        holder.caseworker,
        '/cases',
        {
          referralSource: 'Hotline',
          profile: {
            sexGender: 'NonConforming',
            ageUncertain: true,
            citizenships: ['MD'],
            languages: ['ro'],
          },
          personal: {
            fullName: m('fullName'),
            aliases: [m('alias1'), m('alias2')],
            birthDate: DATES.birthDate,
            identityDocuments: [{ kind: m('docKind'), number: m('docNumber') }],
            contacts: [m('contact')],
            addresses: [m('address')],
            shelterLocation: m('shelterLocation'),
            notes: m('openingNotes'),
          },
        },
        { 'idempotency-key': `erasure-open-${run}` },
      );
      caseId = opened.caseId;
      const c = `/cases/${caseId}`;
      const say = (field: string) => ({ personal: { text: m(field) } });

      await cmd(holder.caseworker, `${c}/victim-status`, {
        status: 'PossibleVictimOfTrafficking',
        decidingBody: 'NGO',
        decidedOn: today,
        formsOfExploitation: ['ForcedBegging'],
        sectors: [],
        countriesOfRecruitment: ['MD'],
        countriesOfTransit: [],
        countriesOfExploitation: ['AT'],
        meansOfControl: ['DebtBondage'],
        personal: {
          text: m('identificationText'),
          exploitationStartedOn: DATES.exploitationStartedOn,
          exploitationEndedOn: DATES.exploitationEndedOn,
        },
      });
      await cmd(holder.caseworker, `${c}/presume-minority`, say('presumptionText'));
      await cmd(holder.caseworker, `${c}/verify-age`, {
        method: 'identity_document',
        personal: { birthDate: DATES.verifiedBirthDate },
      });
      await cmd(holder.caseworker, `${c}/reflection-period`, { startsOn: today, days: 60 });
      await cmd(holder.caseworker, `${c}/consents`, {
        purpose: 'assistance',
        obtainedInLanguage: 'ro',
        interpreterUsed: true,
      });
      await cmd(holder.caseworker, `${c}/consents`, {
        purpose: 'referral',
        receivingOrganisationId: receiverId,
        obtainedInLanguage: 'ro',
        interpreterUsed: true,
      });
      await cmd(holder.caseworker, `${c}/consents`, {
        purpose: 'legal_aid_access',
        receivingOrganisationId: legalId,
        obtainedInLanguage: 'ro',
        interpreterUsed: false,
      });
      await cmd(holder.caseworker, `${c}/needs-assessments`, {
        needs: ['Accommodation'],
        ...say('needsText'),
      });
      await cmd(holder.caseworker, `${c}/support-plans`, {
        plannedAssistance: ['Accommodation'],
        ...say('supportPlanText'),
      });
      await cmd(holder.caseworker, `${c}/assistance`, {
        assistanceType: 'Accommodation',
        from: today,
        ...say('assistanceText'),
      });
      await cmd(holder.supervisor, `${c}/best-interests-assessments`, {
        decision: 'referral',
        outcome: 'proceed',
        guardianPresent: true,
        ...say('bestInterestsText'),
      });
      await cmd(holder.caseworker, `${c}/guardians`, {
        kind: 'guardian',
        personal: { name: m('guardianName'), contact: m('guardianContact') },
      });
      const referral = await cmd(holder.caseworker, `${c}/referrals`, {
        toOrganisationId: receiverId,
        service: 'Psychological',
        ...say('referralText'),
      });
      await cmd(receiver, `${c}/referrals/${referral.referralId}/decline`, say('declineText'));
      await cmd(holder.caseworker, `${c}/legal-aid-access`, { legalAidOrganisationId: legalId });
      const remedy = await cmd(legalAid, `${c}/remedies`, {
        remedyType: 'Compensation',
        avenue: 'CivilClaim',
        ...say('remedyText'),
      });
      const flag = await cmd(legalAid, `${c}/non-punishment-flags`, say('flagText'));
      await cmd(legalAid, `${c}/non-punishment-flags/${flag.flagId}/resolve`, {
        resolution: 'charges_dropped',
        ...say('flagResolutionText'),
      });
      const claim = await cmd(legalAid, `${c}/claims`, {
        avenue: 'CivilClaim',
        respondentKind: 'Trafficker',
        currency: 'EUR',
        claimed: { MoralDamage: 500_000 },
        filedOn: today,
        filingDeadline: addDays(today, -3),
        remedyId: remedy.remedyId,
        personal: { text: m('claimText'), lateFilingReason: m('lateFilingReason') },
      });
      const k = `${c}/claims/${claim.claimId}`;
      await cmd(legalAid, `${k}/hearings`, { hearingOn: addDays(today, 3), ...say('hearingText') });
      await cmd(legalAid, `${k}/decision`, {
        outcome: 'partly_awarded',
        awarded: { MoralDamage: 100_000 },
        currency: 'EUR',
        paymentDueOn: addDays(today, 40),
        ...say('decisionText'),
      });
      await cmd(legalAid, `${k}/appeal`, { appealedBy: 'claimant', ...say('appealText') });
      await cmd(legalAid, `${k}/decision`, {
        outcome: 'partly_awarded',
        awarded: { MoralDamage: 120_000 },
        currency: 'EUR',
        paymentDueOn: addDays(today, 40),
        ...say('appealDecisionText'),
      });
      await cmd(legalAid, `${k}/final`, {});
      await cmd(legalAid, `${k}/enforcement`, say('enforcementText'));
      await cmd(legalAid, `${k}/payments`, {
        amount: 150_000,
        currency: 'EUR',
        personal: { text: m('paymentText'), aboveAwardReason: m('aboveAwardReason') },
      });
      await cmd(holder.caseworker, `${c}/notes`, say('noteText'));
      await cmd(holder.caseworker, `${c}/corrections`, {
        correction: { fact: 'birthDate' },
        personal: { text: m('correctionText'), birthDate: DATES.correctedBirthDate },
      });
      await cmd(legalAid, `${k}/closure`, { outcome: 'fully_paid', ...say('claimClosureText') });
      // A second referral (a child: its own best-interests assessment), revoked.
      await cmd(holder.supervisor, `${c}/best-interests-assessments`, {
        decision: 'referral',
        outcome: 'proceed',
        guardianPresent: false,
        ...say('secondBestInterestsText'),
      });
      const second = await cmd(holder.caseworker, `${c}/referrals`, {
        toOrganisationId: receiverId,
        service: 'Psychological',
        ...say('secondReferralText'),
      });
      await cmd(holder.caseworker, `${c}/referrals/${second.referralId}/revoke`, say('revokeText'));
      // Closed (a child: best interests first) and reopened.
      await cmd(holder.caseworker, `${c}/closure/request`, {
        reason: 'assistance_completed',
        ...say('closureText'),
      });
      await cmd(holder.supervisor, `${c}/best-interests-assessments`, {
        decision: 'closure',
        outcome: 'proceed',
        guardianPresent: true,
        ...say('closureBestInterestsText'),
      });
      await cmd(holder.supervisor, `${c}/closure/approve`, say('closureApprovalText'));
      await cmd(holder.caseworker, `${c}/reopen`, say('reopenText'));
      // Found by name and birth date (the holder's blind index).
      const found = await send(base, holder.caseworker, 'POST', '/cases/search', {
        fullName: marker('fullName'),
        birthDate: DATES.birthDate,
      });
      expect(JSON.stringify(found.json)).toContain(caseId);
      // Transferred (consent and best interests first): the receiver holds it from now on.
      await cmd(holder.caseworker, `${c}/consents`, {
        purpose: 'transfer',
        receivingOrganisationId: receiverId,
        obtainedInLanguage: 'ro',
        interpreterUsed: true,
      });
      await cmd(holder.supervisor, `${c}/best-interests-assessments`, {
        decision: 'transfer',
        outcome: 'proceed',
        guardianPresent: true,
        ...say('transferBestInterestsText'),
      });
      await cmd(holder.supervisor, `${c}/transfer`, {
        toOrganisationId: receiverId,
        ...say('transferText'),
      });
      original = holder;
      holder = {
        organisationId: receiverId,
        caseworker: receiver,
        supervisor: await token(['supervisor'], receiverId),
      };
      await cmd(holder.caseworker, `${c}/notes`, say('receiverNoteText'));

      // The API answers every marker, decrypted, to those who may read it.
      const answers = JSON.stringify([
        await read(base, holder.caseworker, c),
        await read(base, holder.caseworker, `${c}/timeline?limit=200`),
        await read(base, legalAid, `/legal-aid/cases/${caseId}`),
      ]);
      const notAnswered = [...markers].filter((mk) => !answers.includes(mk));
      expect(notAnswered).toEqual([]);

      // Reminders of the case are in Redis.
      const kit = createQueueKit({ kind: 'redis', url: redis.url }, {});
      try {
        // The reflection period's reminder waits (delayed); the claim's fired and went with
        // its closure (erasure-steps.spec.ts removes jobs in every state).
        await eventually(
          'a reminder job of the case',
          async () => (await caseJobs(kit, caseId)).length > 0,
          30_000,
          250,
        );
      } finally {
        await kit.close();
      }
    }, 180_000);

    /**
     * Until the statistics facts projection has applied the last command's event (its checkpoint,
     * "commit.prepare", at or beyond the position the command answered).
     */
    async function factsCaughtUp(p: Pool): Promise<void> {
      const [commit, prepare] = lastPosition.split('.').map((n) => BigInt(n)) as [bigint, bigint];
      await eventually(
        'statistics facts at the last position',
        async () => {
          const { rows } = await p.query<{ c: string; p: string }>(
            `SELECT position_commit::text AS c, position_prepare::text AS p FROM projection_checkpoints WHERE projection = 'statistics.facts'`,
          );
          const r = rows[0];
          return (
            r !== undefined &&
            (BigInt(r.c) > commit || (BigInt(r.c) === commit && BigInt(r.p) >= prepare))
          );
        },
        60_000,
        200,
      );
    }

    it('takes a backup (pg_dump) before the erasure', async () => {
      await factsCaughtUp(pool);
      factsBefore = await facts(pool);
      expect(factsBefore.length).toBeGreaterThan(0);
      // Marker: the exact adult date is kept until erasure (see the assertion after it).
      expect(
        (await pool.query(`SELECT 1 FROM case_adult_dates WHERE case_id = $1`, [caseId])).rowCount,
      ).toBe(1);
      backupFile = join(backupDir, 'before-erasure.sql');
      writeFileSync(backupFile, pgDump(db.url));
    });

    it('erases the case: the answer, the ledger line, and the case reads as erased', async () => {
      erasure = await cmd(
        holder.supervisor,
        `/cases/${caseId}/erasure`,
        {},
        { 'idempotency-key': `erase-${run}` },
      );
      expect(erasure.erasureRequestId).toEqual(expect.any(String));
      const ledger = readFileSync(ledgerPath, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(ledger).toEqual([
        {
          caseId,
          erasureRequestId: erasure.erasureRequestId,
          userId: expect.any(String),
          organisationId: holder.organisationId,
          erasedAt: expect.any(String),
        },
      ]);
      const detail = await read(base, holder.caseworker, `/cases/${caseId}`);
      expect(detail.erased).toBe(true);
      expect(hitsIn(JSON.stringify(detail))).toEqual([]);
      const timeline = await read(base, holder.caseworker, `/cases/${caseId}/timeline?limit=200`);
      expect(hitsIn(JSON.stringify(timeline))).toEqual([]);
      for (const org of [holder, original]) {
        const found = await send(base, org.caseworker, 'POST', '/cases/search', {
          fullName: marker('fullName'),
          birthDate: DATES.birthDate,
        });
        expect(found.status).toBe(200);
        expect(JSON.stringify(found.json)).not.toContain(caseId);
      }
    }, 60_000);

    it('leaves no marker in a full pg_dump, in any bytea/jsonb value, in Redis or in the logs, and no job of the case', async () => {
      // Read models scrub on the erasure event: wait until the legal-aid projection has it too.
      await eventually('legal-aid read model erased', async () => {
        const { rows } = await pool.query(`SELECT erased FROM legal_aid_cases WHERE case_id = $1`, [
          caseId,
        ]);
        return rows[0]?.erased === true;
      });
      const kit = createQueueKit({ kind: 'redis', url: redis.url }, {});
      try {
        await eventually(
          'no job of the erased case',
          async () => (await caseJobs(kit, caseId)).length === 0,
          30_000,
          250,
        );
      } finally {
        await kit.close();
      }
      expect(
        (await pool.query(`SELECT 1 FROM due_reminders WHERE case_id = $1`, [caseId])).rowCount,
      ).toBe(0);
      expect(
        (await pool.query(`SELECT 1 FROM person_blind_index WHERE case_id = $1`, [caseId]))
          .rowCount,
      ).toBe(0);
      // The 18th birthday by the exact birth date (the read side's "child now") reveals it.
      expect(
        (await pool.query(`SELECT 1 FROM case_adult_dates WHERE case_id = $1`, [caseId])).rowCount,
      ).toBe(0);
      expect(
        (
          await pool.query(
            `SELECT 1 FROM idempotency_keys WHERE route LIKE $1 OR response->>'caseId' = $2`,
            [`%${caseId}%`, caseId],
          )
        ).rowCount,
      ).toBe(0);
      expect(
        (
          await pool.query(
            `SELECT wrapped_key, destroyed_at FROM case_data_keys WHERE case_id = $1`,
            [caseId],
          )
        ).rows,
      ).toEqual([{ wrapped_key: null, destroyed_at: expect.any(Date) }]);

      const dump = pgDump(db.url);
      expect(dump).toContain(caseId); // the dump is of this database (the events stay, sealed)
      expect(hitsIn(dump)).toEqual([]);
      expect(hitsIn(await rawColumns(pool))).toEqual([]);
      expect(hitsIn(await redisDump())).toEqual([]);
      const captured = logs();
      // The capture holds the processes' request logs of this case (opaque ids only).
      expect(captured).toContain(`/cases/${caseId}/erasure`);
      expect(hitsIn(captured)).toEqual([]);
    }, 90_000);

    it('keeps the statistics fact rows as they were, also after rebuilding every projection', async () => {
      await factsCaughtUp(pool);
      expect(await facts(pool)).toEqual(factsBefore);
      const ds = new DataSource({
        type: 'postgres',
        url: db.url,
        entities: projectionEntities(ALL_PROJECTIONS) as EntitySchema[],
        synchronize: false,
        logging: false,
        extra: { max: rebuildConnections(ALL_PROJECTIONS.length) },
      });
      await ds.initialize();
      const store = new PostgresEventStore({ connectionString: db.url, poolSize: 2 });
      // The facts projection keys rows by a pseudonym whose key is in the data directory.
      process.env.REMEDY_DATA_DIR = dataDir;
      try {
        const reports = await rebuildAllProjections({
          dataSource: ds,
          eventStore: store,
          projections: ALL_PROJECTIONS,
        });
        expect(reports.map((r) => r.projection).sort()).toEqual(
          ALL_PROJECTIONS.map((p) => p.name).sort(),
        );
      } finally {
        await store.close();
        await ds.destroy();
      }
      expect(await facts(pool)).toEqual(factsBefore);
      const detail = await read(base, holder.caseworker, `/cases/${caseId}`);
      expect(detail.erased).toBe(true);
      expect(hitsIn(pgDump(db.url))).toEqual([]);
      expect(hitsIn(await rawColumns(pool))).toEqual([]);
    }, 120_000);

    async function restore(): Promise<TestDatabase> {
      const target = await createTestDatabase({ migrate: false });
      restored.push(target);
      execFileSync(
        PSQL,
        ['--quiet', '--no-psqlrc', '-v', 'ON_ERROR_STOP=1', '-d', target.url, '-f', backupFile],
        {
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      return target;
    }

    async function decryptable(url: string): Promise<'readable' | 'erased'> {
      const p = new Pool({ connectionString: url, max: 1 });
      const kms = await LocalKeyManagementService.load({ dataDir });
      const cipher = new CaseCipher({ pool: p, kms });
      try {
        const sealed = (
          await p.query<{ s: string }>(
            `SELECT data->'personal'->>'sealed' AS s FROM events WHERE stream_id = $1 AND event_type = 'CaseOpened'`,
            [caseStreamId(caseId)],
          )
        ).rows[0]!.s;
        try {
          const opened = await cipher.decryptJsonForCase<Record<string, unknown>>(caseId, sealed);
          expect(opened.fullName).toBe(marker('fullName'));
          return 'readable';
        } catch (e) {
          if (e instanceof PersonalDataErasedError) return 'erased';
          throw e;
        }
      } finally {
        await cipher.close();
        await p.end();
      }
    }

    const erasureEvents = async (url: string) => {
      const p = new Pool({ connectionString: url, max: 1 });
      try {
        return (
          await p.query(
            `SELECT 1 FROM events WHERE stream_id = $1 AND event_type = 'PersonalDataErased'`,
            [caseStreamId(caseId)],
          )
        ).rowCount;
      } finally {
        await p.end();
      }
    };

    it('restoring the backup brings the person back; `erasure reapply` erases them again from the ledger', async () => {
      const copy = await restore();
      expect(await decryptable(copy.url)).toBe('readable'); // what a restore alone would do
      expect(await erasureEvents(copy.url)).toBe(0);

      const cli = (url: string) => {
        const c = spawnTs(
          join(ROOT, 'apps', 'cli', 'src', 'main.ts'),
          ['erasure', 'reapply'],
          envFor(url, 3000),
        );
        children.push(c);
        return c;
      };
      const first = cli(copy.url);
      expect((await first.exited).code).toBe(0);
      expect(first.stdout()).toContain(
        '1 erasures in the ledger: 1 events appended, 1 data keys destroyed, 0 cases not in this database, 0 failed',
      );
      expect(await decryptable(copy.url)).toBe('erased');
      expect(await erasureEvents(copy.url)).toBe(1);
      const p = new Pool({ connectionString: copy.url, max: 1 });
      try {
        expect(
          (await p.query(`SELECT 1 FROM person_blind_index WHERE case_id = $1`, [caseId])).rowCount,
        ).toBe(0);
        const event = (
          await p.query(
            `SELECT data FROM events WHERE stream_id = $1 AND event_type = 'PersonalDataErased'`,
            [caseStreamId(caseId)],
          )
        ).rows[0].data;
        expect(event.erasureRequestId).toBe(erasure.erasureRequestId);
      } finally {
        await p.end();
      }
      // Idempotent: a second run finds nothing to do.
      const second = cli(copy.url);
      expect((await second.exited).code).toBe(0);
      expect(second.stdout()).toContain('1 events appended'.replace('1', '0'));

      // The restored system reads the case as erased once its worker projects the appended event.
      const system = await startSystem(copy.url);
      let seen: unknown;
      const detail = await eventually(
        'the restored case read as erased',
        async () => {
          const d = await send(system.base, holder.caseworker, 'GET', `/cases/${caseId}`);
          seen = [d.status, d.json?.erased, d.json?.message];
          return d.status === 200 && d.json.erased === true ? d.json : undefined;
        },
        60_000,
        250,
      ).catch((e: Error) => {
        throw new Error(
          `${e.message}; last answer ${JSON.stringify(seen)}; API said: ${system.api
            .stdout()
            .split('\n')
            .filter((l) => /"level":(40|50)/.test(l))
            .slice(-5)
            .join('\n')}`,
        );
      });
      expect(hitsIn(JSON.stringify(detail))).toEqual([]);
      await system.api.kill('SIGTERM');
      await system.worker.kill('SIGTERM');
    }, 240_000);

    it("the API's start-up check re-applies the ledger by itself on a restored copy", async () => {
      const copy = await restore();
      expect(await decryptable(copy.url)).toBe('readable');
      const port = await freePort();
      const a = spawnTs(join(ROOT, 'apps', 'api', 'src', 'main.ts'), [], envFor(copy.url, port));
      children.push(a);
      await a.line(/"msg":"api listening"/, 1, 120_000);
      expect(a.stdout()).toMatch(/"msg":"erasure ledger re-applied".*"eventsAppended":1/);
      expect(await decryptable(copy.url)).toBe('erased');
      expect(await erasureEvents(copy.url)).toBe(1);
      await a.kill('SIGTERM');
    }, 180_000);
  },
);
