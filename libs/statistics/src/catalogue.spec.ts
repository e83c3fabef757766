import {
  AGE_GROUPS,
  AMOUNT_BANDS,
  CLAIM_PAYMENT_VALUES,
  NOT_RECORDED,
  type FactRow,
} from './facts';
import {
  CATALOGUE,
  CLAIM_OUTCOME_VALUES,
  COMPENSATION_SUMS,
  COOPERATION_VALUES,
  compensationAmounts,
  type CatalogueTable,
} from './catalogue';

/**
 * The catalogue's declared populations: tables of one population share their margins (the
 * disclosure audit and any consumer treat a shared margin as one quantity), so for every fact row
 * they must count the same units on their common dimensions; and the compensation sums, which
 * count claims with an award, must not claim the population of the claims filed.
 */
const pick = <T>(values: readonly T[], i: number): T => values[i % values.length]!;

/** Fact rows over the code lists and the values a fold may leave (not_recorded, pending, …). */
function rows(): FactRow[] {
  const out: FactRow[] = [];
  const statuses = ['PossibleVictimOfTrafficking', 'ActualVictimOfTrafficking', 'not_identified'];
  const bodies = ['NGO', 'CourtOrProsecution', NOT_RECORDED];
  for (let i = 0; i < 400; i++)
    out.push({
      year: 2026,
      identification_year: i % 5 === 0 ? null : 2026,
      sex_gender: pick(['Feminine', 'Masculine', NOT_RECORDED, 'not-a-code'], i),
      age_group: pick(AGE_GROUPS, i * 7),
      citizenships: pick([['UA'], ['UA', 'MD'], [], ['XX']], i),
      status: pick(statuses, i * 3),
      deciding_body: pick(bodies, i * 11),
      identified_in_year: i % 4 !== 1,
      forms: pick([['ForcedLabour'], ['ForcedLabour', 'ForcedBegging'], []], i),
      sectors: pick([['F_Construction'], [], ['A_Agriculture', 'F_Construction']], i),
      referral_source: NOT_RECORDED,
      assistance_types: pick([['Accommodation'], [], ['Accommodation', 'Medical']], i),
      assisted: i % 3 !== 0,
      assisted_while_not_cooperating: i % 2 === 0,
      cooperation: pick([...COOPERATION_VALUES, 'unknown-value'], i * 5),
      reflection_granted: false,
      child_decisions: i % 6,
      child_decisions_assessed: i % 4,
      remedies: pick([['Compensation|CivilCourt'], []], i),
      claims: pick(
        [
          [],
          [
            {
              avenue: pick(['CivilClaim', 'LabourOrEmploymentTribunal', 'unknown'], i),
              respondentKind: 'Employer',
              currency: 'EUR',
              filedYear: 2026,
              outcome: pick([...CLAIM_OUTCOME_VALUES, 'withdrawn'], i * 13),
              payment: pick(CLAIM_PAYMENT_VALUES, i * 3),
              awardedBand: pick(AMOUNT_BANDS, i * 17),
              paidBand: pick(AMOUNT_BANDS, i),
            },
          ],
        ],
        i,
      ),
      objects: false,
    });
  return out;
}

/** The valid cells of a row projected on some dimensions, as a sorted multiset. */
function projected(table: CatalogueTable, row: FactRow, on: readonly string[]): string[] {
  const valid = table.dimensions.map((d) => new Set(d.values));
  return table
    .cellsOf(row)
    .filter((at) => at.every((v, i) => valid[i]!.has(v)))
    .map((at) =>
      JSON.stringify(on.map((name) => at[table.dimensions.findIndex((d) => d.name === name)])),
    )
    .sort();
}

describe('the catalogue: declared populations and shared margins', () => {
  const populations = new Map<string, CatalogueTable[]>();
  for (const t of CATALOGUE)
    populations.set(t.population, [...(populations.get(t.population) ?? []), t]);

  it('every pair of tables of a population counts the same units on its common dimensions (margins really equal)', () => {
    const disagreements: string[] = [];
    for (const [population, tables] of populations)
      for (const a of tables)
        for (const b of tables) {
          if (a.id >= b.id) continue;
          const common = a.dimensions
            .map((d) => d.name)
            .filter((n) => b.dimensions.some((e) => e.name === n));
          for (const d of common)
            expect(a.dimensions.find((x) => x.name === d)!.values).toEqual(
              b.dimensions.find((x) => x.name === d)!.values,
            );
          const bad = rows().filter(
            (r) =>
              JSON.stringify(projected(a, r, common)) !== JSON.stringify(projected(b, r, common)),
          ).length;
          if (bad > 0) disagreements.push(`${population}: ${a.id} / ${b.id} (${bad} rows)`);
        }
    expect(disagreements).toEqual([]);
  });

  it('the compensation sums declare their own population per currency, not that of the claims filed', () => {
    expect(COMPENSATION_SUMS.population).toBe('claims-with-award-<CUR>');
    expect(CATALOGUE.map((t) => t.population)).not.toContain(COMPENSATION_SUMS.population);
    const [eur] = compensationAmounts(
      Array.from({ length: 10 }, () => ({
        avenue: 'CivilClaim',
        currency: 'EUR',
        claimed: 5,
        awarded: 5,
        paid: 0,
      })),
      10,
    );
    expect(eur!.claims.spec.population).toBe('claims-with-award-EUR');
  });
});
