import type { DataSource } from 'typeorm';
import { decideCase } from '@remedy/access-policy';
import type { AuditRecord, AuditTrail } from '@remedy/audit';
import { isRole } from '@remedy/auth';
import { type CaseReach, caseReachOf, type CaseState, ERASED } from '@remedy/case-domain';
import type { CaseQueries, CaseReferralRow } from '@remedy/case-read-models';
import {
  openPersonalView,
  readCase,
  sealedCiphertextOf,
  type CaseStream,
  type PersonalDecrypter,
  type PersonalView,
} from '@remedy/case-stream';
import { withOrganisationScope } from '@remedy/database';
import type { EventStore } from '@remedy/event-store';
import type { LegalAidQueries } from '@remedy/legal-aid';
import { ACCESS_REQUEST_FORMAT, type AccessRequestExport, type ExportedEvent } from './views';

export {
  ACCESS_REQUEST_FORMAT,
  AccessRequestExport,
  ExportedEvent,
  ExportedReferral,
} from './views';

export type AccessRequestOutcome =
  | { readonly kind: 'not_found' }
  /** Known to the caller's organisation (a referral, legal aid) but not held by it. */
  | { readonly kind: 'not_holder'; readonly reach: CaseReach }
  /** The holding organisation, but not one of its supervisors. */
  | { readonly kind: 'not_supervisor' }
  | { readonly kind: 'ok'; readonly export: AccessRequestExport };

export interface AccessRequestDeps {
  readonly dataSource: DataSource;
  readonly eventStore: EventStore;
  readonly cipher: PersonalDecrypter;
  readonly caseQueries: CaseQueries;
  readonly legalAidQueries: LegalAidQueries;
  readonly auditTrail: AuditTrail;
  readonly now?: () => Date;
}

/** Audit pages read at most (500 rows each): a bound, far above any real case's history. */
const MAX_AUDIT_PAGES = 200;

const toIso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));

/**
 * Builds the person's access-request export of one case. Access is decided on the stream, as
 * every case read: only a supervisor of the organisation holding the case gets it (`ok`); another
 * role there `not_supervisor`; an organisation that only reaches it by referral or legal aid
 * `not_holder`; anyone else `not_found`. Nothing is decrypted before that decision.
 */
export class AccessRequestExporter {
  constructor(private readonly deps: AccessRequestDeps) {}

  async reachOf(
    organisationId: string,
    caseId: string,
  ): Promise<{
    reach: CaseReach | undefined;
    stream: CaseStream;
    state: CaseState;
  }> {
    const stream = await readCase(this.deps.eventStore, caseId);
    const state = stream.readableState();
    return {
      reach: stream.exists ? caseReachOf(state, organisationId) : undefined,
      stream,
      state,
    };
  }

  async export(
    caller: { readonly organisationId: string; readonly roles: readonly string[] },
    caseId: string,
  ): Promise<AccessRequestOutcome> {
    const { organisationId } = caller;
    const { reach, stream, state } = await this.reachOf(organisationId, caseId);
    // The access policy (@remedy/access-policy): unknown case 404; the holder's supervisors only.
    const roles = caller.roles.filter(isRole);
    const decision = decideCase({ roles }, 'export', 'AccessRequestExport', reach);
    if (decision === 'not_found' || reach === undefined) return { kind: 'not_found' };
    if (decision === 'forbidden')
      return reach === 'holder' ? { kind: 'not_supervisor' } : { kind: 'not_holder', reach };
    const { cipher, caseQueries, legalAidQueries } = this.deps;

    const events: ExportedEvent[] = [];
    for (const [i, r] of stream.recorded.entries()) {
      const e = stream.events[i]!;
      const data = e.data as unknown as Record<string, unknown>;
      const { personal: sealed, ...facts } = data;
      let personal: PersonalView | undefined;
      if ('personal' in data) {
        personal = state.erased
          ? ERASED
          : ((await openPersonalView(cipher, caseId, sealedCiphertextOf(sealed))) ?? ERASED);
      }
      const meta = (r.metadata ?? {}) as { userId?: unknown; organisationId?: unknown };
      events.push({
        revision: Number(r.revision),
        type: e.type,
        schemaVersion: e.schemaVersion,
        occurredAt: typeof data.occurredAt === 'string' ? data.occurredAt : toIso(r.occurredAt),
        recordedAt: toIso(r.recordedAt),
        actorId: typeof meta.userId === 'string' ? meta.userId : null,
        actorOrganisationId: typeof meta.organisationId === 'string' ? meta.organisationId : null,
        facts,
        ...(personal ? { personal } : {}),
      });
    }

    // As the application role with the holder's organisation set (row-level security).
    const referralRows = (await withOrganisationScope(this.deps.dataSource, organisationId, (db) =>
      db.query(
        `SELECT * FROM case_referrals WHERE case_id = $1 ORDER BY referred_at, referral_id`,
        [caseId],
      ),
    )) as CaseReferralRow[];
    const legalAid = await legalAidQueries.caseView(
      { userId: '00000000-0000-0000-0000-000000000000', organisationId },
      caseId,
    );

    return {
      kind: 'ok',
      export: {
        format: ACCESS_REQUEST_FORMAT,
        exportedAt: (this.deps.now?.() ?? new Date()).toISOString(),
        caseId,
        reference: state.caseReference,
        holdingOrganisationId: state.holdingOrganisationId,
        erased: state.erased,
        stored: false,
        case: (await caseQueries.caseDetail(organisationId, caseId)) ?? null,
        facts: state,
        events,
        notes: events.filter((e) => e.type === 'NoteAdded'),
        consents: events.filter((e) => e.type === 'ConsentGiven' || e.type === 'ConsentWithdrawn'),
        referrals: referralRows.map((r) => ({
          referralId: r.referral_id,
          fromOrganisationId: r.from_organisation_id,
          toOrganisationId: r.to_organisation_id,
          service: r.service,
          status: r.status,
          consentLive: r.consent_live,
          referredAt: toIso(r.referred_at),
          recordedAt: toIso(r.recorded_at),
          answeredAt: r.answered_at === null ? null : toIso(r.answered_at),
          closedAt: r.closed_at === null ? null : toIso(r.closed_at),
        })),
        claims: legalAid?.claims ?? [],
        claimTotals: legalAid?.totals ?? [],
        accessHistory: await this.accessHistory(caseId),
      },
    };
  }

  private async accessHistory(caseId: string): Promise<AuditRecord[]> {
    const out: AuditRecord[] = [];
    let before: string | undefined;
    for (let page = 0; page < MAX_AUDIT_PAGES; page++) {
      const { items, nextBefore } = await this.deps.auditTrail.caseHistory(caseId, {
        limit: 500,
        before,
      });
      out.push(...items);
      if (nextBefore === null) break;
      before = nextBefore;
    }
    return out;
  }
}
