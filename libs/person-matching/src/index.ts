/**
 * TEMPORARY STAND-IN for @remedy/person-matching (branch `match`), with the agreed API
 * (/work/notes/person-matching-api.md) so that the duplicates work compiles and runs before the
 * real library is merged; `git merge match` replaces this file (take theirs). Not the matcher.
 */
import { createHmac } from 'node:crypto';

export interface PersonIdentifiers {
  readonly fullName?: string;
  readonly aliases?: readonly string[];
  readonly birthDate?: string;
  readonly estimatedBirthYear?: number;
  readonly citizenships?: readonly string[];
  readonly sex?: string;
}

export const MATCH_TOKENS_VERSION = 'mt0';
export interface MatchTokens {
  readonly version: string;
  readonly tokens: readonly string[];
}
export type MatchEvidence = 'name' | 'birth' | 'citizenship' | 'sex';
export interface MatchScore {
  readonly score: number;
  readonly suggested: boolean;
  readonly evidence: readonly MatchEvidence[];
}

const parts = (name: string): string[] =>
  name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}]+/u)
    .filter((p) => p.length >= 2);

export function matchTokens(person: PersonIdentifiers, key: Buffer): MatchTokens {
  const mac = (kind: string, value: string) =>
    `${kind}.${createHmac('sha256', key).update(`${kind}:${value}`).digest('base64url').slice(0, 22)}`;
  const out = new Set<string>();
  for (const name of [person.fullName, ...(person.aliases ?? [])]) {
    if (!name) continue;
    for (const p of parts(name)) {
      out.add(mac('n', p));
      out.add(mac('p', p.slice(0, 4)));
    }
  }
  if (person.birthDate) {
    out.add(mac('b', person.birthDate));
    out.add(mac('y', person.birthDate.slice(0, 4)));
  } else if (person.estimatedBirthYear !== undefined)
    out.add(mac('y', String(person.estimatedBirthYear)));
  for (const c of person.citizenships ?? []) out.add(mac('c', c));
  if (person.sex) out.add(mac('s', person.sex));
  return { version: MATCH_TOKENS_VERSION, tokens: [...out].sort() };
}

export function blockingTokens(tokens: MatchTokens): readonly string[] {
  return tokens.tokens.filter((t) => t.startsWith('p.') || t.startsWith('b.'));
}

export function compareTokens(a: MatchTokens, b: MatchTokens): MatchScore {
  if (a.version !== b.version) return { score: 0, suggested: false, evidence: [] };
  const of = (t: MatchTokens, kind: string) =>
    new Set(t.tokens.filter((x) => x.startsWith(`${kind}.`)));
  const overlap = (kind: string) => {
    const x = of(a, kind);
    const y = of(b, kind);
    if (x.size === 0 || y.size === 0) return undefined;
    let n = 0;
    for (const v of x) if (y.has(v)) n++;
    return n / Math.min(x.size, y.size);
  };
  const name = Math.max(overlap('n') ?? 0, overlap('p') ?? 0);
  const birth = overlap('b') ?? (overlap('y') ?? 0) * 0.5;
  const cit = overlap('c') ?? 0;
  const sex = overlap('s') ?? 0;
  const score = Math.round((0.6 * name + 0.3 * birth + 0.05 * cit + 0.05 * sex) * 1000) / 1000;
  const evidence: MatchEvidence[] = [];
  if (name >= 0.5) evidence.push('name');
  if (birth >= 0.5) evidence.push('birth');
  if (cit > 0) evidence.push('citizenship');
  if (sex > 0) evidence.push('sex');
  return { score, suggested: score >= 0.8, evidence };
}
