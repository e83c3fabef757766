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
 * Creates and drops a database of its own (bench/lib/database.ts). Personal fields are sealed with
 * a fixed dummy ciphertext (bench/lib/read-side.ts): crypto is not measured.
 */
import { randomUUID } from 'node:crypto';
import { DataSource, EntitySchema } from 'typeorm';
import type { CaseCommand, CaseEvent } from '@remedy/case-domain';
import { PostgresEventStore } from '@remedy/event-store';
import { projectionEntities } from '@remedy/projections';
import { reminderSettings } from '@remedy/case-reminders';
import { CaseQueries, casesProjection, timelineProjection } from '@remedy/case-read-models';
import { createBenchDatabase, stopBenchServer } from '../../../bench/lib/database';
import { percentile } from '../../../bench/lib/results';
import {
  appendCases,
  BENCH_TIME_ZONE,
  decideHistory,
  latency,
  rebuild,
  timeReminderReconciliation,
} from '../../../bench/lib/read-side';

const CASES = Number(process.argv[2] ?? 5_000);

function history(caseId: string, org: string, seq: number): CaseEvent[] {
  const actor = { userId: randomUUID(), organisationId: org, role: 'caseworker' as const };
  const supervisor = { ...actor, userId: randomUUID(), role: 'supervisor' as const };
  const commands: CaseCommand[] = [
    {
      type: 'OpenCase',
      actor,
      caseId,
      caseReference: `ORG-2026-${String(seq).padStart(5, '0')}`,
      referralSource: 'Hotline',
      profile: {
        sexGender: 'Feminine',
        ageUncertain: false,
        citizenships: ['UA'],
        languages: ['uk'],
      },
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
    {
      type: 'GiveConsent',
      actor,
      purpose: 'assistance',
      obtainedInLanguage: 'uk',
      interpreterUsed: false,
    },
    { type: 'AddNote', actor, noteId: randomUUID(), personal: { text: 'x' } },
    { type: 'AddNote', actor, noteId: randomUUID(), personal: { text: 'y' } },
    { type: 'RequestClosure', actor, reason: 'assistance_completed', personal: {} },
  ];
  return decideHistory(commands);
}

async function main() {
  const db = await createBenchDatabase('remedy_bench_read');
  const store = new PostgresEventStore({ connectionString: db.url, poolSize: 8 });
  const ds = new DataSource({
    type: 'postgres',
    url: db.url,
    entities: projectionEntities([casesProjection, timelineProjection]) as EntitySchema[],
    extra: { max: 8 },
  });
  try {
    await ds.initialize();
    const org = randomUUID();
    const appendStarted = performance.now();
    const total = await appendCases(store, CASES, (caseId, seq) =>
      history(caseId, seq % 4 === 1 ? randomUUID() : org, seq),
    );
    console.log(
      `appended ${total} events of ${CASES} cases in ${((performance.now() - appendStarted) / 1000).toFixed(1)} s`,
    );

    for (const p of [casesProjection, timelineProjection]) {
      console.log(`rebuild ${p.name}:`, await rebuild(ds, store, p));
    }

    await ds.query('ANALYZE case_list'); // as autovacuum would after a bulk load
    const queries = new CaseQueries(
      ds,
      { decryptJsonForCase: async () => ({}) as never },
      store,
      BENCH_TIME_ZONE,
    );
    const [{ n }] = await ds.query(
      `SELECT count(*)::int AS n FROM case_list WHERE organisation_id = $1`,
      [org],
    );
    for (const sort of ['last_activity', 'reference', 'next_deadline'] as const) {
      const first: number[] = [];
      const deep: number[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 200; i++) {
        const t0 = performance.now();
        const page = await queries.listCases(org, {
          sort,
          limit: 50,
          ...(cursor ? { cursor } : {}),
        });
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
    console.log(
      `GET /cases?child=true&status=closure_requested: ${await latency(100, () =>
        queries.listCases(org, { child: true, status: 'closure_requested', limit: 50 }),
      )}`,
    );
    await timeReminderReconciliation(ds, db.url, reminderSettings({ timeZone: BENCH_TIME_ZONE }), [
      'full',
      'incremental',
    ]);
  } finally {
    await ds.destroy().catch(() => undefined);
    await store.close();
    await db.drop();
    await stopBenchServer();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
