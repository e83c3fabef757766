/**
 * Figures of the audit trail on PostgreSQL:
 *  - the cost every audited request pays: one committed INSERT (`AuditTrail.record`), p50/p99
 *    sequentially and throughput with 16 concurrent writers;
 *  - a case's access history (`caseHistory`, newest 100) among many rows;
 *  - the export (`export`, keyset batches of 1 000) in rows/s.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
 *   node --require ./test/support/swc-register.js libs/audit/bench/audit.bench.ts [rows]
 *
 * Creates and drops a database of its own.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { runMigrations } from '@remedy/database';
import { AuditTrail, type AuditEntry } from '../src';

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main(): Promise<void> {
  const server = process.env.DATABASE_URL;
  if (!server) throw new Error('DATABASE_URL is required');
  const rows = Number(process.argv[2] ?? 200_000);
  const name = `remedy_audit_bench_${process.pid}`;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const ds = new DataSource({ type: 'postgres', url: url.toString(), extra: { max: 16 } });
  try {
    await runMigrations(url.toString());
    await ds.initialize();
    const trail = new AuditTrail(ds);
    const caseId = randomUUID();
    const entry = (i: number): AuditEntry => ({
      requestId: `req-${i}`,
      userId: randomUUID(),
      organisationId: randomUUID(),
      roles: ['caseworker'],
      method: 'GET',
      route: '/cases/:caseId',
      caseId: i % 1000 === 0 ? caseId : randomUUID(),
      caseIds: [],
      status: 200,
      outcome: 'allowed',
      rule: null,
    });
    for (let i = 0; i < 200; i++) await trail.record(entry(i)); // warm-up

    const n = 2_000;
    const latencies: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await trail.record(entry(i));
      latencies.push(performance.now() - t);
    }
    latencies.sort((a, b) => a - b);
    console.log(
      `record (sequential, ${n}): p50 ${percentile(latencies, 50).toFixed(3)} ms, p99 ${percentile(latencies, 99).toFixed(3)} ms`,
    );

    const concurrent = 16;
    const perWriter = 500;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrent }, async (_, w) => {
        for (let i = 0; i < perWriter; i++) await trail.record(entry(w * perWriter + i));
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `record (${concurrent} writers): ${Math.round((concurrent * perWriter) / seconds)} rows/s`,
    );

    // Many rows of other cases (one in a thousand names the measured case), as a busy trail.
    await ds.query(
      `INSERT INTO audit_trail (request_id, user_id, organisation_id, roles, method, route, case_id, status, outcome)
       SELECT 'req-' || g, gen_random_uuid(), gen_random_uuid(), '{caseworker}', 'GET', '/cases/:caseId',
              CASE WHEN g % 1000 = 0 THEN $1::uuid ELSE gen_random_uuid() END, 200, 'allowed'
         FROM generate_series(1, $2::int) g`,
      [caseId, rows],
    );
    await ds.query('ANALYZE audit_trail');
    const total = Number((await ds.query('SELECT count(*)::int AS n FROM audit_trail'))[0].n);
    if (process.env.AUDIT_BENCH_EXPLAIN) {
      const plan = (await ds.query(
        `EXPLAIN ANALYZE SELECT audit_id FROM audit_trail WHERE case_ids @> ARRAY[$1]::uuid[] AND audit_id < 9223372036854775807 ORDER BY audit_id + 0 DESC LIMIT 101`,
        [caseId],
      )) as { 'QUERY PLAN': string }[];
      console.log(plan.map((r) => r['QUERY PLAN']).join('\n'));
    }
    const history: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      await trail.caseHistory(caseId, { limit: 100 });
      history.push(performance.now() - t);
    }
    history.sort((a, b) => a - b);
    console.log(
      `caseHistory (newest 100 of ${total} rows): p50 ${percentile(history, 50).toFixed(3)} ms, p99 ${percentile(history, 99).toFixed(3)} ms`,
    );

    const exportStarted = performance.now();
    let exported = 0;
    for await (const _ of trail.export(new Date(0), new Date(Date.now() + 60_000))) exported++;
    const exportSeconds = (performance.now() - exportStarted) / 1000;
    console.log(
      `export: ${exported} rows in ${exportSeconds.toFixed(2)} s (${Math.round(exported / exportSeconds)} rows/s)`,
    );
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
