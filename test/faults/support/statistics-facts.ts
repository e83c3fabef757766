/**
 * The statistics fault tests' facts (release-kill, report-kill): rows of `statistics_case_facts`
 * written directly (the projection's output) with the projection's checkpoint at the store's head,
 * so a build does not wait for the projection.
 */
import type { DataSource } from 'typeorm';
import type { PostgresEventStore } from '@remedy/event-store';
import { STATISTICS_FACTS_PROJECTION } from '@remedy/statistics';

/** A small, varied population of one year's anonymous facts (what the projection writes). */
export async function seedFacts(
  ds: DataSource,
  store: PostgresEventStore,
  year: number,
  cases: number,
): Promise<void> {
  const pick = <T>(values: readonly T[], i: number, step = 1): T =>
    values[(i * step) % values.length]!;
  for (let i = 0; i < cases; i++) {
    const assisted = i % 5 !== 0;
    await ds.query(
      `INSERT INTO statistics_case_facts (row_key, year, identification_year, sex_gender, age_group,
         citizenships, status, deciding_body, identified_in_year, forms, sectors, referral_source,
         assistance_types, assisted, assisted_while_not_cooperating, cooperation, reflection_granted,
         child_decisions, child_decisions_assessed, remedies, claims, objects)
       VALUES ($1, $2, $2, $3, $4, $5, $6, $7, true, $8, $9, $10, $11, $12, $13, $14, $15, 0, 0, '{}', '[]'::jsonb, $16)`,
      [
        `fault-${i}`,
        year,
        pick(['Feminine', 'Masculine'], i),
        pick(['18-24', '25-34', '35-44', '12-17'], i, 3),
        [pick(['UA', 'UA', 'RO', 'NG', 'VN'], i, 7)],
        pick(['ActualVictimOfTrafficking', 'PossibleVictimOfTrafficking'], i, 5),
        pick(['NGO', 'Police'], i, 3),
        ['ForcedLabour'],
        ['F_Construction'],
        pick(['Hotline', 'NGO'], i),
        assisted ? ['Accommodation', ...(i % 3 ? ['Psychological'] : [])] : [],
        assisted,
        assisted && i % 4 !== 0,
        pick(['not_recorded', 'declined', 'cooperating'], i, 11),
        i % 2 === 0,
        i % 17 === 0,
      ],
    );
  }
  // The projection has applied everything the store holds: builds need not wait for it.
  const head = await store.headPosition();
  await ds.query(
    `INSERT INTO projection_checkpoints (projection, position_commit, position_prepare)
     VALUES ($1, $2, $3)`,
    [STATISTICS_FACTS_PROJECTION, head.commit.toString(), head.prepare.toString()],
  );
}
