import type { ClaimAmount } from './catalogue';
import { NOT_RECORDED, type FactRow } from './facts';
import { buildRelease, releaseCsv, type ReleaseDocument, type ReleaseRequest } from './release';

/** Issue 12: releases of one period audited against the earlier ones; sums; suppressed labels. */
const victim = (sector: string, sex = 'Feminine'): FactRow => ({
  year: 2026,
  identification_year: 2026,
  sex_gender: sex,
  age_group: '25-34',
  citizenships: ['UA'],
  status: 'ActualVictimOfTrafficking',
  deciding_body: 'NGO',
  identified_in_year: true,
  forms: ['ForcedLabour'],
  sectors: [sector],
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
});
const request = (r: Partial<ReleaseRequest>): ReleaseRequest => ({
  period: '2026',
  tables: ['victims-by-sector', 'victims-by-status-sex-age'],
  mode: 'suppression',
  k: 10,
  roundingBase: null,
  epsilon: null,
  ...r,
});
const build = (
  id: string,
  r: ReleaseRequest,
  facts: FactRow[],
  earlier: ReleaseDocument[] = [],
  claimAmounts: ClaimAmount[] = [],
) => buildRelease(id, r, { facts, claimAmounts, earlier });
const sectorCell = (doc: ReleaseDocument, sector: string) =>
  doc.tables.find((t) => t.id === 'victims-by-sector')!.cells.find((c) => c.at[0] === sector)!;

describe('several releases of one period (multi-release audit)', () => {
  it('keeps a cell suppressed in an earlier release suppressed when one case is added (or refuses the revision)', () => {
    const rows = [
      ...Array.from({ length: 40 }, () => victim('F_Construction')),
      ...Array.from({ length: 9 }, () => victim('A_AgricultureForestryAndFishing', 'Masculine')),
    ];
    const first = build('r1', request({}), rows);
    if (!first.ok) throw new Error(first.error.rule);
    expect(sectorCell(first.document, 'A_AgricultureForestryAndFishing').value).toBeNull();
    // One more case in agriculture (10 now), then a rounding release of the sector table alone.
    const added = [...rows, victim('A_AgricultureForestryAndFishing', 'Masculine')];
    const second = build(
      'r2',
      request({ mode: 'rounding', roundingBase: 5, tables: ['victims-by-sector'] }),
      added,
      [first.document],
    );
    if (second.ok)
      expect(sectorCell(second.document, 'A_AgricultureForestryAndFishing').value).toBeNull();
    else expect(second.error.rule).toBe('REVISION_WOULD_DISCLOSE');
    // Without earlier releases the same data would publish it: the audit is what withholds it.
    const alone = build(
      'r3',
      request({ mode: 'rounding', roundingBase: 5, tables: ['victims-by-sector'] }),
      added,
    );
    if (!alone.ok) throw new Error(alone.error.rule);
    expect(sectorCell(alone.document, 'A_AgricultureForestryAndFishing').value).toBe(10);
  });

  it('refuses a revision in which a figure published earlier has become a small count', () => {
    const rows = Array.from({ length: 30 }, (_, i) =>
      victim(i < 12 ? 'A_AgricultureForestryAndFishing' : 'F_Construction'),
    );
    const first = build('r1', request({ tables: ['victims-by-sector'] }), rows);
    if (!first.ok) throw new Error(first.error.rule);
    expect(sectorCell(first.document, 'A_AgricultureForestryAndFishing').value).toBe(12);
    // Three cases leave the statistics (objections): agriculture 9, pinned by the change in totals.
    const second = build('r2', request({ tables: ['victims-by-sector'], k: 10 }), rows.slice(3), [
      first.document,
    ]);
    expect(second.ok ? 'built' : second.error.rule).toBe('REVISION_WOULD_DISCLOSE');
  });

  it('catches a differencing attack through a re-link: persons counts change between releases without any new case', () => {
    // 10 Moldovan and 30 Ukrainian cases, each its own person at the first release.
    const person = (key: string, citizenship: string): FactRow => ({
      ...victim('F_Construction'),
      citizenships: [citizenship],
      person_key: key,
    });
    const rows = [
      ...Array.from({ length: 10 }, (_, i) => person(`md${i}`, 'MD')),
      ...Array.from({ length: 30 }, (_, i) => person(`ua${i}`, 'UA')),
    ];
    const persons = request({ tables: ['persons-by-citizenship'] });
    const first = build('r1', persons, rows);
    if (!first.ok) throw new Error(first.error.rule);
    const md = (doc: ReleaseDocument) => doc.tables[0]!.cells.find((c) => c.at[0] === 'MD')!.value;
    const totalOf = (doc: ReleaseDocument) =>
      doc.tables[0]!.cells.find((c) => c.at[0] === null)!.value;
    expect([md(first.document), totalOf(first.document)]).toEqual([10, 40]);
    // The linkage unit re-clusters: two Moldovan cases are one person. Same cases, 9 MD persons.
    const relinked = rows.map((r) => (r.person_key === 'md1' ? { ...r, person_key: 'md0' } : r));
    // Without the audit the next release withholds MD (9 < k) but its total (39) gives it away:
    // 10 published before, one person fewer now, and only MD changed.
    const alone = build('r2', persons, relinked);
    if (!alone.ok) throw new Error(alone.error.rule);
    expect([md(alone.document), totalOf(alone.document)]).toEqual([null, 39]);
    // With the earlier release the audit knows MD was published: the revision is refused.
    const second = build('r2', persons, relinked, [first.document]);
    expect(second.ok ? 'built' : second.error.rule).toBe('REVISION_WOULD_DISCLOSE');
    // A release of another table of the period is audited against it too (the persons table is
    // counted as context): still refused, the case table alone shows nothing of the re-link.
    const other = build('r3', request({ tables: ['victims-by-citizenship'] }), relinked, [
      first.document,
    ]);
    expect(other.ok ? 'built' : other.error.rule).toBe('REVISION_WOULD_DISCLOSE');
  });

  it('does not disclose one award by differencing the sums of two releases (25 claims, then one more with k: 11)', () => {
    const claims = (n: number): ClaimAmount[] =>
      Array.from({ length: n }, () => ({
        avenue: 'CivilClaim',
        currency: 'EUR',
        claimed: 300_000,
        awarded: 200_000,
        paid: 0,
      }));
    const rows = Array.from({ length: 30 }, () => victim('F_Construction'));
    const sums = request({ tables: ['compensation-sums'] });
    const first = build('r1', sums, rows, [], claims(25));
    if (!first.ok) throw new Error(first.error.rule);
    const total1 = first.document.compensationSums!.tables[0]!.cells.find((c) => c.at[0] === null)!;
    expect(total1).toMatchObject({ claims: 25, claimed: 7_500_000, awarded: 5_000_000 });
    const more = [
      ...claims(25),
      { avenue: 'CivilClaim', currency: 'EUR', claimed: 654_321, awarded: 123_457, paid: 0 },
    ];
    const second = build('r2', { ...sums, k: 11 }, rows, [first.document], more);
    const published: ReleaseDocument[] = [first.document];
    if (second.ok) published.push(second.document);
    // Every published awarded sum of EUR, across both releases: no difference is the award.
    const awarded = published.flatMap((d) =>
      d.compensationSums!.tables.flatMap((t) =>
        t.cells.flatMap((c) => (c.awarded === null ? [] : [c.awarded])),
      ),
    );
    for (const a of awarded) for (const b of awarded) expect(Math.abs(a - b)).not.toBe(123_457);
    // Nor of the claimed sums: no difference is the sum claimed.
    const claimed = published.flatMap((d) =>
      d.compensationSums!.tables.flatMap((t) =>
        t.cells.flatMap((c) => (c.claimed == null ? [] : [c.claimed])),
      ),
    );
    expect(claimed).toContain(7_500_000);
    for (const a of claimed) for (const b of claimed) expect(Math.abs(a - b)).not.toBe(654_321);
    if (second.ok) expect(second.document.compensationSums!.tables[0]!.sumsPublishedIn).toBe('r1');
  });

  it('withholds a sum dominated by one claim (p% rule), and the total that would give it away', () => {
    const claims: ClaimAmount[] = [
      ...Array.from({ length: 12 }, () => ({
        avenue: 'CivilClaim',
        currency: 'EUR',
        claimed: 2_000,
        awarded: 1_000,
        paid: 0,
      })),
      ...Array.from({ length: 11 }, (_, i) => ({
        avenue: 'StateCompensationFund',
        currency: 'EUR',
        claimed: 100,
        awarded: i === 0 ? 5_000_000 : 100,
        paid: 0,
      })),
    ];
    const built = build('r1', request({ tables: ['compensation-sums'] }), [], [], claims);
    if (!built.ok) throw new Error(built.error.rule);
    const cells = built.document.compensationSums!.tables[0]!.cells;
    expect(cells.find((c) => c.at[0] === 'CivilClaim')).toMatchObject({
      claims: 12,
      claimed: 24_000,
      awarded: 12_000,
    });
    expect(cells.find((c) => c.at[0] === 'StateCompensationFund')).toMatchObject({
      claims: 11,
      claimed: null,
      awarded: null,
      suppressed: true,
    });
    expect(cells.find((c) => c.at[0] === null)).toMatchObject({
      claims: 23,
      claimed: null,
      awarded: null,
    });
  });

  it('withholds the sums of an avenue where one claimed sum dominates, though the awards do not', () => {
    const claims: ClaimAmount[] = [
      ...Array.from({ length: 12 }, () => ({
        avenue: 'CivilClaim',
        currency: 'EUR',
        claimed: 2_000,
        awarded: 1_000,
        paid: 500,
      })),
      ...Array.from({ length: 11 }, (_, i) => ({
        avenue: 'StateCompensationFund',
        currency: 'EUR',
        claimed: i === 0 ? 9_000_000 : 300,
        awarded: 100,
        paid: 100,
      })),
    ];
    const built = build('r1', request({ tables: ['compensation-sums'] }), [], [], claims);
    if (!built.ok) throw new Error(built.error.rule);
    const cells = built.document.compensationSums!.tables[0]!.cells;
    expect(cells.find((c) => c.at[0] === 'CivilClaim')).toEqual({
      at: ['CivilClaim'],
      claims: 12,
      claimed: 24_000,
      awarded: 12_000,
      paid: 6_000,
    });
    expect(cells.find((c) => c.at[0] === 'StateCompensationFund')).toEqual({
      at: ['StateCompensationFund'],
      claims: 11,
      claimed: null,
      awarded: null,
      paid: null,
      suppressed: true,
    });
    // The total less CivilClaim would give the dominated avenue away: withheld too.
    expect(cells.find((c) => c.at[0] === null)).toMatchObject({ claims: 23, claimed: null });
  });

  it('publishes no money sums in a rounding release (no rounded counts beside exact sums)', () => {
    const claims = Array.from({ length: 20 }, () => ({
      avenue: 'CivilClaim',
      currency: 'EUR',
      claimed: 1_000,
      awarded: 1_000,
      paid: 0,
    }));
    const built = build(
      'r1',
      request({
        mode: 'rounding',
        roundingBase: 5,
        tables: ['compensation-sums', 'victims-by-sector'],
      }),
      [],
      [],
      claims,
    );
    if (!built.ok) throw new Error(built.error.rule);
    expect(built.document.compensationSums).toBeUndefined();
  });

  it('labels suppressed cells only "suppressed" in JSON and CSV, never primary or secondary', () => {
    const rows = [
      ...Array.from({ length: 40 }, () => victim('F_Construction')),
      ...Array.from({ length: 3 }, () => victim('A_AgricultureForestryAndFishing', 'Masculine')),
    ];
    const built = build('r1', request({}), rows);
    if (!built.ok) throw new Error(built.error.rule);
    const cells = built.document.tables.flatMap((t) => t.cells);
    expect(cells.filter((c) => c.value === null).length).toBeGreaterThan(1);
    for (const c of cells) expect(c.suppressed).toBe(c.value === null ? true : undefined);
    const body = JSON.stringify(built.document) + releaseCsv(built.document);
    expect(body).not.toMatch(/primary|secondary/);
    expect(releaseCsv(built.document)).toMatch(/,,suppressed\r\n/);
  });
});
