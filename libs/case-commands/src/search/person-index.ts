import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { isErased, type PersonIdentifiers, type Personal } from '@remedy/case-domain';
import type { BlindIndexer } from '@remedy/crypto';
import { withOrganisationScope } from '@remedy/database';
import { BLIND_INDEXER, COMMANDS_POOL } from '../tokens';

export interface PersonMatch {
  readonly caseId: string;
  readonly caseReference: string;
}

/**
 * Find a person: a keyed blind index (HMAC, scoped per organisation) of a normalised name and a
 * birth date → case id, in `person_blind_index`. No name or birth date is stored.
 *
 * Written by the command handlers right after the append (OpenCase; re-keyed on transfer), not by a
 * projection: the handler holds the clear values already, so no other process needs the data keys
 * to decrypt, and the person is findable as soon as the command answers. The cost: a crash between
 * the append and this insert leaves a case unindexed (it is still reachable by id and reference).
 * Erasure deletes the case's rows (`forgetCase`).
 */
@Injectable()
export class PersonIndex {
  constructor(
    @Inject(COMMANDS_POOL) private readonly pool: Pool,
    @Inject(BLIND_INDEXER) private readonly indexer: BlindIndexer,
  ) {}

  /** Index values for a person's identifiers: full name and each alias, with the birth date. */
  indicesFor(organisationId: string, personal: Personal<PersonIdentifiers>): string[] {
    if (isErased(personal) || !personal.birthDate) return [];
    const names = [personal.fullName, ...(personal.aliases ?? [])].filter(
      (n): n is string => typeof n === 'string',
    );
    const indices = new Set<string>();
    for (const name of names) {
      try {
        indices.add(this.indexer.index({ organisationId, name, birthDate: personal.birthDate }));
      } catch {
        // a name empty after normalisation cannot be searched for: skip it
      }
    }
    return [...indices];
  }

  async indexCase(
    caseId: string,
    organisationId: string,
    caseReference: string,
    personal: Personal<PersonIdentifiers>,
  ): Promise<void> {
    const write = this.indexStatement(caseId, organisationId, caseReference, personal, '');
    if (write) await this.pool.query(write.text, write.values);
  }

  /**
   * The same rows as `indexCase`, as a write committed with the case's append (@remedy/event-store
   * `AlongsideWrite`: nothing is written unless the append wrote its events); undefined when the
   * person has nothing to index.
   */
  indexWithAppend(
    caseId: string,
    organisationId: string,
    caseReference: string,
    personal: Personal<PersonIdentifiers>,
  ): { text: string; values: unknown[] } | undefined {
    return this.indexStatement(
      caseId,
      organisationId,
      caseReference,
      personal,
      'WHERE EXISTS (SELECT 1 FROM appended)',
    );
  }

  private indexStatement(
    caseId: string,
    organisationId: string,
    caseReference: string,
    personal: Personal<PersonIdentifiers>,
    where: string,
  ): { text: string; values: unknown[] } | undefined {
    const indices = this.indicesFor(organisationId, personal);
    if (indices.length === 0) return undefined;
    return {
      text: `INSERT INTO person_blind_index (organisation_id, blind_index, case_id, case_reference)
       SELECT $1::uuid, unnest($2::text[]), $3::uuid, $4::text ${where} ON CONFLICT DO NOTHING`,
      values: [organisationId, indices, caseId, caseReference],
    };
  }

  /** After a transfer: the receiving organisation's own indices replace the sender's. */
  async reindexCase(
    caseId: string,
    organisationId: string,
    caseReference: string,
    personal: Personal<PersonIdentifiers>,
  ): Promise<void> {
    await this.forgetCase(caseId);
    await this.indexCase(caseId, organisationId, caseReference, personal);
  }

  async forgetCase(caseId: string): Promise<void> {
    await this.pool.query('DELETE FROM person_blind_index WHERE case_id = $1', [caseId]);
  }

  /** Cases of this organisation whose person has this name (or alias) and birth date. */
  async search(
    organisationId: string,
    fullName: string,
    birthDate: string,
  ): Promise<PersonMatch[]> {
    const index = this.indexer.index({ organisationId, name: fullName, birthDate });
    // As the application role with the organisation set: row-level security shows its rows only.
    const rows = await withOrganisationScope(this.pool, organisationId, (db) =>
      db.query<{ case_id: string; case_reference: string }>(
        `SELECT DISTINCT case_id, case_reference FROM person_blind_index
          WHERE organisation_id = $1 AND blind_index = $2 ORDER BY case_reference, case_id LIMIT 100`,
        [organisationId, index],
      ),
    );
    return rows.map((r) => ({ caseId: r.case_id, caseReference: r.case_reference }));
  }
}
