import type { DataSource } from 'typeorm';
import { evolveAll, initialState, upcast } from '@remedy/case-domain';
import { caseStreamId, type PersonalDecrypter } from '@remedy/case-read-models';
import type { EventStore, GlobalPosition } from '@remedy/event-store';
import type { ProjectionWaiter } from '@remedy/http';
import { legalAidReachOf, reachableSql, type LegalAidReach } from './access';
import type {
  AgeGroupValue,
  LegalAidCaseRow,
  NonPunishmentFlagValue,
  RemedyValue,
} from './entities';
import { LEGAL_AID_PROJECTION } from './legal-aid.projection';
import { openLegalAidPersonal, type LegalAidPersonal } from './personal';

/** The read model has not (yet) caught up with what the stream says: 503, retry shortly. */
export class LegalAidNotReadyError extends Error {
  override readonly name = 'LegalAidNotReadyError';
  constructor() {
    super('The legal-aid read model has not caught up yet; retry shortly');
  }
}

/** Who asks: opaque ids only. */
export interface LegalAidCaller {
  readonly userId: string;
  readonly organisationId: string;
}

/** Exactly what a legal-aid lawyer sees of a case (see README "What the view holds"). */
export interface LegalAidCaseView {
  readonly caseId: string;
  readonly reference: string;
  /** How the caller's organisation reaches the case. */
  readonly access: LegalAidReach;
  /** Name and contact channels, decrypted here; `{ erased: true }` after erasure. */
  readonly person: LegalAidPersonal;
  readonly profile: {
    readonly sexGender: string | null;
    readonly ageGroup: AgeGroupValue | null;
    readonly citizenships: readonly string[];
    /** As recorded; the first is the preferred language. */
    readonly languages: readonly string[];
  };
  readonly identification: {
    readonly status: string;
    readonly formsOfExploitation: readonly string[];
  };
  readonly nonPunishmentFlags: readonly NonPunishmentFlagValue[];
  readonly remedies: readonly RemedyValue[];
  /** The stream revision the row reflects. */
  readonly revision: string;
}

export interface LegalAidQueriesOptions {
  readonly dataSource: DataSource;
  readonly cipher: PersonalDecrypter;
  readonly eventStore: EventStore;
  readonly waiter: ProjectionWaiter;
  /** Bounded wait for the projection (read your writes); then 503. */
  readonly waitTimeoutMs: number;
  readonly timeZone: string;
  readonly now?: () => Date;
}

const CASE_COLUMNS = `c.*, c.last_revision::text AS last_revision`;

/**
 * The legal-aid read side. Access is never decided from a stale read:
 * - one case: the case stream is read and folded with the domain's `evolve` at request time
 *   (`legalAidReachOf`), and the row is read only once the projection has applied the stream's
 *   last event (bounded wait);
 * - lists: the projection is first brought up to the event store's head at request time (bounded
 *   wait), then filtered by organisation (`reachableSql`).
 */
export class LegalAidQueries {
  readonly now: () => Date;
  constructor(readonly options: LegalAidQueriesOptions) {
    this.now = options.now ?? (() => new Date());
  }

  private async waitFor(position: GlobalPosition): Promise<void> {
    const reached = await this.options.waiter.waitFor(
      [LEGAL_AID_PROJECTION],
      position,
      this.options.waitTimeoutMs,
    );
    if (!reached) throw new LegalAidNotReadyError();
  }

  /** The projection has applied everything the store had made readable when the request came. */
  async upToHead(): Promise<void> {
    await this.waitFor(await this.options.eventStore.headPosition());
  }

  /**
   * How the caller's organisation reaches the case, from the stream itself, and the position of
   * its last event; undefined when unreachable or unknown.
   */
  async reach(
    organisationId: string,
    caseId: string,
  ): Promise<{ reach: LegalAidReach; position: GlobalPosition } | undefined> {
    const events = await this.options.eventStore.readStream(caseStreamId(caseId));
    const last = events[events.length - 1];
    if (!last) return undefined;
    const state = evolveAll(
      events.map((e) => upcast({ type: e.type, schemaVersion: e.schemaVersion, data: e.data })),
      initialState,
    );
    const reach = legalAidReachOf(state, organisationId);
    return reach ? { reach, position: last.position } : undefined;
  }

  async caseView(caller: LegalAidCaller, caseId: string): Promise<LegalAidCaseView | undefined> {
    const found = await this.reach(caller.organisationId, caseId);
    if (!found) return undefined;
    await this.waitFor(found.position);
    const rows = (await this.options.dataSource.query(
      `SELECT ${CASE_COLUMNS} FROM legal_aid_cases c WHERE c.case_id = $1`,
      [caseId],
    )) as LegalAidCaseRow[];
    const row = rows[0];
    if (!row) throw new LegalAidNotReadyError();
    return this.view(row, found.reach);
  }

  private async view(row: LegalAidCaseRow, access: LegalAidReach): Promise<LegalAidCaseView> {
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
      revision: row.last_revision,
    };
  }

  /** Cases the organisation reaches (held, or live legal-aid access), most recently changed first. */
  async listCases(
    caller: LegalAidCaller,
    options: { limit?: number } = {},
  ): Promise<{ items: LegalAidCaseSummary[] }> {
    await this.upToHead();
    const limit = Math.min(Math.max(1, options.limit ?? 50), 200);
    const rows = (await this.options.dataSource.query(
      `SELECT c.case_id, c.reference, c.holding_organisation_id, c.identification_status, c.updated_at
         FROM legal_aid_cases c WHERE ${reachableSql('c', '$1')}
        ORDER BY c.updated_at DESC, c.case_id LIMIT ${limit}`,
      [caller.organisationId],
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

export interface LegalAidCaseSummary {
  readonly caseId: string;
  readonly reference: string;
  readonly access: LegalAidReach;
  readonly identificationStatus: string;
}
