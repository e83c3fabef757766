/**
 * Helpers of the event store benchmarks: the ~500-byte event they write. Databases, percentiles
 * and the results writer are shared by every benchmark (bench/lib).
 */
import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@remedy/event-store';

export { createBenchDatabase, type BenchDatabase } from '../lib/database';
export { percentile, runFor } from '../lib/results';

/** A ~500-byte event (data ≈ 400 bytes of JSON, metadata ≈ 150 bytes). */
export function benchEvent(extra: Record<string, unknown> = {}): NewEvent {
  return {
    id: randomUUID(),
    type: 'BenchEventRecorded',
    schemaVersion: 1,
    data: {
      caseId: randomUUID(),
      status: 'presumed',
      decidedBy: 'ngo',
      forms: ['labour', 'sexual'],
      sectors: ['agriculture', 'construction', 'domestic_work'],
      countries: { recruitment: ['NG', 'RO'], transit: ['LY', 'IT'], exploitation: ['DE'] },
      means: ['debt_bondage', 'document_retention', 'threats'],
      amount: { minor: 125000, currency: 'EUR' },
      notesRef: randomUUID(),
      padding: 'x'.repeat(60),
      ...extra,
    },
    metadata: { correlationId: randomUUID(), userId: randomUUID(), organisationId: randomUUID() },
    occurredAt: new Date(),
  };
}
