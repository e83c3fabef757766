import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { formatCaseReference } from '@remedy/case-domain';
import { COMMANDS_POOL } from '../tokens';

/**
 * Case references `ORG-2026-00042`: the organisation's short code, the year, and a sequence per
 * organisation and year, allocated by one atomic upsert on a counter row (the row lock serialises
 * concurrent allocations; no two cases get the same number). Never derived from personal data.
 * A number allocated for a command the domain then refuses is not reused (references may have gaps).
 */
@Injectable()
export class CaseReferenceAllocator {
  constructor(@Inject(COMMANDS_POOL) private readonly pool: Pool) {}

  async allocate(organisationId: string, orgCode: string, year: number): Promise<string> {
    const { rows } = await this.pool.query<{ last_sequence: number }>(
      `INSERT INTO case_reference_counters (organisation_id, year, last_sequence) VALUES ($1, $2, 1)
       ON CONFLICT (organisation_id, year)
       DO UPDATE SET last_sequence = case_reference_counters.last_sequence + 1
       RETURNING last_sequence`,
      [organisationId, year],
    );
    return formatCaseReference(orgCode, year, rows[0]!.last_sequence);
  }
}
