/**
 * Section 7 of `npm run bench`, history growth (issue 18 item 1): the cost of reading and
 * commanding a case must not grow with its history. On the real API (bench/api/system.ts), for a
 * case at 10, 1,000 and 10,000 events: `GET /cases/:id`, one more note (`POST /cases/:id/notes`),
 * the as-of view at an instant recorded halfway through the history, and the lawyer's list
 * (`GET /legal-aid/cases`, a legal-aid organisation whose caseload is that case), each measured
 * one request at a time (latency, not throughput), the sizes interleaved (one request per size in
 * turn, the order rotated each round); the ratio of the median at the largest size to the
 * smallest is the figure (goal ≤ 1.5), with the API's CPU per request at each size beside it
 * (its own accounting, /proc/<pid>/stat: what the shared machine's load moves least).
 *
 * The case is opened and legal-aid access granted over HTTP; its notes are appended through the
 * event store in batches of 500 (sealed with the case's own data key, as the API seals them: same
 * data directory, same database), so seeding 10,000 events takes seconds, not 10,000 requests.
 * Each route is called a few times before it is measured (warm-up: the first read past 50 events
 * writes the stream's snapshot, lazily, as in production).
 */
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { createJurisdictionPolicy, decide } from '@remedy/case-domain';
import { caseStreamId, readCase, sealEvent } from '@remedy/case-stream';
import { CaseCipher, LocalKeyManagementService } from '@remedy/crypto';
import { PostgresEventStore, type NewEvent } from '@remedy/event-store';
import { percentile, type BenchRow } from '../lib/results';
import { OPEN_BODY, processCpuMicros } from './commands';
import { registerOrganisation, type Caller, type SystemUnderTest } from './system';

export const HISTORY_SIZES = [10, 1_000, 10_000] as const;
const GOAL_RATIO = 1.5;
const BATCH = 500;

export interface HistoryGrowthOptions {
  readonly databaseUrl: string;
  /** Sequential requests measured per route and size. */
  readonly samples: number;
  readonly log: (line: string) => void;
}

interface SeededCase {
  readonly size: number;
  readonly caseId: string;
  readonly halfway: Date;
  readonly lawyer: Caller;
}

async function time(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** Appends `count` notes to the case through the store, in batches, sealed with the case's key. */
async function seedNotes(
  store: PostgresEventStore,
  cipher: CaseCipher,
  caseId: string,
  actor: Caller,
  count: number,
  onHalfway: () => Promise<void>,
): Promise<void> {
  const policy = createJurisdictionPolicy({ timeZone: 'Europe/Vienna' });
  const streamId = caseStreamId(caseId);
  const stream = await readCase(store, caseId);
  let revision = stream.revision!;
  // Notes change nothing a note's decision reads: the state as opened serves every one.
  const { state } = await stream.opened(cipher);
  const half = Math.floor(count / 2);
  for (let done = 0; done < count;) {
    const n = Math.min(BATCH, count - done, done < half ? half - done : BATCH);
    const events: NewEvent[] = [];
    for (let i = 0; i < n; i++) {
      const decision = decide(
        {
          type: 'AddNote',
          actor: { userId: actor.userId, organisationId: actor.organisationId, role: 'caseworker' },
          noteId: randomUUID(),
          personal: { text: `Bench note ${done + i}: called the person back about the hearing.` },
        },
        state,
        new Date(),
        policy,
      );
      if (!decision.ok) throw new Error(`AddNote refused: ${decision.error.message}`);
      for (const e of decision.events) {
        const sealed = await sealEvent(cipher, caseId, e);
        events.push({
          id: randomUUID(),
          type: sealed.type,
          schemaVersion: sealed.schemaVersion,
          data: sealed.data,
          metadata: {
            correlationId: randomUUID(),
            userId: actor.userId,
            organisationId: actor.organisationId,
          },
          occurredAt: new Date(sealed.data.occurredAt),
        });
      }
    }
    revision = (await store.append(streamId, events, revision)).nextRevision;
    done += n;
    if (done === half) await onHalfway();
  }
}

export async function historyGrowthBench(
  sut: SystemUnderTest,
  caseworker: Caller,
  options: HistoryGrowthOptions,
): Promise<BenchRow[]> {
  const { log } = options;
  const pool = new Pool({ connectionString: options.databaseUrl, max: 2 });
  const store = new PostgresEventStore({ connectionString: options.databaseUrl, poolSize: 2 });
  const cipher = new CaseCipher({
    pool,
    kms: await LocalKeyManagementService.load({ dataDir: sut.dataDir }),
  });
  const seeded: SeededCase[] = [];
  try {
    for (const size of HISTORY_SIZES) {
      const started = performance.now();
      const { body: opened } = await sut.call<{ caseId: string }>(
        caseworker,
        'POST',
        '/cases',
        OPEN_BODY,
        201,
      );
      const caseId = opened.caseId;
      // A legal-aid organisation of the directory (access is granted to known organisations only).
      const code = `LAW${'ABC'[seeded.length]}`;
      const { organisationId } = await registerOrganisation(sut, code);
      const lawyer = await sut.mint(['legal_aid'], organisationId);
      await sut.call(caseworker, 'POST', `/cases/${caseId}/consents`, {
        purpose: 'legal_aid_access',
        receivingOrganisationId: lawyer.organisationId,
        obtainedInLanguage: 'uk',
        interpreterUsed: false,
      });
      await sut.call(caseworker, 'POST', `/cases/${caseId}/legal-aid-access`, {
        legalAidOrganisationId: lawyer.organisationId,
      });
      const before = Number((await readCase(store, caseId)).revision!) + 1;
      let halfway = new Date();
      await seedNotes(store, cipher, caseId, caseworker, Math.max(0, size - before), async () => {
        await new Promise((r) => setTimeout(r, 5));
        halfway = new Date();
        await new Promise((r) => setTimeout(r, 5));
      });
      if (size - before <= 1) halfway = new Date();
      const events = Number((await readCase(store, caseId)).revision!) + 1;
      log(
        `7 history growth: case at ${events.toLocaleString('en')} events seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      seeded.push({ size, caseId, halfway, lawyer });
    }
    // The legal-aid list needs the projection to hold each case (the worker catches up).
    for (const c of seeded) {
      for (let i = 0; ; i++) {
        const { body } = await sut.call<{ items: { caseId: string }[] }>(
          c.lawyer,
          'GET',
          '/legal-aid/cases',
        );
        if (body.items.some((x) => x.caseId === c.caseId)) break;
        if (i > 600) throw new Error('the legal-aid projection did not list the case in 60 s');
        await new Promise((r) => setTimeout(r, 100));
      }
    }

    const routes: { name: string; call: (c: SeededCase) => Promise<unknown> }[] = [
      { name: 'GET /cases/:id', call: (c) => sut.call(caseworker, 'GET', `/cases/${c.caseId}`) },
      {
        name: 'POST /cases/:id/notes',
        call: (c) =>
          sut.call(caseworker, 'POST', `/cases/${c.caseId}/notes`, {
            personal: { text: 'One more note.' },
          }),
      },
      {
        name: 'GET /cases/:id/as-of (halfway)',
        call: (c) =>
          sut.call(
            caseworker,
            'GET',
            `/cases/${c.caseId}/as-of?recordedAt=${encodeURIComponent(c.halfway.toISOString())}`,
          ),
      },
      {
        name: "GET /legal-aid/cases (the lawyer's list)",
        call: (c) => sut.call(c.lawyer, 'GET', '/legal-aid/cases'),
      },
    ];
    const rows: BenchRow[] = [];
    for (const route of routes) {
      const samples = new Map<number, number[]>(seeded.map((c) => [c.size, []]));
      const cpu = new Map<number, number>(seeded.map((c) => [c.size, 0]));
      for (const c of seeded) for (let i = 0; i < 5; i++) await route.call(c); // warm-up (writes the snapshot lazily)
      // Interleaved: one request per size in turn, the order rotated every round, so a change of
      // the shared machine's load meets every size alike (sequential blocks per size measured
      // the load's drift: 1.24 and 1.60 in two runs of the same code).
      for (let i = 0; i < options.samples; i++) {
        for (let k = 0; k < seeded.length; k++) {
          const c = seeded[(i + k) % seeded.length]!;
          const before = processCpuMicros(sut.api.pid);
          samples.get(c.size)!.push(await time(() => route.call(c)));
          cpu.set(c.size, cpu.get(c.size)! + processCpuMicros(sut.api.pid) - before);
        }
      }
      const medians = new Map<number, number>();
      for (const c of seeded) {
        const xs = samples.get(c.size)!.sort((a, b) => a - b);
        medians.set(c.size, percentile(xs, 50));
        log(
          `7 history growth: ${route.name} at ${c.size.toLocaleString('en')} events: median ${percentile(xs, 50).toFixed(1)} ms, p90 ${percentile(xs, 90).toFixed(1)} ms, API CPU ${(cpu.get(c.size)! / options.samples).toFixed(0)} µs/request`,
        );
      }
      const smallest = medians.get(HISTORY_SIZES[0])!;
      const largest = medians.get(HISTORY_SIZES[HISTORY_SIZES.length - 1])!;
      const ratio = largest / smallest;
      const cpuOf = (size: number) => cpu.get(size)! / options.samples;
      rows.push({
        section: '7 history growth',
        measure: `${route.name}, median at 10,000 events`,
        value: Number(largest.toFixed(2)),
        unit: 'ms',
        reference: 'the same at 10 events',
        referenceValue: Number(smallest.toFixed(2)),
        ratio: Number(ratio.toFixed(2)),
        goal: `≤ ${GOAL_RATIO}`,
        met: ratio <= GOAL_RATIO,
        note: `medians ${HISTORY_SIZES.map((s) => `${s.toLocaleString('en')}: ${medians.get(s)!.toFixed(1)} ms`).join(', ')}; API CPU per request ${HISTORY_SIZES.map((s) => `${cpuOf(s).toFixed(0)} µs`).join(', ')} (/proc/<pid>/stat); ${options.samples} requests per size, sizes interleaved`,
      });
    }
    return rows;
  } finally {
    await cipher.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
  }
}
