/**
 * What a case command costs end to end in process (Nest + Fastify inject, no TCP): validation,
 * the pipeline (load, decrypt, decide, encrypt, append) and the Idempotency-Key bookkeeping.
 *
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
 *     node --require ./test/support/swc-register.js libs/case-commands/bench/commands.ts
 *
 * Prints latency percentiles and throughput for: opening cases; notes on short streams (one at a
 * time, and 8 in flight on distinct cases); notes with an Idempotency-Key; notes on a long stream
 * (the pipeline reads and decrypts the whole stream: no snapshots); 8 writers on one case
 * (conflicts, one retry each, then 409).
 */
import { performance } from 'node:perf_hooks';
import { CaseCommandsModule, organisationDirectoryProjection } from '@remedy/case-commands';
import { createApiApp, type ApiApp, type TestUser } from '../../../test/support/api-app';

const openBody = {
  referralSource: 'Hotline',
  profile: { sexGender: 'Masculine', ageUncertain: false, citizenships: ['UA'], languages: ['uk'] },
  personal: { fullName: 'Bench Person', birthDate: '1990-04-02', contacts: ['+43 000'] },
};

function summary(name: string, samples: number[], wallMs: number): void {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(2);
  console.log(
    `${name.padEnd(44)} n=${String(samples.length).padStart(5)}  ${(samples.length / (wallMs / 1000)).toFixed(0).padStart(5)} ops/s  p50 ${at(0.5)} ms  p95 ${at(0.95)} ms  p99 ${at(0.99)} ms`,
  );
}

async function timed(
  api: ApiApp,
  user: TestUser,
  url: string,
  body: object,
  headers: Record<string, string> = {},
) {
  const t0 = performance.now();
  const res = await api.post(user, url, body, headers);
  return { ms: performance.now() - t0, status: res.statusCode, json: () => res.json() };
}

async function main(): Promise<void> {
  const api = await createApiApp({
    modules: [CaseCommandsModule],
    projections: [organisationDirectoryProjection],
  });
  try {
    const admin = await api.user(['admin']);
    const org = await api.post(admin, '/organisations', {
      name: 'Bench',
      type: 'NGO',
      services: [],
      country: 'AT',
      code: 'BENCH',
    });
    const cw = await api.user(['caseworker'], org.json().organisationId);

    // warm-up
    for (let i = 0; i < 30; i++) await timed(api, cw, '/cases', openBody);

    let t = performance.now();
    const opens: number[] = [];
    const caseIds: string[] = [];
    for (let i = 0; i < 300; i++) {
      const r = await timed(api, cw, '/cases', openBody);
      opens.push(r.ms);
      caseIds.push(r.json().caseId);
    }
    summary('open case (sequential)', opens, performance.now() - t);

    t = performance.now();
    const notes: number[] = [];
    for (let i = 0; i < 1000; i++) {
      notes.push(
        (
          await timed(api, cw, `/cases/${caseIds[i % caseIds.length]}/notes`, {
            personal: { text: `n${i}` },
          })
        ).ms,
      );
    }
    summary('add note, streams of 1-5 events (sequential)', notes, performance.now() - t);

    t = performance.now();
    const keyed: number[] = [];
    for (let i = 0; i < 500; i++) {
      const url = `/cases/${caseIds[i % caseIds.length]}/notes`;
      keyed.push(
        (
          await timed(
            api,
            cw,
            url,
            { personal: { text: `k${i}` } },
            { 'idempotency-key': `bench-${i}` },
          )
        ).ms,
      );
    }
    summary('add note with Idempotency-Key (sequential)', keyed, performance.now() - t);

    t = performance.now();
    const parallel: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < 2000) {
          const i = next++;
          parallel.push(
            (
              await timed(api, cw, `/cases/${caseIds[i % caseIds.length]}/notes`, {
                personal: { text: `p${i}` },
              })
            ).ms,
          );
        }
      }),
    );
    summary('add note, 8 in flight on distinct cases', parallel, performance.now() - t);

    const long = caseIds[0]!;
    for (let i = 0; i < 500; i++)
      await api.post(cw, `/cases/${long}/notes`, { personal: { text: `l${i}` } });
    t = performance.now();
    const longNotes: number[] = [];
    for (let i = 0; i < 100; i++)
      longNotes.push(
        (await timed(api, cw, `/cases/${long}/notes`, { personal: { text: `x${i}` } })).ms,
      );
    summary('add note on a stream of ~520 events', longNotes, performance.now() - t);

    const hot = caseIds[1]!;
    const statuses = new Map<number, number>();
    const contended: number[] = [];
    next = 0;
    t = performance.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < 400) {
          next++;
          const r = await timed(api, cw, `/cases/${hot}/notes`, { personal: { text: 'hot' } });
          contended.push(r.ms);
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        }
      }),
    );
    summary('add note, 8 writers on one case', contended, performance.now() - t);
    console.log(`  statuses on one case: ${JSON.stringify(Object.fromEntries(statuses))}`);
  } finally {
    await api.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
