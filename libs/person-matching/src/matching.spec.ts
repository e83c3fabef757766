import {
  blockingTokens,
  CLK_BITS,
  CLK_VERSION,
  clkBlocks,
  compareTokens,
  compareClks,
  linkScore,
  encodeClk,
  LINK_CANDIDATE_WEIGHT,
  LINK_MARGIN,
  LINK_THRESHOLD,
  LINK_WEIGHT,
  compareClkDetail,
  MATCH_TOKENS_VERSION,
  linkScoreOfWeight,
  selectLinks,
  selectSuggestions,
  tiesOf,
  matchTokens,
  type PersonIdentifiers,
} from './index';

const orgKey = Buffer.alloc(32, 1);
const otherOrgKey = Buffer.alloc(32, 2);
const secret = Buffer.alloc(32, 3);

const compare = (a: PersonIdentifiers, b: PersonIdentifiers) =>
  compareTokens(matchTokens(a, orgKey), matchTokens(b, orgKey));

const base: PersonIdentifiers = {
  fullName: 'Mohammed Ali',
  birthDate: '1990-04-02',
  citizenships: ['SY'],
  sex: 'm',
};

describe('within an organisation: possible duplicates from blind tokens', () => {
  it('given a case with no birth date and two namesakes born on different days, when suggested, then both, as one tie', () => {
    const undated = { fullName: 'Priya Tran', citizenships: ['VN'], sex: 'f' };
    const namesakes = ['1990-01-05', '1993-07-20'].map((birthDate, i) => ({
      id: i,
      score: compare({ ...undated, birthDate }, undated),
    }));
    const other = { id: 2, score: compare({ ...base }, undated) };
    const suggested = selectSuggestions([...namesakes, other]);
    expect(suggested.map((s) => s.id)).toEqual([0, 1]);
    expect(tiesOf(suggested).map((t) => t.map((s) => s.id))).toEqual([[0, 1]]);
    // A suggestion alone is no tie.
    expect(tiesOf(suggested.slice(0, 1))).toEqual([]);
  });

  it('given the same person written the same way, when compared, then suggested with every field as evidence', () => {
    const score = compare(base, { ...base });
    expect(score.suggested).toBe(true);
    expect(score.score).toBe(1);
    expect(score.evidence).toEqual(['name', 'birth', 'citizenship', 'sex']);
  });

  it.each([
    ['a typo', 'Mohamned Ali'],
    ['the parts in another order', 'Ali Mohammed'],
    ['another transliteration', 'Muhammad Aly'],
    ['Arabic script', 'محمد علي'],
    ['Cyrillic script', 'Мухаммед Али'],
    ['diacritics and capitals', 'MOHAMMÉD ALÍ'],
  ])('given %s of the name, when compared, then suggested', (_what, fullName) => {
    expect(compare(base, { ...base, fullName }).suggested).toBe(true);
  });

  it('given a namesake born another day, when compared, then not suggested', () => {
    expect(compare(base, { ...base, birthDate: '1991-09-17' }).suggested).toBe(false);
  });

  it('given an estimated age off by up to 3 years, when compared, then suggested; off by 5, not', () => {
    const { birthDate: _d, ...noDate } = base;
    expect(compare(base, { ...noDate, estimatedBirthYear: 1993 }).suggested).toBe(true);
    expect(compare(base, { ...noDate, estimatedBirthYear: 1995 }).suggested).toBe(false);
  });

  it('given a different person, when compared, then not suggested', () => {
    expect(
      compare(base, { fullName: 'Olena Kovalenko', birthDate: '1990-04-02', sex: 'f' }).suggested,
    ).toBe(false);
  });

  it('tokens are deterministic, kind-prefixed, hold no plaintext, and differ between keys', () => {
    const a = matchTokens(base, orgKey);
    expect(a.version).toBe(MATCH_TOKENS_VERSION);
    expect(matchTokens(base, orgKey)).toEqual(a);
    for (const t of a.tokens) {
      expect(t).toMatch(/^[a-z]\.[A-Za-z0-9_-]+$/);
      expect(t.toLowerCase()).not.toContain('mohammed');
      expect(t).not.toContain('1990');
    }
    const b = matchTokens(base, otherOrgKey);
    expect(a.tokens.filter((t) => b.tokens.includes(t))).toEqual([]);
    expect(compareTokens(a, b).suggested).toBe(false);
    expect(blockingTokens(a).length).toBeGreaterThan(0);
    expect(blockingTokens(a).every((t) => a.tokens.includes(t))).toBe(true);
  });
});

describe('across organisations: CLKs', () => {
  it('given the same person encoded by two organisations, then Dice at or above the threshold and a shared block', () => {
    const a = encodeClk(base, secret);
    const b = encodeClk({ ...base, fullName: 'Muhammad Ali' }, secret);
    expect(a.length).toBe(CLK_BITS / 8);
    expect(CLK_VERSION).toBe('clk4');
    expect(compareClks(a, b)).toBeGreaterThanOrEqual(LINK_THRESHOLD);
    expect(clkBlocks(a).some((k) => clkBlocks(b).includes(k))).toBe(true);
  });

  it('given a different person, then Dice below the threshold', () => {
    const a = encodeClk(base, secret);
    const b = encodeClk({ fullName: 'Olena Kovalenko', birthDate: '1985-11-30', sex: 'f' }, secret);
    expect(compareClks(a, b)).toBeLessThan(LINK_THRESHOLD);
  });

  it('linkScore is the score of a pair that links, and undefined for one that does not', () => {
    const a = encodeClk(base, secret);
    const same = encodeClk({ ...base, fullName: 'Muhammad Ali' }, secret);
    const other = encodeClk(
      { fullName: 'Olena Kovalenko', birthDate: '1985-11-30', sex: 'f' },
      secret,
    );
    expect(linkScore(a, same)).toBe(compareClks(a, same));
    expect(linkScore(a, other)).toBeUndefined();
  });

  it('scores each field on its own: a missing birth weighs nothing, a differing date weighs against', () => {
    const a = encodeClk(base, secret);
    const noBirth = compareClkDetail(a, encodeClk({ ...base, birthDate: undefined }, secret));
    expect(noBirth.birth).toBeUndefined();
    const otherDay = compareClkDetail(a, encodeClk({ ...base, birthDate: '1991-09-17' }, secret));
    expect(otherDay.birth).toBe('dateDiffers');
    expect(otherDay.weight).toBeLessThan(noBirth.weight);
    const sameDay = compareClkDetail(a, encodeClk(base, secret));
    expect(sameDay.birth).toBe('date');
    expect(sameDay.score).toBeGreaterThanOrEqual(LINK_THRESHOLD);
  });
});

describe('across organisations: selectLinks', () => {
  const pair = (a: string, b: string, weight: number) => ({
    a,
    b,
    score: linkScoreOfWeight(weight),
  });

  it('links a strong pair on its own, and a weaker one only as the clear best of both records', () => {
    const weak = LINK_CANDIDATE_WEIGHT + 1;
    const links = selectLinks([
      pair('a1', 'b1', LINK_WEIGHT + 1),
      pair('a2', 'b1', LINK_WEIGHT - 1), // strong b1 has a better candidate: still a weak pair
      // b2 (no birth): the exact name a3 beats a variant a4 by more than the margin
      pair('a3', 'b2', weak + LINK_MARGIN + 0.5),
      pair('a4', 'b2', weak),
      // b3: two candidates alike (namesakes written the same way): neither links
      pair('a5', 'b3', weak + 0.2),
      pair('a6', 'b3', weak),
      // below the candidate weight: never a link, even alone
      pair('a7', 'b4', LINK_CANDIDATE_WEIGHT - 0.5),
    ]);
    expect(links.map((l) => `${l.a}-${l.b}`).sort()).toEqual(['a1-b1', 'a3-b2']);
  });

  it('a third record of a person linked on its own by two others links to them', () => {
    const weak = LINK_CANDIDATE_WEIGHT + 2;
    const links = selectLinks([
      pair('x', 'y', LINK_WEIGHT + 3),
      pair('x', 'z', weak),
      pair('y', 'z', weak + 0.1),
    ]);
    expect(links.map((l) => `${l.a}-${l.b}`).sort()).toEqual(['x-y', 'x-z', 'y-z']);
  });
});
