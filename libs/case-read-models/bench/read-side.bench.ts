/**
 * Figures of the case read side on PostgreSQL:
 *  - rebuild throughput of the `case-read.cases` and `case-read.timeline` projections (events/s,
 *    one transaction per batch, as the runner applies them);
 *  - GET /cases query latency (service level, p50/p99) on an organisation holding many cases,
 *    first page and deep cursor pages, per sort;
 *  - a full reminder reconciliation against an empty queue, then a no-op one.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
 *   node --require ./test/support/swc-register.js libs/case-read-models/bench/read-side.bench.ts [cases]
 *
 * Creates and drops a database of its own. Personal fields are sealed with a fixed dummy
 * ciphertext: the projections copy ciphertexts and never decrypt, so crypto is not measured.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource, EntitySchema } from 'typeorm';
import {
  createJurisdictionPolicy,
  decide,
  evolve,
  initialState,
  personalDataOf,
  withPersonalData,
  type CaseCommand,
  type CaseEvent,
  type CaseState,
} from '@remedy/case-domain';
import { runMigrations } from '@remedy/database';
import { PostgresEventStore, START, type GlobalPosition, type NewEvent } from '@remedy/event-store';
import { projectionEntities, type ProjectionDefinition } from '@remedy/projections';
import { createQueueKit } from '@remedy/queue';
import { ReminderReconciler, REMINDERS_QUEUE, reminderSettings, type ReminderJobData } from '@remedy/case-reminders';
import { CaseQueries, casesProjection, timelineProjection } from '@remedy/case-read-models';
import { caseStreamId } from '@remedy/case-stream';

const CASES = Number(process.argv[2] ?? 5_000);
const policy = createJurisdictionPolicy({ timeZone: 'Europe/Vienna' });
const SEALED = { sealed: randomBytes(180).toString('base64url') };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function history(caseId: string, org: string, seq: number): CaseEvent[] {
  const actor = { userId: randomUUID(), organisationId: org, role: 'caseworker' as const };
  const supervisor = { ...actor, userId: randomUUID(), role: 'supervisor' as const };
  const now = new Date();
  const commands: CaseCommand[] = [
    {
      type: 'OpenCase',
      actor,
      caseId,
      caseReference: `ORG-2026-${String(seq).padStart(5, '0')}`,
      referralSource: 'Hotline',
      profile: { sexGender: 'Feminine', ageUncertain: false, citizenships: ['UA'], languages: ['uk'] },
      personal: { fullName: 'x', birthDate: seq % 7 === 0 ? '2012-01-01' : '1990-01-01' },
    },
    {
      type: 'RecordVictimStatus',
      actor,
      status: 'PossibleVictimOfTrafficking',
      decidingBody: 'NGO',
      decidedOn: '2026-11-01',
      formsOfExploitation: ['ForcedLabour'],
      sectors: [],
      countriesOfRecruitment: [],
      countriesOfTransit: [],
      countriesOfExploitation: [],
      meansOfControl: [],
      personal: { text: 'x' },
    },
    { type: 'GrantReflectionPeriod', actor, startsOn: '2026-11-15', days: 30 + (seq % 40) },
    { type: 'AssignCaseworker', actor: supervisor, caseworkerId: randomUUID() },
    { type: 'GiveConsent', actor, purpose: 'assistance', obtainedInLanguage: 'uk', interpreterUsed: false },
    { type: 'AddNote', actor, noteId: randomUUID(), personal: { text: 'x' } },
    { type: 'AddNote', actor, noteId: randomUUID(), personal: { text: 'y' } },
    { type: 'RequestClosure', actor, reason: 'assistance_completed', personal: {} },
  ];
  let state: CaseState = initialState;
  const events: CaseEvent[] = [];
  for (const c of commands) {
    const d = decide(c, state, now, policy);
    if (!d.ok) throw new Error(d.error.rule);
    for (const e of d.events) {
      state = evolve(state, e);
      events.push(personalDataOf(e) === undefined ? e : withPersonalData(e, SEALED));
    }
  }
  return events;
}

async function rebuild(ds: DataSource, store: PostgresEventStore, projection: ProjectionDefinition) {
  await ds.transaction((em) => projection.clear(em));
  const started = performance.now();
  let position: GlobalPosition = START;
  let events = 0;
  for (;;) {
    const batch = await store.readAll({ from: position, batchSize: projection.batchSize ?? 500, types: projection.eventTypes });
    if (batch.events.length > 0) await ds.transaction((em) => projection.apply(batch.events, em));
    events += batch.events.length;
    position = batch.next;
    if (batch.isEnd) break;
  }
  const seconds = (performance.now() - started) / 1000;
  return { events, seconds: Number(seconds.toFixed(2)), eventsPerSecond: Math.round(events / seconds) };
}

async function main() {
  const server = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!server) throw new Error('set DATABASE_URL to a PostgreSQL server (a database of its own is created)');
  const name = `remedy_bench_read_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const store = new PostgresEventStore({ connectionString: url.toString(), poolSize: 8 });
  const ds = new DataSource({
    type: 'postgres',
    url: url.toString(),
    entities: projectionEntities([casesProjection, timelineProjection]) as EntitySchema[],
    extra: { max: 8 },
  });
  try {
    await runMigrations(url.toString());
    await ds.initialize();
    const org = randomUUID();
    const appendStarted = performance.now();
    let total = 0;
    for (let i = 0; i < CASES; i += 16) {
      await Promise.all(
        Array.from({ length: Math.min(16, CASES - i) }, async (_, k) => {
          const caseId = randomUUID();
          const events = history(caseId, k % 4 === 0 ? randomUUID() : org, i + k + 1);
          total += events.length;
          const batch: NewEvent[] = events.map((e) => ({
            id: randomUUID(),
            type: e.type,
            schemaVersion: e.schemaVersion,
            data: e.data,
            metadata: { correlationId: randomUUID(), userId: e.data.actorId, organisationId: e.data.organisationId },
            occurredAt: new Date(e.data.occurredAt),
          }));
          await store.append(caseStreamId(caseId), batch, 'no_stream');
        }),
      );
    }
    console.log(`appended ${total} events of ${CASES} cases in ${((performance.now() - appendStarted) / 1000).toFixed(1)} s`);

    for (const p of [casesProjection, timelineProjection]) {
      console.log(`rebuild ${p.name}:`, await rebuild(ds, store, p));
    }

    await ds.query('ANALYZE case_list'); // as autovacuum would after a bulk load
    const queries = new CaseQueries(ds, { decryptJsonForCase: async () => ({}) as never }, store, 'Europe/Vienna');
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM case_list WHERE organisation_id = $1`, [org]);
    for (const sort of ['last_activity', 'reference', 'next_deadline'] as const) {
      const first: number[] = [];
      const deep: number[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 200; i++) {
        const t0 = performance.now();
        const page = await queries.listCases(org, { sort, limit: 50, ...(cursor ? { cursor } : {}) });
        (cursor ? deep : first).push(performance.now() - t0);
        cursor = i % 20 === 19 ? undefined : (page.nextCursor ?? undefined);
      }
      first.sort((a, b) => a - b);
      deep.sort((a, b) => a - b);
      console.log(
        `GET /cases sort=${sort} (${n} cases in the organisation, limit 50): first page p50 ${percentile(first, 50).toFixed(2)} ms p99 ${percentile(first, 99).toFixed(2)} ms; ` +
          `cursor pages p50 ${percentile(deep, 50).toFixed(2)} ms p99 ${percentile(deep, 99).toFixed(2)} ms`,
      );
    }
    if (process.env.BENCH_EXPLAIN) {
      const plan = await ds.query(
        `EXPLAIN ANALYZE SELECT case_id FROM case_list WHERE organisation_id = $1 ORDER BY last_activity DESC, case_id DESC LIMIT 51`,
        [org],
      );
      console.log(plan.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n'));
    }
    const filtered: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t0 = performance.now();
      await queries.listCases(org, { child: true, status: 'closure_requested', limit: 50 });
      filtered.push(performance.now() - t0);
    }
    filtered.sort((a, b) => a - b);
    console.log(`GET /cases?child=true&status=closure_requested: p50 ${percentile(filtered, 50).toFixed(2)} ms p99 ${percentile(filtered, 99).toFixed(2)} ms`);

    const kit = createQueueKit(
      process.env.REDIS_URL ? { kind: 'redis', url: process.env.REDIS_URL } : { kind: 'postgres', url: url.toString() },
      { prefix: `bench${randomBytes(3).toString('hex')}` },
    );
    const queue = kit.queue<ReminderJobData>(REMINDERS_QUEUE);
    try {
      const reconciler = new ReminderReconciler(ds, queue, reminderSettings({ timeZone: 'Europe/Vienna' }));
      let t0 = performance.now();
      const full = await reconciler.reconcile('full');
      console.log(`reminders (${kit.backend}): full reconcile into an empty queue`, full, `${(performance.now() - t0).toFixed(0)} ms`);
      t0 = performance.now();
      const again = await reconciler.reconcile('full');
      console.log(`reminders (${kit.backend}): full reconcile, nothing to do`, again, `${(performance.now() - t0).toFixed(0)} ms`);
      t0 = performance.now();
      const inc = await reconciler.reconcile('incremental');
      console.log(`reminders (${kit.backend}): incremental reconcile, nothing to do`, inc, `${(performance.now() - t0).toFixed(0)} ms`);
      await queue.obliterate({ force: true });
    } finally {
      await kit.close();
    }
  } finally {
    await ds.destroy().catch(() => undefined);
    await store.close();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

// Dropping the database WITH (FORCE) ends idle pooled connections; their errors are expected.
process.on('uncaughtException', (e: Error & { code?: string }) => {
  if (e.code !== '57P01') throw e;
});

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
