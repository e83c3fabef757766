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
import type { CaseCommand, CaseEvent } from '@remedy/case-domain';
import { reminderSettings } from '@remedy/case-reminders';
import { CaseQueries, casesProjection, timelineProjection } from '@remedy/case-read-models';
import { percentile } from '../../../bench/lib/results';
import {
  appendCases,
  benchVictimStatus,
  BENCH_TIME_ZONE,
  decideHistory,
  latency,
  openBenchCase,
  rebuild,
  runReadSideBench,
  timeReminderReconciliation,
} from '../../../bench/lib/read-side';

const CASES = Number(process.argv[2] ?? 5_000);

function history(caseId: string, org: string, seq: number): CaseEvent[] {
  const actor = { userId: randomUUID(), organisationId: org, role: 'caseworker' as const };
  const supervisor = { ...actor, userId: randomUUID(), role: 'supervisor' as const };
  const commands: CaseCommand[] = [
    openBenchCase(actor, caseId, seq, {
      sexGender: 'Feminine',
      birthDate: seq % 7 === 0 ? '2012-01-01' : '1990-01-01',
    }),
    benchVictimStatus(actor, 'PossibleVictimOfTrafficking', '2026-11-01'),
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

runReadSideBench(
  {
    database: 'remedy_bench_read',
    projections: [casesProjection, timelineProjection],
    poolSize: 8,
  },
  async ({ url, store, ds }) => {
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
    await timeReminderReconciliation(ds, url, reminderSettings({ timeZone: BENCH_TIME_ZONE }), [
      'full',
      'incremental',
    ]);
  },
);
