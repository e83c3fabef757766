import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { formatCaseReference } from '@remedy/case-domain';
import { COMMANDS_POOL } from '../tokens';

/**
 * Case references `ORG-2026-00042`: the organisation's short code, the year, and a sequence per
 * organisation and year, allocated by one atomic upsert on a counter row (the row lock serialises
 * concurrent allocations; no two cases get the same number). Never derived from personal data.
 * A number allocated for a command the domain then refuses is not reused (references may have gaps).
 *
 * Issue 18: every opening of an organisation's year passes through this row's lock, held until
 * the upsert commits, so its commit does not wait for the WAL flush (`synchronous_commit` off for
 * its one transaction). No reference that reached a case can be handed out again after a crash of
 * the server: the case's append commits after the upsert and waits for the flush of all WAL
 * written before its commit record, the upsert's included; only numbers of commands that never
 * appended can be lost, and those were never used. The statement is named (parsed and planned
 * once per pooled connection).
 */
@Injectable()
export class CaseReferenceAllocator {
  constructor(@Inject(COMMANDS_POOL) private readonly pool: Pool) {}

  async allocate(organisationId: string, orgCode: string, year: number): Promise<string> {
    const { rows } = await this.pool.query<{ last_sequence: number }>({
      name: 'remedy_case_reference_next',
      text: `INSERT INTO case_reference_counters (organisation_id, year, last_sequence)
       SELECT $1, $2, 1 FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit
       ON CONFLICT (organisation_id, year)
       DO UPDATE SET last_sequence = case_reference_counters.last_sequence + 1
       RETURNING last_sequence`,
      values: [organisationId, year],
    });
    return formatCaseReference(orgCode, year, rows[0]!.last_sequence);
  }
}
