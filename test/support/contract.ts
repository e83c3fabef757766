import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTRACT_RESULTS_ENV, type ContractRecord } from '@remedy/http';

/**
 * The answers the contract check recorded (libs/http/src/contract-check.ts): every process of the
 * run, the API's children included, appends to the results folder that the global set-up names.
 */
export function contractRecords(folder = process.env[CONTRACT_RESULTS_ENV]): ContractRecord[] {
  if (!folder) return [];
  const records: ContractRecord[] = [];
  for (const name of readdirSync(folder).filter((n) => n.endsWith('.jsonl')))
    for (const line of readFileSync(join(folder, name), 'utf8').split('\n'))
      if (line.trim() !== '') records.push(JSON.parse(line) as ContractRecord);
  return records;
}

/** The violations among them, one line each. */
export function describeViolations(records: readonly ContractRecord[]): string[] {
  return records.flatMap((r) => r.violations.map((v) => `${r.operation} → ${r.status}: ${v}`));
}
