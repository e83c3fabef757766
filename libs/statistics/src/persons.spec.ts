import { createHash } from 'node:crypto';
import { CATALOGUE, countTable, personRow, tableCounter } from './catalogue';
import { NOT_RECORDED, type FactRow } from './facts';
import { pseudonymizer } from './pseudonym';
import { buildRelease, type ReleaseRequest } from './release';

/** Persons, not only cases (issue 19 part 3): the persons tables of the catalogue (pure). */
const row = (person: string | null, over: Partial<FactRow> = {}): FactRow => ({
  year: 2026,
  identification_year: 2026,
  sex_gender: 'Feminine',
  age_group: '25-34',
  citizenships: ['UA'],
  status: 'ActualVictimOfTrafficking',
  deciding_body: 'NGO',
  identified_in_year: true,
  forms: ['ForcedLabour'],
  sectors: [],
  referral_source: NOT_RECORDED,
  assistance_types: [],
  assisted: false,
  assisted_while_not_cooperating: false,
  cooperation: NOT_RECORDED,
  reflection_granted: false,
  child_decisions: 0,
  child_decisions_assessed: 0,
  remedies: [],
  claims: [],
  objects: false,
  person_key: person,
  ...over,
});
const table = (id: string) => CATALOGUE.find((t) => t.id === id)!;
const total = (id: string, rows: FactRow[]) =>
  countTable(table(id), rows).cells.reduce((n, c) => n + c.count, 0);
const request = (r: Partial<ReleaseRequest>): ReleaseRequest => ({
  period: '2026',
  tables: ['persons-by-status-sex-age', 'victims-by-status-sex-age'],
  mode: 'suppression',
  k: 10,
  roundingBase: null,
  epsilon: null,
  ...r,
});

describe('persons tables (pure)', () => {
  it('counts the cases of one person once and a case without a person key as a person of its own', () => {
    const rows = [row('p1'), row('p2'), row('p1', { deciding_body: 'Police' }), row(null)];
    expect(total('victims-by-status-sex-age', rows)).toBe(4);
    expect(total('persons-by-status-sex-age', rows)).toBe(3);
    // Order does not matter to countTable (it sorts by person).
    expect(total('persons-by-status-sex-age', [...rows].reverse())).toBe(3);
  });

  it('merges a person: strongest status, agreed sex and age, every citizenship and form', () => {
    const merged = personRow([
      row('p', { status: 'PossibleVictimOfTrafficking', citizenships: ['UNKNOWN'] }),
      row('p', { forms: ['SexualExploitation'], citizenships: ['MD', 'UA'] }),
      row('p', { identified_in_year: false, sex_gender: 'Masculine' }), // not identified: not merged
    ])!;
    expect(merged).toMatchObject({
      status: 'ActualVictimOfTrafficking',
      sex_gender: 'Feminine',
      age_group: '25-34',
      citizenships: ['MD', 'UA'],
      forms: ['ForcedLabour', 'SexualExploitation'],
    });
    const disagree = personRow([
      row('p', { sex_gender: 'Masculine', age_group: '12-17' }),
      row('p', { age_group: '18-24' }),
    ])!;
    expect([disagree.sex_gender, disagree.age_group]).toEqual(['NonSpecifiedUnknown', 'unknown']);
    expect(
      personRow([row('p', { age_group: '18-24' }), row('p', { age_group: '25-34' })])!.age_group,
    ).toBe('adult_age_unknown');
    expect(personRow([row('p', { identified_in_year: false })])).toBeUndefined();
    expect(
      total('persons-by-form-of-exploitation', [
        row('p', { forms: ['ForcedLabour'] }),
        row('p', { forms: ['ForcedLabour', 'ForcedBegging'] }),
      ]),
    ).toBe(2);
  });

  it('refuses rows out of person order rather than counting a person twice', () => {
    const counter = tableCounter(table('persons-by-citizenship'));
    counter.add(row('b'));
    expect(() => counter.add(row('a'))).toThrow(/ordered by person_key/);
  });

  it('bounds the cells of one person in a differential-privacy count', () => {
    const many = row('p', { citizenships: ['UA', 'MD', 'RO', 'BG'] });
    expect(countTable(table('persons-by-citizenship'), [many], true).cells).toHaveLength(2);
  });

  it('suppresses persons cells below k like every table (11 cases of 9 persons: 9 suppressed)', () => {
    const rows = [
      ...Array.from({ length: 30 }, (_, i) => row(`a${i}`)),
      ...Array.from({ length: 11 }, (_, i) =>
        row(`m${Math.min(i, 8)}`, { sex_gender: 'Masculine' }),
      ),
    ];
    const built = buildRelease('r1', request({}), { facts: rows, claimAmounts: [] });
    if (!built.ok) throw new Error(built.error.rule);
    const cell = (id: string) =>
      built.document.tables
        .find((t) => t.id === id)!
        .cells.find(
          (c) =>
            c.at[0] === 'ActualVictimOfTrafficking' &&
            c.at[1] === 'Masculine' &&
            c.at[2] === '25-34',
        )!;
    expect(cell('victims-by-status-sex-age').value).toBe(11);
    expect(cell('persons-by-status-sex-age')).toMatchObject({ value: null, suppressed: true });
    const persons = built.document.tables.find((t) => t.id === 'persons-by-status-sex-age')!;
    expect(persons.unit).toBe('persons');
    // Secondary suppression too: the total over sex does not give the 9 away.
    const known = persons.cells.filter(
      (c) => c.at[0] === 'ActualVictimOfTrafficking' && c.at[2] === '25-34' && c.value !== null,
    );
    expect(known.some((c) => c.at[1] === null) && known.some((c) => c.at[1] === 'Feminine')).toBe(
      false,
    );
  });

  it('keys persons by keyed pseudonyms, never by a case or cluster id', () => {
    const p = pseudonymizer(createHash('sha256').update('test key').digest());
    const caseId = '0b1d0c2e-0000-4000-8000-000000000001';
    const own = p.ownPersonKey(p.caseKey(caseId));
    expect(own).toMatch(/^[0-9a-f]{64}$/);
    expect(own).not.toBe(p.caseKey(caseId));
    expect(p.clusterPersonKey('0b1d0c2e-0000-4000-8000-0000000000cc')).not.toContain('0b1d0c2e');
  });
});
