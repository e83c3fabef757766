import type { DataSource } from 'typeorm';
import { calendarDateIn, caseReachOf, readsWholeCase, type CaseReach } from '@remedy/case-domain';
import {
  openPersonalView,
  readCase,
  type PersonalDecrypter,
  type PersonalSealer,
  type PersonalView,
} from '@remedy/case-stream';
import { withOrganisationScope } from '@remedy/database';
import type { EventStore } from '@remedy/event-store';
import { ADULT_FROM_SQL, childNowSql, isChildToday } from './age';
import { decodeCursor, encodeCursor } from './cursor';
import { figureCasesSql, type DashboardFigure } from './dashboard/figures';
import type { CaseListRow, CaseReferralRow, CaseTimelineRow } from './entities';
import {
  LIFECYCLE_STATUSES,
  type CaseAsOf,
  type CaseDetail,
  type CaseListPage,
  type ReferralPage,
  type TimelineEntry,
  type TimelinePage,
} from './views';

export { LIFECYCLE_STATUSES };

export const CASE_SORTS = ['last_activity', 'reference', 'next_deadline'] as const;
export type CaseSort = (typeof CASE_SORTS)[number];
export const MAX_LIMIT = 100;

export interface CaseListFilter {
  readonly status?: (typeof LIFECYCLE_STATUSES)[number];
  readonly identificationStatus?: string;
  readonly child?: boolean;
  readonly caseworkerId?: string;
  readonly hasOpenReferrals?: boolean;
  /** The cases behind a figure of the supervisor's dashboard. */
  readonly figure?: DashboardFigure;
  readonly sort?: CaseSort;
  readonly cursor?: string;
  readonly limit?: number;
}

export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  constructor() {
    super('Invalid input: cursor (not a cursor of this listing and sort)');
  }
}

const SORTS: Record<CaseSort, { key: string; cast: string; order: string; cmp: '<' | '>' }> = {
  last_activity: {
    key: 'last_activity',
    cast: 'timestamptz',
    order: 'last_activity DESC, case_id DESC',
    cmp: '<',
  },
  reference: { key: 'reference', cast: 'text', order: 'reference ASC, case_id ASC', cmp: '>' },
  next_deadline: {
    key: `COALESCE(next_deadline, 'infinity'::date)`,
    cast: 'date',
    order: `COALESCE(next_deadline, 'infinity'::date) ASC, case_id ASC`,
    cmp: '>',
  },
};

const toIso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));

/**
 * The read side's queries, plain SQL over the read models (and the stream for `asOf` and for the
 * access decision of one case's reads). Every method takes the caller's organisation: a case it
 * may not read is "not found".
 */
export class CaseQueries {
  constructor(
    private readonly dataSource: DataSource,
    /** Opens personal fields; with `encryptJsonForCase` too (CaseCipher), it writes snapshots. */
    private readonly cipher: PersonalDecrypter & Partial<PersonalSealer>,
    private readonly eventStore: EventStore,
    private readonly timeZone: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * One statement in a transaction as the application role, with the caller's organisation set:
   * row-level security shows only its rows and those a consent-based grant gives it (defence in
   * depth under the checks here).
   */
  private scoped(organisationId: string, sql: string, params: unknown[]): Promise<unknown[]> {
    return withOrganisationScope(this.dataSource, organisationId, (db) => db.query(sql, params));
  }

  private today(): string {
    return calendarDateIn(this.now(), this.timeZone);
  }

  async listCases(organisationId: string, filter: CaseListFilter = {}): Promise<CaseListPage> {
    const sort = filter.sort ?? 'last_activity';
    const spec = SORTS[sort];
    const limit = Math.min(Math.max(1, filter.limit ?? 50), MAX_LIMIT);
    const today = this.today();
    const params: unknown[] = [organisationId];
    const where = ['l.organisation_id = $1'];
    const p = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.status) where.push(`lifecycle = ${p(filter.status)}`);
    if (filter.identificationStatus)
      where.push(`identification_status = ${p(filter.identificationStatus)}`);
    if (filter.caseworkerId) where.push(`caseworker_id = ${p(filter.caseworkerId)}`);
    if (filter.hasOpenReferrals !== undefined)
      where.push(filter.hasOpenReferrals ? 'open_referrals > 0' : 'open_referrals = 0');
    if (filter.figure) where.push(`l.case_id IN (${figureCasesSql(filter.figure, p(today))})`);
    if (filter.child !== undefined) {
      const child = childNowSql(p(today));
      where.push(filter.child ? child : `NOT ${child}`);
    }
    if (filter.cursor !== undefined) {
      const c = decodeCursor(filter.cursor, sort);
      if (!c) throw new InvalidCursorError();
      where.push(`(${spec.key}, case_id) ${spec.cmp} (${p(c.key)}::${spec.cast}, ${p(c.id)})`);
    }
    const rows = (await this.scoped(
      organisationId,
      `SELECT case_id, reference, lifecycle, identification_status, child_at_opening, child_at_identification,
              presumed_minor, (${ADULT_FROM_SQL})::text AS adult_from, caseworker_id, open_referrals,
              next_deadline::text AS next_deadline, last_activity, last_revision::text AS last_revision,
              (${spec.key})::text AS sort_key
         FROM case_list l LEFT JOIN case_adult_dates a USING (case_id) WHERE ${where.join(' AND ')}
        ORDER BY ${spec.order} LIMIT ${limit + 1}`,
      params,
    )) as (CaseListRow & { sort_key: string })[];
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        caseId: r.case_id,
        reference: r.reference,
        status: r.lifecycle,
        identificationStatus: r.identification_status,
        childAtOpening: r.child_at_opening,
        childAtIdentification: r.child_at_identification,
        childNow: isChildToday(r, today),
        assignedCaseworkerId: r.caseworker_id,
        openReferrals: r.open_referrals,
        nextDeadline: r.next_deadline,
        lastActivity: toIso(r.last_activity),
        lastRevision: Number(r.last_revision),
      })),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({ sort, key: last.sort_key, id: last.case_id })
          : null,
    };
  }

  /**
   * How `organisationId` reaches the case now, decided on the case's stream with the domain's own
   * rule (`caseReachOf`, the command side's decision too), never on a projection that may lag: a
   * referral with the person's consent grants access as soon as it is appended, and a withdrawn
   * consent (or a declined, completed or revoked referral) cuts it at the next request.
   * Only readable facts are folded (personal data is not decrypted to decide). The stream is read
   * from its latest snapshot (the events after it only), once per request (`scope`: the request,
   * whose access policy guard read it first).
   */
  async reachOf(
    organisationId: string,
    caseId: string,
    scope?: object,
  ): Promise<CaseReach | undefined> {
    const stream = await readCase(this.eventStore, caseId, {
      snapshot: true,
      scope,
      cipher: this.cipher,
    });
    if (!stream.exists) return undefined;
    return caseReachOf(stream.readableState(), organisationId);
  }

  /**
   * The case row when `organisationId` may read the whole case (it holds it, or a live referral
   * with the person's live consent names it: DOMAIN.md "Who uses it"), else undefined.
   */
  private async readableCase(
    organisationId: string,
    caseId: string,
    scope: object | undefined,
  ): Promise<CaseListRow | undefined> {
    if (!readsWholeCase(await this.reachOf(organisationId, caseId, scope))) return undefined;
    const rows = (await this.scoped(
      organisationId,
      `SELECT l.*, (${ADULT_FROM_SQL})::text AS adult_from, reflection_ends_on::text AS reflection_ends_on,
              next_deadline::text AS next_deadline, last_revision::text AS last_revision
         FROM case_list l LEFT JOIN case_adult_dates a USING (case_id) WHERE l.case_id = $1`,
      [caseId],
    )) as CaseListRow[];
    return rows[0];
  }

  /** `scope`: the request (its stream read is reused, see `reachOf`). */
  async caseDetail(
    organisationId: string,
    caseId: string,
    scope?: object,
  ): Promise<CaseDetail | undefined> {
    const r = await this.readableCase(organisationId, caseId, scope);
    if (!r) return undefined;
    const personal: Record<string, PersonalView> = {};
    for (const [topic, ct] of Object.entries(r.sealed_personal ?? {})) {
      const view = await openPersonalView(this.cipher, r.case_id, ct);
      if (view) personal[topic] = view;
    }
    if (r.erased) for (const topic of ['opening']) personal[topic] ??= { erased: true };
    const childNow = isChildToday(r, this.today());
    return {
      caseId: r.case_id,
      organisationId: r.organisation_id,
      reference: r.reference,
      status: r.lifecycle,
      identificationStatus: r.identification_status,
      childAtOpening: r.child_at_opening,
      childAtIdentification: r.child_at_identification,
      childNow,
      presumedMinor: r.presumed_minor,
      assignedCaseworkerId: r.caseworker_id,
      openReferrals: r.open_referrals,
      reflectionPeriodEndsOn: r.reflection_ends_on,
      nextDeadline: r.next_deadline,
      // The row lists decisions requested without an assessment; only a child needs one (rule 3), and
      // who is a child is known only today (as the reminders read it).
      bestInterestsPending: childNow ? r.best_interests_pending : [],
      erased: r.erased,
      openedAt: toIso(r.opened_at),
      lastActivity: toIso(r.last_activity),
      revision: Number(r.last_revision),
      facts: r.facts,
      personal,
    };
  }

  async timeline(
    organisationId: string,
    caseId: string,
    options: { afterRevision?: bigint; limit?: number } = {},
    scope?: object,
  ): Promise<TimelinePage | undefined> {
    const held = await this.readableCase(organisationId, caseId, scope);
    if (!held) return undefined;
    const limit = Math.min(Math.max(1, options.limit ?? 100), 500);
    // ORDER BY the table's bigint column: a bare `revision` would name the text output column
    // and sort 10 before 2.
    const rows = (await this.scoped(
      organisationId,
      `SELECT case_id, revision::text AS revision, event_type, occurred_at, recorded_at, actor_id, organisation_id, facts, has_personal, sealed_personal
         FROM case_timeline WHERE case_id = $1 AND revision > $2 ORDER BY case_timeline.revision LIMIT ${limit + 1}`,
      [caseId, (options.afterRevision ?? -1n).toString()],
    )) as CaseTimelineRow[];
    const page = rows.slice(0, limit);
    const items: TimelineEntry[] = [];
    for (const r of page) {
      const personal: PersonalView | undefined = !r.has_personal
        ? undefined
        : held.erased || r.sealed_personal === null
          ? { erased: true }
          : await openPersonalView(this.cipher, caseId, r.sealed_personal);
      items.push({
        revision: Number(r.revision),
        type: r.event_type,
        occurredAt: toIso(r.occurred_at),
        recordedAt: toIso(r.recorded_at),
        actorId: r.actor_id,
        organisationId: r.organisation_id,
        facts: r.facts,
        ...(personal ? { personal } : {}),
      });
    }
    return {
      items,
      nextAfterRevision:
        rows.length > limit && page.length > 0 ? Number(page[page.length - 1]!.revision) : null,
    };
  }

  async referrals(
    organisationId: string,
    direction: 'in' | 'out',
    options: { cursor?: string; limit?: number; status?: string } = {},
  ): Promise<ReferralPage> {
    const limit = Math.min(Math.max(1, options.limit ?? 50), MAX_LIMIT);
    const column = direction === 'in' ? 'to_organisation_id' : 'from_organisation_id';
    const params: unknown[] = [organisationId];
    const where = [`${column} = $1`];
    if (options.status) {
      params.push(options.status);
      where.push(`status = $${params.length}`);
    }
    const sortName = `referrals-${direction}`;
    if (options.cursor !== undefined) {
      const c = decodeCursor(options.cursor, sortName);
      if (!c) throw new InvalidCursorError();
      params.push(c.key, c.id);
      where.push(
        `(recorded_at, referral_id) < ($${params.length - 1}::timestamptz, $${params.length})`,
      );
    }
    const rows = (await this.scoped(
      organisationId,
      `SELECT *, recorded_at::text AS sort_key FROM case_referrals WHERE ${where.join(' AND ')}
        ORDER BY recorded_at DESC, referral_id DESC LIMIT ${limit + 1}`,
      params,
    )) as (CaseReferralRow & { sort_key: string })[];
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => {
        const common = {
          referralId: r.referral_id,
          direction,
          status: r.status,
          service: r.service,
          referredAt: toIso(r.referred_at),
          recordedAt: toIso(r.recorded_at),
          answeredAt: r.answered_at === null ? null : toIso(r.answered_at),
          closedAt: r.closed_at === null ? null : toIso(r.closed_at),
          fromOrganisationId: r.from_organisation_id,
          toOrganisationId: r.to_organisation_id,
        };
        if (direction === 'out')
          return { ...common, caseId: r.case_id, caseReference: r.case_reference };
        // Rule 2: the receiving side sees which case only while the person's consent is live.
        const visible = r.consent_live && r.status !== 'revoked';
        return { ...common, caseId: visible ? r.case_id : null };
      }),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({ sort: sortName, key: last.sort_key, id: last.referral_id })
          : null,
    };
  }

  /**
   * The case as the system had recorded it at `recordedAt`: the stream's events recorded by then
   * (readStream with recordedUntil), upcast and folded with the domain's `evolve`, personal parts
   * unopened (the readable fold). Not a read model. From the latest snapshot of a prefix recorded
   * by then (one is written at this cut when more than SNAPSHOT_AFTER events follow it), so the
   * cost does not grow with the history. Only an organisation that may read the whole case now may
   * ask (undefined otherwise).
   */
  async asOf(
    organisationId: string,
    caseId: string,
    recordedAt: Date,
    scope?: object,
  ): Promise<CaseAsOf | undefined> {
    if (!(await this.readableCase(organisationId, caseId, scope))) return undefined;
    const stream = await readCase(this.eventStore, caseId, {
      recordedUntil: recordedAt,
      snapshot: true,
      cipher: this.cipher,
    });
    return {
      caseId,
      recordedAt: recordedAt.toISOString(),
      revision: stream.revision === undefined ? null : Number(stream.revision),
      events: stream.complete
        ? stream.recorded.length
        : Number(stream.base!.revision) + 1 + stream.recorded.length,
      state: stream.readableState(),
    };
  }
}
