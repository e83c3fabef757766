/**
 * Section 10 of `npm run bench`: quality and speed of @remedy/person-matching on synthetic
 * persons (libs/person-matching/src/synthetic.ts; no real data).
 *
 * Per corruption type, a scenario: organisation A holds `base` persons; organisation B holds a
 * duplicate of `duplicates` of them under that corruption, as many unrelated persons, and as many
 * namesakes of A's persons (same name, same sex and citizenship, born within 2 years). Within
 * an organisation, B's records are the new cases and A's the existing ones: candidates found by
 * blockingTokens, scored by compareTokens and suggested by selectSuggestions (as GET
 * /cases/{id}/possible-duplicates does). Across organisations: candidates sharing a
 * clkBlocks key, scored by linkScore, linked as selectLinks decides (as the linkage unit does).
 * Precision = true pairs among the suggested /
 * linked; recall = duplicates suggested / linked. Then the mixed scenario at 10,000 x 10,000 for
 * the linkage time. BENCH_PERSON_MATCHING=linkage: the linkage only (no suggestions), for quicker
 * iterations on the CLKs.
 */
import { createHmac } from 'node:crypto';
import {
  blockingTokens,
  clkBlocks,
  compareTokens,
  CORRUPTION_DESCRIPTIONS,
  CORRUPTIONS,
  corrupt,
  encodeClk,
  LINK_RIVAL_SCORE,
  linkScore,
  matchTokens,
  namesake,
  seededBytes,
  seededRandom,
  selectLinks,
  selectSuggestions,
  syntheticPerson,
  tiesOf,
  type Corruption,
  type MatchTokens,
  type PersonIdentifiers,
  type ScoredPair,
  type SyntheticPerson,
} from '@remedy/person-matching';
import type { BenchRow } from '../lib/results';

const SECTION = '10 person matching';

type Kind = Corruption | 'namesake' | 'unrelated';

interface Scenario {
  readonly a: readonly PersonIdentifiers[];
  /** B's records: the index of the A record they duplicate, or -1. */
  readonly b: readonly { person: PersonIdentifiers; truth: number; kind: Kind }[];
}

/** Mixed scenario rates: of B's records, duplicates by corruption, and the rest. */
export const MIXED_RATES: Readonly<Record<Kind, number>> = {
  none: 0.05,
  typo: 0.1,
  swapped: 0.05,
  script: 0.1,
  missingBirth: 0.05,
  ageEstimate: 0.1,
  combined: 0.05,
  namesake: 0.05,
  unrelated: 0.45,
};

export function buildScenario(
  seed: number,
  size: number,
  kinds: Readonly<Partial<Record<Kind, number>>>,
): Scenario {
  const random = seededRandom(seed);
  const persons: SyntheticPerson[] = [];
  for (let i = 0; i < size; i++) persons.push(syntheticPerson(random, i));
  const b: { person: PersonIdentifiers; truth: number; kind: Kind }[] = [];
  let next = size;
  let used = 0;
  for (const [kind, rate] of Object.entries(kinds) as [Kind, number][]) {
    const n = Math.round(rate * size);
    for (let i = 0; i < n; i++) {
      if (kind === 'unrelated') {
        b.push({ person: syntheticPerson(random, next++).person, truth: -1, kind });
        continue;
      }
      const source = persons[used++ % size]!;
      if (kind === 'namesake')
        b.push({ person: namesake(random, source, next++).person, truth: -1, kind });
      else b.push({ person: corrupt(random, source, kind), truth: source.id, kind });
    }
  }
  return { a: persons.map((p) => p.person), b };
}

interface Outcome {
  /** Per kind: records, true pairs found, false suggestions (a B record of this kind wrongly paired). */
  readonly byKind: Map<Kind, { records: number; found: number; falsePairs: number }>;
  readonly candidates: number;
  /** Suggestions or links shown: true (one holds the record's true pair) and false. */
  readonly truePairs: number;
  readonly falsePairs: number;
  /** Of the suggestions, the ties shown as one ("one of these", `tiesOf`). */
  readonly ties: number;
  /** False pairs counted pair by pair (a tie holding the true pair counts its other members). */
  readonly falseMembers: number;
  readonly seconds: number;
}

/**
 * Counts what each B record is shown. A tie (`tie`: the suggestions' `tiesOf`, exactly the same
 * weight) is one suggestion in the product, "one of these" (the API's `tiedWith`, the console's
 * tie row): true when it holds the record's true pair. The pair-by-pair count of false members
 * is kept beside it (`falseMembers`).
 */
function tally(
  scenario: Scenario,
  pairs: (bIndex: number) => { a: number; linked: boolean; tie?: number }[],
): Outcome {
  const byKind = new Map<Kind, { records: number; found: number; falsePairs: number }>();
  let candidates = 0;
  let truePairs = 0;
  let falsePairs = 0;
  let ties = 0;
  let falseMembers = 0;
  const started = performance.now();
  scenario.b.forEach((rec, i) => {
    const k = byKind.get(rec.kind) ?? { records: 0, found: 0, falsePairs: 0 };
    byKind.set(rec.kind, k);
    k.records++;
    const all = pairs(i);
    candidates += all.length;
    const shown = new Map<string, number[]>();
    for (const p of all) {
      if (!p.linked) continue;
      if (p.a === rec.truth) k.found++;
      else falseMembers++;
      const key = p.tie === undefined ? `a${p.a}` : `t${p.tie}`;
      shown.set(key, [...(shown.get(key) ?? []), p.a]);
    }
    for (const [key, members] of shown) {
      if (key.startsWith('t')) ties++;
      if (members.includes(rec.truth)) truePairs++;
      else {
        k.falsePairs++;
        falsePairs++;
      }
    }
  });
  return {
    byKind,
    candidates,
    truePairs,
    falsePairs,
    ties,
    falseMembers,
    seconds: (performance.now() - started) / 1000,
  };
}

export function withinOrganisation(scenario: Scenario, key: Buffer): Outcome {
  const tokensA = scenario.a.map((p) => matchTokens(p, key));
  const tokensB: MatchTokens[] = scenario.b.map((r) => matchTokens(r.person, key));
  const index = new Map<string, number[]>();
  tokensA.forEach((t, i) => {
    for (const k of blockingTokens(t)) {
      const list = index.get(k);
      if (list) list.push(i);
      else index.set(k, [i]);
    }
  });
  return tally(scenario, (i) => {
    const candidates = new Set<number>();
    for (const k of blockingTokens(tokensB[i]!))
      for (const a of index.get(k) ?? []) candidates.add(a);
    const scored = [...candidates].map((a) => ({
      a,
      score: compareTokens(tokensA[a]!, tokensB[i]!),
    }));
    const suggested = selectSuggestions(scored);
    const tie = new Map<number, number>();
    tiesOf(suggested).forEach((group, t) => {
      for (const s of group) tie.set(s.a, t);
    });
    const shown = new Set(suggested.map((s) => s.a));
    return scored.map(({ a }) => ({ a, linked: shown.has(a), tie: tie.get(a) }));
  });
}

export interface LinkageOutcome extends Outcome {
  readonly encodeSeconds: number;
  readonly diceValues: { dice: number; match: boolean }[];
}

export function acrossOrganisations(
  scenario: Scenario,
  secret: Buffer,
  seed: number,
  threshold = LINK_RIVAL_SCORE,
): LinkageOutcome {
  const random = seededBytes(seededRandom(seed));
  const encodeStarted = performance.now();
  const clksA = scenario.a.map((p) => encodeClk(p, secret, { random }));
  const clksB = scenario.b.map((r) => encodeClk(r.person, secret, { random }));
  const encodeSeconds = (performance.now() - encodeStarted) / 1000;
  const diceValues: { dice: number; match: boolean }[] = [];
  const started = performance.now();
  const index = new Map<string, number[]>();
  clksA.forEach((c, i) => {
    for (const k of clkBlocks(c)) {
      const list = index.get(k);
      if (list) list.push(i);
      else index.set(k, [i]);
    }
  });
  // As the linkage unit does: every candidate pair scored (linkScore), then selectLinks over all
  // of them (a weaker pair links only as the best candidate of both its records).
  const candidates: number[][] = [];
  const scored: ScoredPair<string>[] = [];
  clksB.forEach((clk, i) => {
    const set = new Set<number>();
    for (const k of clkBlocks(clk)) for (const a of index.get(k) ?? []) set.add(a);
    candidates.push([...set]);
    for (const a of set) {
      const score = linkScore(clksA[a]!, clk, threshold);
      if (score !== undefined) scored.push({ a: `a${a}`, b: `b${i}`, score });
    }
  });
  const linked = new Set<string>();
  for (const p of selectLinks(scored)) {
    linked.add(`${p.a}|${p.b}`);
    const a = Number(p.a.slice(1));
    diceValues.push({ dice: p.score, match: a === scenario.b[Number(p.b.slice(1))]!.truth });
  }
  const outcome = tally(scenario, (i) =>
    candidates[i]!.map((a) => ({ a, linked: linked.has(`a${a}|b${i}`) })),
  );
  return {
    ...outcome,
    seconds: (performance.now() - started) / 1000,
    encodeSeconds,
    diceValues,
  };
}

const pct = (n: number, d: number) => (d === 0 ? undefined : (100 * n) / d);

function qualityRows(label: string, kind: Kind, outcome: Outcome, what: string): BenchRow[] {
  const k = outcome.byKind.get(kind);
  if (!k) return [];
  if (kind === 'namesake' || kind === 'unrelated')
    return [
      {
        section: SECTION,
        measure: `${what}, ${label}: false ${what === 'suggestions' ? 'suggestions' : 'links'} per record`,
        value: pct(k.falsePairs, k.records),
        unit: '%',
        goal: '≤ 1 %',
        met: k.falsePairs <= k.records * 0.01,
        note: `${k.falsePairs} of ${k.records} records`,
      },
    ];
  const precision = pct(outcome.truePairs, outcome.truePairs + outcome.falsePairs);
  const recall = pct(k.found, k.records);
  return [
    {
      section: SECTION,
      measure: `${what}, ${label}: recall`,
      value: recall,
      unit: '%',
      goal: '≥ 95 %',
      met: (recall ?? 0) >= 95,
      note: `${k.found} of ${k.records} duplicates (${CORRUPTION_DESCRIPTIONS[kind as Corruption] ?? kind})`,
    },
    {
      section: SECTION,
      measure: `${what}, ${label}: precision`,
      value: precision,
      unit: '%',
      goal: '≥ 99 %',
      met: (precision ?? 0) >= 99,
      note: `${outcome.truePairs} true, ${outcome.falsePairs} false ${what === 'suggestions' ? `suggestions shown in the scenario (namesakes and unrelated persons included; ${outcome.ties} ties shown as one, "one of these"; pair by pair ${outcome.falseMembers} false, precision ${pct(outcome.truePairs, outcome.truePairs + outcome.falseMembers)!.toFixed(2)} %)` : 'links in the scenario (namesakes and unrelated persons included)'}; ${outcome.candidates.toLocaleString('en')} candidate pairs compared`,
    },
  ];
}

export async function personMatchingBench(options: {
  readonly quick: boolean;
  readonly log: (line: string) => void;
}): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const key = createHmac('sha256', 'bench').update('org key').digest();
  const secret = createHmac('sha256', 'bench').update('shared secret').digest();
  const base = options.quick ? 500 : 2000;
  const linkageOnly = process.env.BENCH_PERSON_MATCHING === 'linkage';
  for (const [i, kind] of CORRUPTIONS.entries()) {
    const scenario = buildScenario(100 + i, base, { [kind]: 0.25, namesake: 0.1, unrelated: 0.25 });
    const across = acrossOrganisations(scenario, secret, 200 + i);
    options.log(`${SECTION}: ${kind} done`);
    if (!linkageOnly)
      rows.push(...qualityRows(kind, kind, withinOrganisation(scenario, key), 'suggestions'));
    rows.push(...qualityRows(kind, kind, across, 'linkage'));
  }
  const namesakes = buildScenario(300, base, { namesake: 0.5 });
  if (!linkageOnly)
    rows.push(
      ...qualityRows('namesakes', 'namesake', withinOrganisation(namesakes, key), 'suggestions'),
    );
  rows.push(
    ...qualityRows('namesakes', 'namesake', acrossOrganisations(namesakes, secret, 301), 'linkage'),
  );

  const size = options.quick ? 2000 : 10_000;
  const mixed = buildScenario(400, size, MIXED_RATES);
  options.log(
    `${SECTION}: mixed ${size.toLocaleString('en')} x ${mixed.b.length.toLocaleString('en')}`,
  );
  const across = acrossOrganisations(mixed, secret, 401);
  const duplicates = mixed.b.filter((r) => r.truth >= 0).length;
  const precision = pct(across.truePairs, across.truePairs + across.falsePairs);
  const recall = pct(across.truePairs, duplicates);
  rows.push(
    {
      section: SECTION,
      measure: `linkage, mixed ${size.toLocaleString('en')} x ${mixed.b.length.toLocaleString('en')}: recall`,
      value: recall,
      unit: '%',
      goal: '≥ 95 %',
      met: (recall ?? 0) >= 95,
      note: `rates of B's records: ${Object.entries(MIXED_RATES)
        .map(([k, v]) => `${k} ${Math.round(v * 100)} %`)
        .join(', ')}`,
    },
    {
      section: SECTION,
      measure: `linkage, mixed ${size.toLocaleString('en')} x ${mixed.b.length.toLocaleString('en')}: precision`,
      value: precision,
      unit: '%',
      goal: '≥ 99 %',
      met: (precision ?? 0) >= 99,
      note: `${across.truePairs} true, ${across.falsePairs} false links`,
    },
    {
      section: SECTION,
      measure: `linkage time, ${size.toLocaleString('en')} x ${mixed.b.length.toLocaleString('en')} CLKs (blocking + Dice)`,
      value: across.seconds,
      unit: 's',
      reference: 'all pairs',
      referenceValue: size * mixed.b.length,
      note: `${across.candidates.toLocaleString('en')} candidate pairs compared (${((100 * across.candidates) / (size * mixed.b.length)).toFixed(3)} % of all pairs); encoding both sides took ${across.encodeSeconds.toFixed(1)} s`,
    },
  );
  if (linkageOnly) return rows;
  const withinMixed = withinOrganisation(mixed, key);
  const wPrecision = pct(withinMixed.truePairs, withinMixed.truePairs + withinMixed.falsePairs);
  const wRecall = pct(withinMixed.truePairs, duplicates);
  rows.push(
    {
      section: SECTION,
      measure: `suggestions, mixed ${size.toLocaleString('en')} x ${mixed.b.length.toLocaleString('en')}: recall`,
      value: wRecall,
      unit: '%',
      goal: '≥ 95 %',
      met: (wRecall ?? 0) >= 95,
    },
    {
      section: SECTION,
      measure: `suggestions, mixed ${size.toLocaleString('en')} x ${mixed.b.length.toLocaleString('en')}: precision`,
      value: wPrecision,
      unit: '%',
      goal: '≥ 99 %',
      met: (wPrecision ?? 0) >= 99,
      note: `${withinMixed.truePairs} true, ${withinMixed.falsePairs} false suggestions shown (${withinMixed.ties} ties shown as one, "one of these"; pair by pair ${withinMixed.falseMembers} false, precision ${pct(withinMixed.truePairs, withinMixed.truePairs + withinMixed.falseMembers)!.toFixed(2)} %); ${withinMixed.candidates.toLocaleString('en')} candidate pairs; ${withinMixed.seconds.toFixed(1)} s`,
    },
  );
  return rows;
}
