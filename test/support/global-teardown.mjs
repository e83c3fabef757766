import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export default async function globalTeardown() {
  const embedded = globalThis.__REMEDY_EMBEDDED_PG__;
  if (embedded) {
    await embedded.pg.stop().catch(() => {});
    rmSync(embedded.dir, { recursive: true, force: true });
  }
  contractSummary();
}

/**
 * What the contract check saw in this run: the answers validated, the operations of the document
 * they covered (all of them on a full run: `.ci/run` checks reports/contract-coverage.json), and
 * the violations (each already failed its test file; counted here once more so that none is lost).
 */
function contractSummary() {
  const folder = process.env.REMEDY_CONTRACT_RESULTS;
  const documentPath = process.env.REMEDY_CONTRACT_DOCUMENT;
  if (!folder || !documentPath) return;
  const records = readdirSync(folder)
    .filter((n) => n.endsWith('.jsonl'))
    .flatMap((n) => readFileSync(join(folder, n), 'utf8').split('\n'))
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
  rmSync(folder, { recursive: true, force: true });
  const document = JSON.parse(readFileSync(documentPath, 'utf8'));
  const operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(m))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );
  const covered = new Set(records.map((r) => r.operation));
  const violations = [
    ...new Set(
      records.flatMap((r) => r.violations.map((v) => `${r.operation} → ${r.status}: ${v}`)),
    ),
  ];
  const report = {
    answers: records.length,
    operations: operations.length,
    covered: operations.filter((o) => covered.has(o)).length,
    uncovered: operations.filter((o) => !covered.has(o)),
    statuses: [...new Set(records.map((r) => `${r.operation} → ${r.status}`))].length,
    violations,
  };
  mkdirSync('reports', { recursive: true });
  writeFileSync(join('reports', 'contract-coverage.json'), JSON.stringify(report, null, 2) + '\n');
  console.log(
    `\n[tests] contract: ${report.answers} answers checked against the OpenAPI document; ` +
      `${report.covered} of ${report.operations} operations covered; ${violations.length} violations` +
      ' (reports/contract-coverage.json)',
  );
}
