/**
 * Section 5 of `npm run bench`: the full statistics catalogue over 100,000 and 1,000,000 cases.
 *
 * On a fresh migrated database: fact rows seeded directly (bench/seed/statistics-facts.ts, one
 * per case in the release year, claims in legal_aid_claims), then a release of every table of
 * the catalogue (suppression, k = 10) built by `StatisticsReleases.build`, the release worker's
 * processor, called without the queue: it reads the year's facts and claim amounts, counts,
 * protects (threshold, secondary suppression, LP audit), signs and stores the release. The
 * second size grows the same data set (the first size's rows plus the rest). Figures: seconds of
 * the build at each size (with its phases: reading and counting the rows, protecting, signing
 * and storing) and the JS heap in use and the growth time(large) / time(small) against the size ratio (equal: linear).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import type { EventStore } from '@remedy/event-store';
import {
  checkRequest,
  requestKey,
  ReleaseSigner,
  StatisticsReleases,
  type ReleaseJobData,
} from '@remedy/statistics';
import { createBenchDatabase } from '../lib/database';
import type { BenchRow } from '../lib/results';
import { seedStatisticsFacts } from '../seed/statistics-facts';

export interface StatisticsBenchOptions {
  /** Case counts, ascending (the default: 100,000 and 1,000,000). */
  readonly sizes: readonly number[];
  readonly year?: number;
  readonly log: (line: string) => void;
}

interface BuildTiming {
  readonly cases: number;
  readonly seconds: number;
  readonly readSeconds: number;
  readonly computeSeconds: number;
  readonly storeSeconds: number;
  readonly peakHeapMiB: number;
  readonly heapAtStartMiB: number;
  readonly bodyBytes: number;
}

const S = '5 statistics';

/** One release of the whole catalogue through the release worker's processor (no queue). */
async function buildCatalogue(
  ds: DataSource,
  signer: ReleaseSigner,
  year: number,
  cases: number,
): Promise<BuildTiming> {
  const checked = checkRequest({ period: String(year), mode: 'suppression' });
  if (!checked.ok) throw new Error(checked.message);
  const request = checked.value;
  const releaseId = (
    (await ds.query(
      `INSERT INTO statistics_releases (release_id, request_key, status, request)
       VALUES (gen_random_uuid(), $1, 'queued', $2::jsonb) RETURNING release_id`,
      // A release per size: the request key is unique, so the size goes into it.
      [`${requestKey(request)}#bench-${cases}`, JSON.stringify(request)],
    )) as { release_id: string }[]
  )[0]!.release_id;
  // The processor uses neither the queue nor the event store (no asOfPosition: nothing to wait for).
  const releases = new StatisticsReleases(ds, {} as Queue<ReleaseJobData>, {} as EventStore);
  const marks = new Map<number, number>();
  // The JS heap in use during the build (RSS stays high after the seeding in the same process).
  const heapAtStart = process.memoryUsage().heapUsed;
  let peakHeap = heapAtStart;
  const sampler = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 20);
  const started = performance.now();
  const job: Pick<Job<ReleaseJobData>, 'data' | 'updateProgress'> = {
    data: { releaseId },
    updateProgress: (p) => {
      if (typeof p === 'number') marks.set(p, performance.now());
      return Promise.resolve();
    },
  };
  let status: string;
  try {
    status = await releases.build(job, signer);
  } finally {
    clearInterval(sampler);
  }
  const ended = performance.now();
  if (status !== 'built') {
    const [row] = (await ds.query(`SELECT error FROM statistics_releases WHERE release_id = $1`, [
      releaseId,
    ])) as { error: string | null }[];
    throw new Error(`release ${status}: ${row?.error ?? 'no error recorded'}`);
  }
  const [stored] = (await ds.query(
    `SELECT octet_length(body) AS bytes FROM statistics_releases WHERE release_id = $1`,
    [releaseId],
  )) as { bytes: number }[];
  const at = (p: number) => marks.get(p) ?? started;
  return {
    cases,
    seconds: (ended - started) / 1000,
    readSeconds: (at(25) - at(15)) / 1000,
    computeSeconds: (at(80) - at(25)) / 1000,
    storeSeconds: (ended - at(80)) / 1000,
    peakHeapMiB: peakHeap / 2 ** 20,
    heapAtStartMiB: heapAtStart / 2 ** 20,
    bodyBytes: Number(stored?.bytes ?? 0),
  };
}

export async function statisticsBench(options: StatisticsBenchOptions): Promise<BenchRow[]> {
  const { log } = options;
  const year = options.year ?? 2024;
  const sizes = [...options.sizes].sort((a, b) => a - b);
  const db = await createBenchDatabase('remedy_bench_statistics');
  const dataDir = mkdtempSync(join(tmpdir(), 'remedy-bench-statistics-'));
  const ds = new DataSource({ type: 'postgres', url: db.url, extra: { max: 2 } });
  const rows: BenchRow[] = [];
  try {
    await ds.initialize();
    const signer = await ReleaseSigner.load(dataDir);
    const timings: BuildTiming[] = [];
    let seeded = 0;
    for (const size of sizes) {
      const seed = await seedStatisticsFacts(db.url, size - seeded, { year, from: seeded, log });
      seeded = size;
      log(
        `seeded ${seed.cases.toLocaleString('en')} fact rows (${seed.claims.toLocaleString('en')} claims) in ${seed.seconds.toFixed(1)} s (${Math.round(seed.cases / seed.seconds).toLocaleString('en')} rows/s); building the catalogue over ${size.toLocaleString('en')} cases`,
      );
      rows.push({
        section: S,
        measure: `seeding fact rows directly, ${seed.cases.toLocaleString('en')} cases (+ ${seed.claims.toLocaleString('en')} claims)`,
        value: seed.cases / seed.seconds,
        unit: 'rows/s',
        note: `${seed.seconds.toFixed(1)} s`,
      });
      const t = await buildCatalogue(ds, signer, year, size);
      log(
        `catalogue over ${size.toLocaleString('en')} cases: ${t.seconds.toFixed(2)} s (read+count ${t.readSeconds.toFixed(2)}, protect ${t.computeSeconds.toFixed(2)}, sign+store ${t.storeSeconds.toFixed(2)}); peak JS heap ${t.peakHeapMiB.toFixed(0)} MiB (${t.heapAtStartMiB.toFixed(0)} at start)`,
      );
      timings.push(t);
      rows.push({
        section: S,
        measure: `full catalogue release (${size.toLocaleString('en')} cases, suppression k=10, every table)`,
        value: t.seconds,
        unit: 's',
        note: `read + count (cursor) ${t.readSeconds.toFixed(2)} s, protect + sums ${t.computeSeconds.toFixed(2)} s, sign + store ${t.storeSeconds.toFixed(2)} s; peak JS heap ${t.peakHeapMiB.toFixed(0)} MiB (${t.heapAtStartMiB.toFixed(0)} MiB at start); release ${Math.round(t.bodyBytes / 1024)} KiB`,
      });
    }
    const small = timings[0];
    const large = timings.at(-1);
    if (small && large && large !== small) {
      const sizeRatio = large.cases / small.cases;
      const growth = large.seconds / small.seconds;
      rows.push({
        section: S,
        measure: `growth of the release time, ${small.cases.toLocaleString('en')} → ${large.cases.toLocaleString('en')} cases`,
        value: growth,
        unit: '×',
        reference: 'growth of the case count (linear)',
        referenceValue: sizeRatio,
        ratio: growth / sizeRatio,
        goal: 'linear or better (≤ 100 %)',
        met: growth <= sizeRatio,
      });
    }
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}
