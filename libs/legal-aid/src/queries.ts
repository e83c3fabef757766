import type { DataSource } from 'typeorm';
import { addDays, calendarDateIn } from '@remedy/case-domain';
import {
  readCase,
  readCases,
  type PersonalDecrypter,
  type PersonalSealer,
} from '@remedy/case-stream';
import { withOrganisationScope } from '@remedy/database';
import type { EventStore } from '@remedy/event-store';
import type { ReferenceRates } from '@remedy/config';
import { legalAidCandidatesSql, legalAidReachOf, reachableSql, type LegalAidReach } from './access';
import { claimTexts, claimView } from './claim-views';
import { CLAIM_SELECT, claimRowOf, claimSelect } from './claims.projection';
import type { ClaimDeadlineKind, LegalAidCaseRow } from './entities';
import { outcomeFigures } from './outcomes';
import { OUTCOME_FACT_COLUMNS, outcomeFactsOf } from './outcomes.query';
import { openLegalAidPersonal } from './personal';
import type {
  ClaimList,
  ClaimListItem,
  ClaimView,
  CurrencyTotals,
  DeadlineItem,
  Deadlines,
  LegalAidCaseList,
  LegalAidCaseView,
  OutcomeFiguresView,
  Portfolio,
  PortfolioGroup,
} from './views';

export type {
  ClaimList,
  ClaimListItem,
  DeadlineItem,
  Deadlines,
  LegalAidCaseList,
  LegalAidCaseSummary,
  LegalAidCaseView,
  Portfolio,
  PortfolioGroup,
} from './views';

/** Who asks: opaque ids only. */
export interface LegalAidCaller {
  readonly userId: string;
  readonly organisationId: string;
}

export interface LegalAidQueriesOptions {
  readonly dataSource: DataSource;
  /** Opens personal fields; with `encryptJsonForCase` too (CaseCipher), it writes snapshots. */
  readonly cipher: PersonalDecrypter & Partial<PersonalSealer>;
  readonly eventStore: EventStore;
  readonly timeZone: string;
  /** Yearly reference rates of the outcome figures (LEGAL_AID_REFERENCE_RATES); none: no conversion. */
  readonly referenceRates?: ReferenceRates;
  readonly now?: () => Date;
}

const CASE_COLUMNS = `c.*, c.last_revision::text AS last_revision`;

/**
 * The legal-aid read side. Legal-aid access is never decided from a stale read:
 * - one case: the case stream is read and folded with the domain's `evolve` at request time
 *   (`legalAidReachOf`); only then is the row read from the projection;
 * - lists: every case the projection says the organisation reaches through legal aid is
 *   verified the same way on its stream (`verifiedLegalAidCases`) before any of its rows is used;
 *   cases the organisation holds are served from the projection, like every holder's list.
 * Content freshness (read your writes) is the usual `X-Min-Position`.
 */
export class LegalAidQueries {
  readonly now: () => Date;
  constructor(readonly options: LegalAidQueriesOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * One statement in a transaction as the application role with the caller's organisation set
   * (row-level security: the holder's rows and those legal-aid access with live consent gives).
   */
  scoped(organisationId: string, sql: string, params: unknown[]): Promise<unknown[]> {
    return withOrganisationScope(this.options.dataSource, organisationId, (db) =>
      db.query(sql, params),
    );
  }

  /**
   * The cases the organisation reaches through legal-aid access, as the streams say now: the
   * projection's candidates (not held, access and consent live), each verified on its stream.
   * A revocation is therefore effective on the next request, whatever the projection's lag.
   */
  async verifiedLegalAidCases(
    organisationId: string,
    options: { withClaimsOnly?: boolean } = {},
  ): Promise<string[]> {
    const withClaims = options.withClaimsOnly
      ? 'AND EXISTS (SELECT 1 FROM legal_aid_claims cl WHERE cl.case_id = c.case_id)'
      : '';
    const candidates = (
      (await this.scoped(
        organisationId,
        `SELECT c.case_id FROM legal_aid_cases c WHERE ${legalAidCandidatesSql('c', '$1')} ${withClaims}`,
        [organisationId],
      )) as { case_id: string }[]
    ).map((r) => r.case_id);
    // Every candidate's stream in one statement, each from its latest snapshot (the readable
    // fold of its prefix) and the events after it: the decision is the stream's, its cost does
    // not grow with the histories.
    const streams = await readCases(this.options.eventStore, candidates);
    return candidates.filter((id) => {
      const stream = streams.get(id);
      return (
        stream?.exists === true &&
        legalAidReachOf(stream.readableState(), organisationId) === 'legal_aid'
      );
    });
  }

  /**
   * How the caller's organisation reaches the case, from the stream itself; undefined when
   * unreachable or unknown.
   */
  async reach(
    organisationId: string,
    caseId: string,
    scope?: object,
  ): Promise<{ reach: LegalAidReach; revision: bigint } | undefined> {
    // From the latest snapshot, once per request (`scope`: the guard's read serves the view).
    const stream = await readCase(this.options.eventStore, caseId, {
      snapshot: true,
      scope,
      cipher: this.options.cipher,
    });
    if (!stream.exists) return undefined;
    const reach = legalAidReachOf(stream.readableState(), organisationId);
    return reach ? { reach, revision: stream.revision ?? -1n } : undefined;
  }

  async caseView(
    caller: LegalAidCaller,
    caseId: string,
    scope?: object,
  ): Promise<LegalAidCaseView | undefined> {
    const found = await this.reach(caller.organisationId, caseId, scope);
    if (!found) return undefined;
    const read = async () =>
      (
        (await this.scoped(
          caller.organisationId,
          `SELECT ${CASE_COLUMNS} FROM legal_aid_cases c WHERE c.case_id = $1`,
          [caseId],
        )) as LegalAidCaseRow[]
      )[0];
    // Not projected yet (a case opened a moment ago): not found yet, as GET /cases/:id answers;
    // X-Min-Position makes the read wait for a write the client made.
    const row = await read();
    if (!row) return undefined;
    const claimRows = (
      (await this.scoped(
        caller.organisationId,
        `SELECT ${CLAIM_SELECT} FROM legal_aid_claims WHERE case_id = $1 ORDER BY filed_on, claim_id`,
        [caseId],
      )) as Record<string, unknown>[]
    ).map(claimRowOf);
    const today = this.today();
    const claims: ClaimView[] = [];
    for (const c of claimRows)
      claims.push({
        ...claimView(c, today),
        texts: await claimTexts(this.options.cipher, c, row.erased),
      });
    return {
      ...(await this.view(row, found.reach)),
      claims,
      totals: totalsOf(claims),
      // The stream's revision as read now (the If-Match of a command on it): the row's revision
      // counts only the events the view folds, so it would refuse every command after a note.
      revision: Number(found.revision),
    };
  }

  today(): string {
    return calendarDateIn(this.now(), this.options.timeZone);
  }

  private async view(
    row: LegalAidCaseRow,
    access: LegalAidReach,
  ): Promise<Omit<LegalAidCaseView, 'claims' | 'totals'>> {
    return {
      caseId: row.case_id,
      reference: row.reference,
      access,
      person: await openLegalAidPersonal(
        this.options.cipher,
        row.case_id,
        row.sealed_opening,
        row.erased,
      ),
      profile: {
        sexGender: row.sex_gender,
        ageGroup: row.age_group,
        citizenships: row.citizenships,
        languages: row.languages,
      },
      identification: {
        status: row.identification_status,
        formsOfExploitation: row.forms_of_exploitation,
      },
      nonPunishmentFlags: row.non_punishment_flags,
      remedies: row.remedies,
      revision: Number(row.last_revision),
    };
  }

  /** Cases the organisation reaches (held, or live legal-aid access), most recently changed first. */
  async listCases(
    caller: LegalAidCaller,
    options: { limit?: number } = {},
  ): Promise<LegalAidCaseList> {
    const verified = await this.verifiedLegalAidCases(caller.organisationId);
    const limit = Math.min(Math.max(1, options.limit ?? 50), 200);
    const rows = (await this.scoped(
      caller.organisationId,
      `SELECT c.case_id, c.reference, c.holding_organisation_id, c.identification_status, c.updated_at
         FROM legal_aid_cases c WHERE ${reachableSql('c', '$1', '$2')}
        ORDER BY c.updated_at DESC, c.case_id LIMIT ${limit}`,
      [caller.organisationId, verified],
    )) as Pick<
      LegalAidCaseRow,
      'case_id' | 'reference' | 'holding_organisation_id' | 'identification_status' | 'updated_at'
    >[];
    return {
      items: rows.map((r) => ({
        caseId: r.case_id,
        reference: r.reference,
        access: r.holding_organisation_id === caller.organisationId ? 'holder' : 'legal_aid',
        identificationStatus: r.identification_status,
      })),
    };
  }
}

export interface ClaimFilter {
  /** Opaque user id of the legal representative. */
  readonly representativeId?: string;
  readonly caseId?: string;
  readonly status?: string;
  readonly avenue?: string;
  readonly limit?: number;
}

const TOTALS = `count(*)::int AS claims, COALESCE(sum(cl.claimed_total), 0)::text AS claimed,
  COALESCE(sum(cl.awarded_total), 0)::text AS awarded, COALESCE(sum(cl.paid_total), 0)::text AS paid,
  COALESCE(sum(cl.outstanding), 0)::text AS outstanding`;

interface TotalsRow {
  currency: string;
  claims: number;
  claimed: string;
  awarded: string;
  paid: string;
  outstanding: string;
}

const totalsRow = (r: TotalsRow): CurrencyTotals => ({
  currency: r.currency,
  claims: r.claims,
  claimed: Number(r.claimed),
  awarded: Number(r.awarded),
  paid: Number(r.paid),
  outstanding: Number(r.outstanding),
});

/** Per-currency totals of claim views (pure). */
export function totalsOf(claims: readonly ClaimView[]): CurrencyTotals[] {
  const by = new Map<
    string,
    { claims: number; claimed: number; awarded: number; paid: number; outstanding: number }
  >();
  for (const c of claims) {
    const t = by.get(c.currency) ?? { claims: 0, claimed: 0, awarded: 0, paid: 0, outstanding: 0 };
    t.claims += 1;
    t.claimed += c.claimed.total;
    t.awarded += c.awarded?.total ?? 0;
    t.paid += c.paid;
    t.outstanding += c.outstanding;
    by.set(c.currency, t);
  }
  return [...by.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, t]) => ({ currency, ...t }));
}

/** Claims of cases the caller's organisation reaches, with the filters; `$1` = organisation. */
function claimScope(
  organisationId: string,
  verified: readonly string[],
  filter: ClaimFilter,
): { where: string; params: unknown[] } {
  const params: unknown[] = [organisationId, verified];
  const where = [reachableSql('c', '$1', '$2')];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (filter.representativeId)
    where.push(`cl.legal_representative_id = ${p(filter.representativeId)}`);
  if (filter.caseId) where.push(`cl.case_id = ${p(filter.caseId)}`);
  if (filter.status) where.push(`cl.status = ${p(filter.status)}`);
  if (filter.avenue) where.push(`cl.avenue = ${p(filter.avenue)}`);
  return { where: where.join(' AND '), params };
}

const FROM_CLAIMS = 'legal_aid_claims cl JOIN legal_aid_cases c ON c.case_id = cl.case_id';

export class LegalAidClaimQueries {
  constructor(private readonly q: LegalAidQueries) {}

  /** Claims per lawyer, per case or per organisation, soonest next deadline first; totals per currency. */
  async listClaims(caller: LegalAidCaller, filter: ClaimFilter = {}): Promise<ClaimList> {
    const verified = await this.q.verifiedLegalAidCases(caller.organisationId, {
      withClaimsOnly: true,
    });
    const limit = Math.min(Math.max(1, filter.limit ?? 100), 500);
    const today = this.q.today();
    const { where, params } = claimScope(caller.organisationId, verified, filter);
    params.push(today);
    const todayParam = `$${params.length}`;
    const rows = (await this.q.scoped(
      caller.organisationId,
      `SELECT ${claimSelect('cl')}, c.reference,
              (SELECT min((d->>'dueOn')::date) FROM jsonb_array_elements(cl.deadlines) d WHERE (d->>'dueOn')::date >= ${todayParam}::date) AS next_due
         FROM ${FROM_CLAIMS} WHERE ${where}
        ORDER BY next_due NULLS LAST, cl.filed_on, cl.claim_id LIMIT ${limit + 1}`,
      params,
    )) as (Record<string, unknown> & { reference: string })[];
    const totals = (await this.q.scoped(
      caller.organisationId,
      `SELECT cl.currency, ${TOTALS} FROM ${FROM_CLAIMS} WHERE ${where} GROUP BY cl.currency ORDER BY cl.currency`,
      params.slice(0, -1),
    )) as TotalsRow[];
    const items: ClaimListItem[] = rows
      .slice(0, limit)
      .map((r) => ({ ...claimView(claimRowOf(r), today), reference: r.reference }));
    return { items, truncated: rows.length > limit, totals: totals.map(totalsRow) };
  }

  /**
   * The portfolio: totals per avenue and status, per avenue, per status and overall, each per
   * currency (a sum never mixes currencies).
   */
  async portfolio(
    caller: LegalAidCaller,
    filter: Pick<ClaimFilter, 'representativeId'> = {},
  ): Promise<Portfolio> {
    const verified = await this.q.verifiedLegalAidCases(caller.organisationId, {
      withClaimsOnly: true,
    });
    const { where, params } = claimScope(caller.organisationId, verified, filter);
    const rows = (await this.q.scoped(
      caller.organisationId,
      `SELECT cl.avenue, cl.status, cl.currency, GROUPING(cl.avenue) AS g_avenue, GROUPING(cl.status) AS g_status, ${TOTALS}
         FROM ${FROM_CLAIMS} WHERE ${where}
        GROUP BY GROUPING SETS ((cl.avenue, cl.status, cl.currency), (cl.avenue, cl.currency), (cl.status, cl.currency), (cl.currency))
        ORDER BY cl.avenue NULLS FIRST, cl.status NULLS FIRST, cl.currency`,
      params,
    )) as (TotalsRow & {
      avenue: string | null;
      status: string | null;
      g_avenue: number;
      g_status: number;
    })[];
    const group = (r: (typeof rows)[number]): PortfolioGroup => ({
      avenue: r.avenue!,
      status: r.status!,
      ...totalsRow(r),
    });
    return {
      byAvenueAndStatus: rows.filter((r) => r.g_avenue === 0 && r.g_status === 0).map(group),
      byAvenue: rows
        .filter((r) => r.g_avenue === 0 && r.g_status === 1)
        .map(({ status: _s, ...r }) => ({ avenue: r.avenue!, ...totalsRow(r) })),
      byStatus: rows
        .filter((r) => r.g_avenue === 1 && r.g_status === 0)
        .map(({ avenue: _a, ...r }) => ({ status: r.status!, ...totalsRow(r) })),
      totals: rows.filter((r) => r.g_avenue === 1 && r.g_status === 1).map(totalsRow),
    };
  }

  /**
   * Outcome figures by avenue and year (`outcomeFigures`) of the claims the caller's organisation
   * reaches: the lawyer's own casework, so no statistical objection applies; the statistics
   * release publishes figures under disclosure control, not this.
   */
  async outcomes(
    caller: LegalAidCaller,
    filter: Pick<ClaimFilter, 'representativeId'> = {},
  ): Promise<OutcomeFiguresView> {
    const verified = await this.q.verifiedLegalAidCases(caller.organisationId, {
      withClaimsOnly: true,
    });
    const { where, params } = claimScope(caller.organisationId, verified, filter);
    const rows = await this.q.scoped(
      caller.organisationId,
      `SELECT ${OUTCOME_FACT_COLUMNS} FROM ${FROM_CLAIMS} WHERE ${where}`,
      params,
    );
    return outcomeFigures(outcomeFactsOf(rows), this.q.options.referenceRates);
  }

  /** Pending deadlines from today to today + `days` (calendar dates in the jurisdiction), soonest first. */
  async deadlines(
    caller: LegalAidCaller,
    options: { days: number; representativeId?: string; limit?: number },
  ): Promise<Deadlines> {
    const verified = await this.q.verifiedLegalAidCases(caller.organisationId, {
      withClaimsOnly: true,
    });
    const from = this.q.today();
    const to = addDays(from, options.days);
    const limit = Math.min(Math.max(1, options.limit ?? 200), 1000);
    const { where, params } = claimScope(caller.organisationId, verified, {
      representativeId: options.representativeId,
    });
    params.push(from, to);
    const rows = (await this.q.scoped(
      caller.organisationId,
      `SELECT cl.case_id, c.reference, cl.claim_id, cl.avenue, cl.legal_representative_id,
              d->>'kind' AS kind, d->>'subjectId' AS subject_id, d->>'dueOn' AS due_on
         FROM ${FROM_CLAIMS} CROSS JOIN LATERAL jsonb_array_elements(cl.deadlines) d
        WHERE ${where} AND (d->>'dueOn')::date BETWEEN $${params.length - 1}::date AND $${params.length}::date
        ORDER BY (d->>'dueOn')::date, cl.claim_id, d->>'kind' LIMIT ${limit}`,
      params,
    )) as {
      case_id: string;
      reference: string;
      claim_id: string;
      avenue: string;
      legal_representative_id: string | null;
      kind: ClaimDeadlineKind;
      subject_id: string;
      due_on: string;
    }[];
    const items: DeadlineItem[] = rows.map((r) => ({
      caseId: r.case_id,
      reference: r.reference,
      claimId: r.claim_id,
      avenue: r.avenue,
      kind: r.kind,
      subjectId: r.subject_id,
      dueOn: r.due_on,
      legalRepresentativeId: r.legal_representative_id,
    }));
    return { from, to, items };
  }
}
