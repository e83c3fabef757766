import type { Pool } from 'pg';
import { calendarDateIn, type CaseOpened, type JurisdictionPolicy } from '@remedy/case-domain';
import { readCase, type PersonalDecrypter } from '@remedy/case-stream';
import type { BlindIndexer } from '@remedy/crypto';
import { withOrganisationScope } from '@remedy/database';
import type { EventStore } from '@remedy/event-store';
import {
  blockingTokens,
  compareTokens,
  MATCH_TOKENS_VERSION,
  matchTokens,
  selectSuggestions,
  tiesOf,
  type MatchEvidence,
  type MatchTokens,
  type PersonIdentifiers as MatchIdentifiers,
} from '@remedy/person-matching';
import { personToMatch } from './person-identifiers';

/**
 * The organisation-scoped key of the person-matching tokens: derived from the blind-index key
 * (HMAC-SHA256(blindIndexKey, 'person-match/v1/' + organisationId)), so a token of one organisation
 * says nothing in another, and no new key has to be kept, rotated or backed up.
 */
export const matchKeyPurpose = (organisationId: string): string =>
  `person-match/v1/${organisationId.toLowerCase()}`;

export interface DuplicateCandidate {
  readonly caseId: string;
  readonly reference: string;
  readonly status: 'open' | 'closure_requested' | 'closed';
  readonly openedOn: string;
  readonly score: number;
  readonly evidence: readonly MatchEvidence[];
  /**
   * The other suggestions tied with this one (`tiesOf`: exactly the same weight, nothing the
   * tokens hold tells them apart), shown with it as one suggestion, "one of these"; empty if none.
   */
  readonly tiedWith: readonly string[];
}

export type TokenRefresh = 'written' | 'erased' | 'none';

/** At most this many candidates (blocking-token overlap) are scored for one suggestion list. */
export const MAX_CANDIDATES = 500;

export interface PersonMatchTokensDeps {
  readonly pool: Pick<Pool, 'query' | 'connect'>;
  readonly indexer: Pick<BlindIndexer, 'derivedKey'>;
  readonly store: Pick<EventStore, 'readStream'> & Partial<Pick<EventStore, 'snapshots'>>;
  readonly cipher: PersonalDecrypter;
  readonly policy: Pick<JurisdictionPolicy, 'timeZone'>;
}

/**
 * The person's keyed blind tokens (`person_match_tokens`) and the possible duplicates found with
 * them (issue 19). Tokens are computed where the clear values are at hand (the command side right
 * after an append; the backfill, which decrypts with the case's data key) and never leave as
 * plaintext: the table holds opaque HMACs only, under row-level security by organisation.
 */
export class PersonMatchTokens {
  constructor(private readonly deps: PersonMatchTokensDeps) {}

  tokensFor(organisationId: string, person: MatchIdentifiers): MatchTokens {
    return matchTokens(person, this.deps.indexer.derivedKey(matchKeyPurpose(organisationId)));
  }

  /**
   * Recomputes a case's tokens from its stream (the holder's key; ERASED personal parts or an
   * erased case: its row is deleted). Idempotent; the backfill and the command side use it.
   */
  async refresh(caseId: string): Promise<TokenRefresh> {
    const stream = await readCase(this.deps.store, caseId);
    if (!stream.exists) return 'none';
    const { history, state } = await stream.opened(this.deps.cipher);
    const person = state.erased ? undefined : personToMatch(history, state);
    if (!person) {
      await this.forget(caseId);
      return state.erased ? 'erased' : 'none';
    }
    const opening = history.find((e): e is CaseOpened => e.type === 'CaseOpened');
    const openedOn = calendarDateIn(
      new Date(opening?.data.occurredAt ?? Date.now()),
      this.deps.policy.timeZone,
    );
    await this.write(caseId, state.holdingOrganisationId, state.caseReference, openedOn, person);
    return 'written';
  }

  async write(
    caseId: string,
    organisationId: string,
    caseReference: string,
    openedOn: string,
    person: MatchIdentifiers,
  ): Promise<void> {
    const write = this.writeStatement(caseId, organisationId, caseReference, openedOn, person, '');
    await this.deps.pool.query(write.text, write.values);
  }

  /**
   * The same row as `write`, as a write committed with the case's append (@remedy/event-store
   * `AlongsideWrite`: nothing is written unless the append wrote its events).
   */
  writeWithAppend(
    caseId: string,
    organisationId: string,
    caseReference: string,
    openedOn: string,
    person: MatchIdentifiers,
  ): { text: string; values: unknown[] } {
    return this.writeStatement(
      caseId,
      organisationId,
      caseReference,
      openedOn,
      person,
      'WHERE EXISTS (SELECT 1 FROM appended)',
    );
  }

  private writeStatement(
    caseId: string,
    organisationId: string,
    caseReference: string,
    openedOn: string,
    person: MatchIdentifiers,
    where: string,
  ): { text: string; values: unknown[] } {
    const tokens = this.tokensFor(organisationId, person);
    return {
      text: `INSERT INTO person_match_tokens
              (case_id, organisation_id, case_reference, opened_on, version, tokens, blocking, updated_at)
       SELECT $1::text, $2::text, $3::text, $4::date, $5::text, $6::text[], $7::text[], now() ${where}
       ON CONFLICT (case_id) DO UPDATE SET organisation_id = EXCLUDED.organisation_id,
         case_reference = EXCLUDED.case_reference, opened_on = EXCLUDED.opened_on,
         version = EXCLUDED.version, tokens = EXCLUDED.tokens, blocking = EXCLUDED.blocking,
         updated_at = now()`,
      values: [
        caseId.toLowerCase(),
        organisationId.toLowerCase(),
        caseReference,
        openedOn,
        tokens.version,
        [...tokens.tokens],
        [...blockingTokens(tokens)],
      ],
    };
  }

  async forget(caseId: string): Promise<number> {
    const r = await this.deps.pool.query('DELETE FROM person_match_tokens WHERE case_id = $1', [
      caseId.toLowerCase(),
    ]);
    return r.rowCount ?? 0;
  }

  /**
   * The readable facts suggestions need of a case (holder, erased, the pairs decided on its
   * stream), from its stream (the read the request's policy guard made, when `scope` is given);
   * undefined when there is no such case.
   */
  async caseOf(
    caseId: string,
    scope?: object,
  ): Promise<
    | {
        readonly holdingOrganisationId: string;
        readonly erased: boolean;
        readonly decided: string[];
      }
    | undefined
  > {
    const stream = await readCase(this.deps.store, caseId, { snapshot: true, scope });
    if (!stream.exists) return undefined;
    const state = stream.readableState();
    return {
      holdingOrganisationId: state.holdingOrganisationId.toLowerCase(),
      erased: state.erased,
      decided: [...state.sameAsCases, ...state.notSameAsCases],
    };
  }

  /** Whether the case has its tokens (else they are computed on demand). */
  async has(caseId: string): Promise<boolean> {
    const r = await this.deps.pool.query(
      'SELECT 1 FROM person_match_tokens WHERE case_id = $1 AND version = $2',
      [caseId.toLowerCase(), MATCH_TOKENS_VERSION],
    );
    return (r.rowCount ?? 0) > 0;
  }

  /** Both directions of a decided pair: never suggested again, whichever stream holds it yet. */
  async recordDecision(
    organisationId: string,
    caseId: string,
    otherCaseId: string,
    decision: string,
    decisionId: string,
  ): Promise<void> {
    await this.deps.pool.query(
      `INSERT INTO person_duplicate_decisions (case_id, other_case_id, organisation_id, decision, decision_id)
       VALUES ($1, $2, $3, $4, $5), ($2, $1, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [
        caseId.toLowerCase(),
        otherCaseId.toLowerCase(),
        organisationId.toLowerCase(),
        decision,
        decisionId,
      ],
    );
  }

  /**
   * Runs `decide` holding a PostgreSQL session advisory lock on the unordered pair of cases, in
   * every API process alike: two caseworkers deciding the same pair at once (from either case,
   * either way) are decided one after the other, so the second sees the first on the other
   * case's stream and is refused (DUPLICATE_ALREADY_DECIDED) rather than both being appended and
   * each mirror refused, leaving the two streams disagreeing.
   */
  async withPairLock<T>(caseId: string, otherCaseId: string, decide: () => Promise<T>): Promise<T> {
    const [a, b] = [caseId.toLowerCase(), otherCaseId.toLowerCase()].sort();
    const key = `remedy.duplicates.pair:${a}:${b}`;
    const client = await this.deps.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
      try {
        return await decide();
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
      }
    } finally {
      client.release();
    }
  }

  async forgetDecisions(caseId: string): Promise<number> {
    const r = await this.deps.pool.query(
      'DELETE FROM person_duplicate_decisions WHERE case_id = $1 OR other_case_id = $1',
      [caseId.toLowerCase()],
    );
    return r.rowCount ?? 0;
  }

  /**
   * The organisation's cases that may hold the same person as `caseId`, best first: candidates by
   * blocking-token overlap (GIN), scored with `compareTokens`, the suggested ones only
   * (`selectSuggestions`: strong on their own, or the best of the candidates), less the
   * pairs already decided (either way) and the cases in `decided`. Read as the application role
   * with the organisation set: row-level security shows its own rows only.
   */
  async possibleDuplicates(
    organisationId: string,
    caseId: string,
    decided: readonly string[] = [],
  ): Promise<DuplicateCandidate[]> {
    const id = caseId.toLowerCase();
    const org = organisationId.toLowerCase();
    const exclude = [...decided.map((d) => d.toLowerCase())];
    return withOrganisationScope(this.deps.pool as Pool, org, async (db) => {
      const own = await db.query<{ version: string; tokens: string[]; blocking: string[] }>(
        `SELECT version, tokens, blocking FROM person_match_tokens WHERE case_id = $1 AND organisation_id = $2`,
        [id, org],
      );
      const me = own[0];
      if (!me || me.blocking.length === 0) return [];
      const rows = await db.query<{
        case_id: string;
        case_reference: string;
        opened_on: string;
        version: string;
        tokens: string[];
        lifecycle: string | null;
      }>(
        `SELECT t.case_id, t.case_reference, to_char(t.opened_on, 'YYYY-MM-DD') AS opened_on,
                t.version, t.tokens, l.lifecycle
           FROM person_match_tokens t
           LEFT JOIN case_list l ON l.case_id = t.case_id AND NOT l.erased
          WHERE t.organisation_id = $1 AND t.case_id <> $2 AND t.blocking && $3::text[]
            AND NOT (t.case_id = ANY ($4::text[]))
            AND NOT EXISTS (SELECT 1 FROM person_duplicate_decisions d
                             WHERE d.case_id = $2 AND d.other_case_id = t.case_id)
          LIMIT ${MAX_CANDIDATES}`,
        [org, id, me.blocking, exclude],
      );
      const mine: MatchTokens = { version: me.version, tokens: me.tokens };
      const suggested = selectSuggestions(
        rows.map((r) => ({
          r,
          score: compareTokens(mine, { version: r.version, tokens: r.tokens }),
        })),
      );
      const tiedWith = new Map<string, string[]>();
      for (const tie of tiesOf(suggested))
        for (const { r } of tie)
          tiedWith.set(
            r.case_id,
            tie.map((t) => t.r.case_id).filter((other) => other !== r.case_id),
          );
      // Best first; the members of a tie next to each other (the same score), by reference.
      const tieKey = (c: DuplicateCandidate) =>
        [c.reference, ...c.tiedWith.map((o) => referenceOf.get(o)!)].sort()[0]!;
      const referenceOf = new Map(rows.map((r) => [r.case_id, r.case_reference]));
      return suggested
        .map(({ r, score }) => ({
          caseId: r.case_id,
          reference: r.case_reference,
          status: (r.lifecycle ?? 'open') as DuplicateCandidate['status'],
          openedOn: r.opened_on,
          score: Math.round(score.score * 1000) / 1000,
          evidence: [...score.evidence],
          tiedWith: tiedWith.get(r.case_id) ?? [],
        }))
        .sort(
          (a, b) =>
            b.score - a.score ||
            tieKey(a).localeCompare(tieKey(b)) ||
            a.reference.localeCompare(b.reference),
        );
    });
  }
}
