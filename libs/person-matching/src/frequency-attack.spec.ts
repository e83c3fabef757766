import { createHmac } from 'node:crypto';
import { CLK_BITS, CLK_OFFSETS, CLK_SEGMENTS, encodeClk, type PersonIdentifiers } from './index';
import { NAME_VARIANTS, seededBytes, seededRandom } from './synthetic';

/**
 * Frequency attack on the CLKs (issue 19): the attacker (e.g. the linkage unit) holds the
 * encodings of 10,000 synthetic persons and the true name frequency table, not the secret. It
 * ranks encodings by frequency and gives the i-th most frequent name to the i-th most frequent
 * group. Four groupings: identical encodings; identical patterns on the 32 bit positions set
 * most often (a simple pattern-mining attack); the same within the name (spelling) segment only
 * (the layout is public), and within the name sound segment (clk4: the coarsest of the name). It
 * must re-identify no more persons than chance.
 *
 * Chance: under the hypothesis that the groups carry no information about names, each record's
 * assigned name equals its true name with probability p0 = Σ_n a_n · f_n (a_n: share of records
 * given name n, f_n: share of records truly named n), so the number of hits is Binomial(N, p0);
 * the bound is the smallest k with Chernoff's P(X ≥ k) ≤ exp(-N · KL(k/N ‖ p0)) ≤ 1e-6.
 * A control runs the same attack on encodings without the hardening (no bit flips), where
 * persons with the same name and no birth date get identical encodings: there the attack must
 * beat the bound, or the test proves nothing.
 */
const N = 10_000;
const NAMES = 500;

function zipfPopulation(seed: number): {
  names: string[];
  persons: PersonIdentifiers[];
  truth: number[];
} {
  const random = seededRandom(seed);
  const given = NAME_VARIANTS.filter((g) => g.kind === 'given');
  const family = NAME_VARIANTS.filter((g) => g.kind === 'family');
  const names: string[] = [];
  for (let i = 0; names.length < NAMES; i++) {
    const g = given[i % given.length]!;
    const f = family[Math.floor(i / given.length) % family.length]!;
    const name = `${g.spellings.latin[0]} ${f.spellings.latin[0]}`;
    if (!names.includes(name)) names.push(name);
  }
  const weights = names.map((_, r) => 1 / (r + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  weights.reduce((acc, w, i) => (cumulative[i] = acc + w / total), 0);
  const countries = ['UA', 'UA', 'UA', 'NG', 'NG', 'SY', 'RO', 'VN', 'MX', 'UZ'];
  const persons: PersonIdentifiers[] = [];
  const truth: number[] = [];
  for (let i = 0; i < N; i++) {
    const u = random();
    const rank = Math.max(
      0,
      cumulative.findIndex((c) => u <= c),
    );
    truth.push(rank);
    const year = 1965 + Math.floor(random() * 45);
    const birth = random();
    persons.push({
      fullName: names[rank]!,
      ...(birth < 0.6
        ? { birthDate: `${year}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}` }
        : birth < 0.8
          ? { estimatedBirthYear: year }
          : {}),
      citizenships: [countries[Math.floor(random() * countries.length)]!],
      sex: random() < 0.5 ? 'f' : 'm',
    });
  }
  return { names, persons, truth };
}

/** Groups records by a signature, ranks groups by size, assigns names by rank; hits and p0. */
function rankAttack(
  signatures: string[],
  truth: number[],
): { hits: number; p0: number; groups: number } {
  const groups = new Map<string, number[]>();
  signatures.forEach((s, i) => {
    const g = groups.get(s);
    if (g) g.push(i);
    else groups.set(s, [i]);
  });
  const ranked = [...groups.values()].sort((a, b) => b.length - a.length);
  const assigned = new Array<number>(truth.length).fill(-1);
  ranked.slice(0, NAMES).forEach((members, rank) => members.forEach((i) => (assigned[i] = rank)));
  const hits = assigned.filter((a, i) => a === truth[i]).length;
  const share = (xs: number[]) => {
    const c = new Array<number>(NAMES).fill(0);
    for (const x of xs) if (x >= 0) c[x]!++;
    return c.map((v) => v / xs.length);
  };
  const a = share(assigned);
  const f = share(truth);
  return { hits, p0: a.reduce((sum, an, n) => sum + an * f[n]!, 0), groups: groups.size };
}

/** Smallest k with the Chernoff bound exp(-N·KL(k/N ‖ p)) at or below alpha. */
function chernoffBound(n: number, p: number, alpha: number): number {
  const kl = (q: number) =>
    (q === 0 ? 0 : q * Math.log(q / p)) + (q === 1 ? 0 : (1 - q) * Math.log((1 - q) / (1 - p)));
  for (let k = Math.ceil(n * p); k <= n; k++) if (Math.exp(-n * kl(k / n)) <= alpha) return k;
  return n;
}

function topPositionPatterns(clks: Buffer[], positions: number, from = 0, to = CLK_BITS): string[] {
  const counts = new Array<number>(CLK_BITS).fill(0);
  for (const c of clks)
    for (let b = from; b < to; b++) if ((c[b >> 3]! >> (b & 7)) & 1) counts[b]!++;
  const top = counts
    .map((count, b) => ({ count, b }))
    .sort((x, y) => y.count - x.count)
    .slice(0, positions)
    .map((x) => x.b);
  return clks.map((c) => top.map((b) => (c[b >> 3]! >> (b & 7)) & 1).join(''));
}

describe('frequency attack on CLKs', () => {
  const secret = createHmac('sha256', 'attack').update('shared secret').digest();
  const { persons, truth } = zipfPopulation(19);
  // The flips from a seeded source: the run is reproducible (the same hits on every machine and
  // every run); the README records the spread over runs with fresh cryptographic flips.
  const flips = seededBytes(seededRandom(1_919));
  const hardened = persons.map((p) => encodeClk(p, secret, { random: flips }));
  const unhardened = persons.map((p) => encodeClk(p, secret, { flipProbability: 0 }));

  it.each([
    ['identical encodings', (clks: Buffer[]) => clks.map((c) => c.toString('hex'))],
    [
      'patterns on the 32 most frequent bit positions',
      (clks: Buffer[]) => topPositionPatterns(clks, 32),
    ],
    // The layout is public: an attacker looks where the names are, so that the frequent bits
    // of the small fields (sex, citizenship) cannot shield the name's.
    [
      'patterns on the 32 most frequent bit positions of the name segment',
      (clks: Buffer[]) =>
        topPositionPatterns(clks, 32, CLK_OFFSETS.name, CLK_OFFSETS.name + CLK_SEGMENTS.name),
    ],
    [
      'patterns on the 32 most frequent bit positions of the name sound segment',
      (clks: Buffer[]) =>
        topPositionPatterns(
          clks,
          32,
          CLK_OFFSETS.nameSound,
          CLK_OFFSETS.nameSound + CLK_SEGMENTS.nameSound,
        ),
    ],
  ])(
    'given 10,000 hardened CLKs and the true name frequencies, when names are assigned by the rank of %s, then no more hits than chance',
    (_what, signature) => {
      const attack = rankAttack(signature(hardened), truth);
      const bound = chernoffBound(N, attack.p0, 1e-6);
      const control = rankAttack(signature(unhardened), truth);
      const controlBound = chernoffBound(N, control.p0, 1e-6);
      console.log(
        `${_what}: hardened ${attack.hits} hits in ${attack.groups} groups (chance ${(N * attack.p0).toFixed(1)}, bound at 1e-6 ${bound}); ` +
          `unhardened control ${control.hits} hits in ${control.groups} groups (chance ${(N * control.p0).toFixed(1)}, bound ${controlBound})`,
      );
      expect(attack.hits).toBeLessThanOrEqual(bound);
    },
  );

  it('the control: without the bit flips, ranking identical encodings re-identifies more than chance', () => {
    const control = rankAttack(
      unhardened.map((c) => c.toString('hex')),
      truth,
    );
    expect(control.hits).toBeGreaterThan(chernoffBound(N, control.p0, 1e-6));
  });
});
