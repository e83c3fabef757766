import type { EntityManager } from 'typeorm';
import { CASE_EVENT_TYPES } from '@remedy/case-domain';
import { caseEventOf } from '@remedy/case-stream';
import { referenceRatesFromEnvironment } from '@remedy/config';
import type { RecordedEvent } from '@remedy/event-store';
import { copyObjects, copyUpsert, defineProjection } from '@remedy/projections';
import { CaseFactEntity, CaseStateEntity } from './entities';
import {
  factRows,
  foldStatistics,
  initialStatState,
  type CaseStatState,
  type FactRow,
} from './facts';
import { clustersOf, lockPersonsShared, personKeyOf } from './persons';
import { pseudonymKey, pseudonymizer } from './pseudonym';

export const STATISTICS_FACTS_PROJECTION = 'statistics.facts';

/** The jurisdiction's time zone, as @remedy/config reads it (years of instants are taken there). */
export const statisticsTimeZone = (): string =>
  process.env.REMEDY_JURISDICTION_TIMEZONE?.trim() || 'UTC';

const FACT_COLUMNS: readonly (readonly [keyof FactRow | 'row_key', string])[] = [
  ['row_key', 'text'],
  ['year', 'smallint'],
  ['identification_year', 'smallint'],
  ['sex_gender', 'text'],
  ['age_group', 'text'],
  ['citizenships', 'text[]'],
  ['status', 'text'],
  ['deciding_body', 'text'],
  ['identified_in_year', 'boolean'],
  ['forms', 'text[]'],
  ['sectors', 'text[]'],
  ['referral_source', 'text'],
  ['assistance_types', 'text[]'],
  ['assisted', 'boolean'],
  ['assisted_while_not_cooperating', 'boolean'],
  ['cooperation', 'text'],
  ['reflection_granted', 'boolean'],
  ['child_decisions', 'integer'],
  ['child_decisions_assessed', 'integer'],
  ['remedies', 'text[]'],
  ['claims', 'jsonb'],
  ['objects', 'boolean'],
  ['person_key', 'text'],
];

const STATE_COLUMNS = [
  ['row_key', 'text'],
  ['state', 'jsonb'],
  ['last_revision', 'bigint'],
] as const;

/**
 * The anonymous fact projection: per batch, one SELECT of the fold states of the batch's cases
 * (by pseudonym), the events folded in memory (skipping those at or below the stored revision:
 * idempotent), then one upsert of the states and a replacement of the changed cases' fact rows
 * (every year row of a case is recomputed, since a correction changes the case's facts in every
 * year). The case id is used in memory only, to compute the pseudonym and to look up the case's
 * linkage cluster, whose pseudonym is the rows' person key (see persons.ts: the batch holds the
 * persons lock shared, a clustering change reaches rows the projection does not rewrite through
 * the persons refresh).
 */
export const statisticsFactsProjection = defineProjection({
  name: STATISTICS_FACTS_PROJECTION,
  eventTypes: CASE_EVENT_TYPES,
  entities: [CaseStateEntity, CaseFactEntity],
  batchSize: 1000,
  async apply(events: readonly RecordedEvent[], em: EntityManager): Promise<void> {
    const p = pseudonymizer(await pseudonymKey());
    const ctx = { timeZone: statisticsTimeZone(), claimKey: p.claimKey };
    // LEGAL_AID_REFERENCE_RATES as @remedy/config validates it (claim amounts become bands).
    const rates = referenceRatesFromEnvironment();
    const keyOf = new Map<string, string>(); // one HMAC per case of the batch, not per event
    const caseOf = new Map<string, string>(); // and back, in memory only (the cluster look-up)
    const decoded = events.map((recorded) => {
      const event = caseEventOf(recorded);
      const caseId = event.data.caseId;
      let key = keyOf.get(caseId);
      if (key === undefined) {
        keyOf.set(caseId, (key = p.caseKey(caseId)));
        caseOf.set(key, caseId);
      }
      return { recorded, event, key };
    });
    const keys = [...new Set(decoded.map((d) => d.key))];
    const states = new Map<string, { state: CaseStatState; revision: bigint }>();
    const stored = (await em.query(
      `SELECT row_key, state, last_revision FROM statistics_case_state WHERE row_key = ANY($1::text[])`,
      [keys],
    )) as { row_key: string; state: CaseStatState; last_revision: string }[];
    for (const r of stored)
      states.set(r.row_key, { state: r.state, revision: BigInt(r.last_revision) });

    const changed = new Set<string>();
    const storedStates = new Map([...states].map(([k, v]) => [k, v.state]));
    for (const { recorded, event, key } of decoded) {
      const before = states.get(key);
      if (before && before.revision >= recorded.revision) continue; // already applied
      const state = foldStatistics(before?.state ?? initialStatState, event, ctx);
      states.set(key, { state, revision: recorded.revision });
      changed.add(key);
    }
    if (changed.size === 0) return;
    const changedKeys = [...changed];
    await copyUpsert(
      em,
      'statistics_case_state',
      'row_key',
      STATE_COLUMNS,
      changedKeys.map((k) => ({
        row_key: k,
        state: states.get(k)!.state,
        last_revision: states.get(k)!.revision.toString(),
      })),
    );
    // Only the cases whose fact rows changed are rewritten (most events, a note, a deadline,
    // change no fact): fewer dead rows, and the DELETE touches only what it replaces.
    const replaced: string[] = [];
    const rows: Record<string, unknown>[] = [];
    for (const k of changedKeys) {
      const after = factRows(states.get(k)!.state, rates);
      const was = storedStates.get(k);
      if (was !== undefined) {
        if (JSON.stringify(factRows(was, rates)) === JSON.stringify(after)) continue;
        replaced.push(k);
      }
      for (const row of after) rows.push({ row_key: k, ...row });
    }
    if (rows.length > 0) {
      await lockPersonsShared(em);
      const written = [...new Set(rows.map((r) => r.row_key as string))];
      const clusters = await clustersOf(
        em,
        written.map((k) => caseOf.get(k)!),
      );
      for (const row of rows) {
        const k = row.row_key as string;
        row.person_key = personKeyOf(p, k, clusters.get(caseOf.get(k)!.toLowerCase()));
      }
    }
    if (replaced.length > 0) {
      await em.query(`DELETE FROM statistics_case_facts WHERE row_key = ANY($1::text[])`, [
        replaced,
      ]);
    }
    // Straight in (the table has no row-level security, and the rows replaced are deleted): a live
    // batch's few rows by one prepared INSERT, a rebuild's by COPY (copyObjects).
    await copyObjects(em, 'statistics_case_facts', FACT_COLUMNS, rows);
  },
  async clear(em: EntityManager): Promise<void> {
    await em.query('DELETE FROM statistics_case_facts');
    await em.query('DELETE FROM statistics_case_state');
  },
});
