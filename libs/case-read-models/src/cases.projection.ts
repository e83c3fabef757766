import type { EntityManager } from 'typeorm';
import {
  CASE_EVENT_TYPES,
  caseReachOf,
  evolve,
  initialState,
  type CaseEvent,
  type CaseState,
} from '@remedy/case-domain';
import { caseEventOf, sealedCiphertextOf } from '@remedy/case-stream';
import type { RecordedEvent } from '@remedy/event-store';
import { copyUpsert, defineProjection } from '@remedy/projections';
import { adultFrom } from './age';
import {
  CaseListEntity,
  CaseReferralEntity,
  type CaseListRow,
  type CaseReferralRow,
} from './entities';

export const CASES_PROJECTION = 'case-read.cases';

/*
 * DECISION (personal data in the read models): read models hold personal fields only as the
 * event's ciphertext, never in clear (the sealed format: @remedy/case-stream). The projections copy
 * that ciphertext as it is; the API opens it only for callers of the organisation holding the
 * case. After erasure the case's data key is shredded: the ciphertext can no longer be read, and
 * the projections also drop it when they apply `PersonalDataErased`, so the fields read as
 * `{ erased: true }`. Coarse facts (code-list values, years, age groups, dates of decisions) are
 * stored readable.
 */

/** Readable facts kept with the case row (never personal data: see the decision above). */
export interface CaseFacts {
  /** The domain state folded from the events (its personal fields are sealed, so absent here). */
  readonly state: CaseState;
  readonly referralSource?: string;
  readonly profile?: Record<string, unknown>;
  readonly ageGroupAtOpening?: unknown;
  readonly identification?: Record<string, unknown>;
}

const OPEN_REFERRAL = new Set(['pending', 'accepted']);

/** The case row after one more event (pure). `row` is undefined before the case is opened. */
export function foldCaseRow(
  row: CaseListRow | undefined,
  event: CaseEvent,
  recorded: { revision: bigint; recordedAt: Date },
): CaseListRow | undefined {
  if (!row && event.type !== 'CaseOpened') return undefined; // nothing to attach it to
  const facts = (row?.facts ?? { state: initialState }) as unknown as CaseFacts;
  const state = evolve(facts.state, event);
  const at = recorded.recordedAt.toISOString();
  const sealed = { ...(row?.sealed_personal ?? {}) };
  let nextFacts: CaseFacts = { ...facts, state };
  let childAtOpening = row?.child_at_opening ?? null;
  let childAtIdentification = row?.child_at_identification ?? null;
  let closureRequestedAt = row?.closure_requested_at ?? null;
  let erased = row?.erased ?? false;

  const seal = (topic: string, personal: unknown) => {
    const ct = sealedCiphertextOf(personal);
    if (ct !== undefined) sealed[topic] = ct;
  };

  switch (event.type) {
    case 'CaseOpened': {
      const { profile, referralSource, ageGroupAtOpening } = event.data;
      nextFacts = { ...nextFacts, profile: { ...profile }, referralSource, ageGroupAtOpening };
      childAtOpening = ageGroupAtOpening ? ageGroupAtOpening.category === 'child' : null;
      seal('opening', event.data.personal);
      break;
    }
    case 'VictimIdentified':
    case 'VictimStatusChanged': {
      const {
        personal: _p,
        caseId: _c,
        organisationId: _o,
        actorId: _a,
        occurredAt: _oa,
        recordedAt: _ra,
        ...readable
      } = event.data;
      nextFacts = { ...nextFacts, identification: readable };
      if (event.type === 'VictimIdentified' || childAtIdentification === null) {
        const group = event.data.ageGroupAtIdentification;
        childAtIdentification = group ? group.category === 'child' : childAtIdentification;
      }
      seal('identification', event.data.personal);
      break;
    }
    case 'AgeVerified':
      seal('birthDate', event.data.personal);
      break;
    case 'GuardianAppointed':
      seal('guardian', event.data.personal);
      break;
    case 'FactCorrected': {
      const c = event.data.correction;
      const profile = { ...(nextFacts.profile ?? {}) };
      if (c.fact === 'sexGender' || c.fact === 'citizenships' || c.fact === 'languages')
        profile[c.fact] = c.value;
      if (c.fact === 'birthDate') {
        profile.birthYear = c.birthYear;
        seal('birthDate', event.data.personal);
      }
      if (c.fact === 'estimatedAge') {
        profile.estimatedAge = c.value;
        profile.estimatedAgeOn = c.estimatedOn;
      }
      nextFacts = {
        ...nextFacts,
        profile,
        ...(c.fact === 'referralSource' ? { referralSource: c.value } : {}),
      };
      break;
    }
    case 'ClosureRequested':
      closureRequestedAt = at;
      break;
    case 'ClosureApproved':
    case 'CaseTransferred':
      closureRequestedAt = null;
      break;
    case 'PersonalDataErased':
      erased = true;
      break;
    default:
      break;
  }
  if (!state.closureRequest) closureRequestedAt = null;

  const lifecycle: CaseListRow['lifecycle'] =
    state.lifecycle === 'closed' ? 'closed' : state.closureRequest ? 'closure_requested' : 'open';
  const reflectionEndsOn = state.reflectionPeriod?.endsOn ?? null;
  return {
    case_id: state.caseId,
    organisation_id: state.holdingOrganisationId,
    reference: state.caseReference,
    lifecycle,
    identification_status: state.victimStatus ?? 'not_identified',
    child_at_opening: childAtOpening,
    child_at_identification: childAtIdentification,
    presumed_minor: state.age.presumedMinor,
    adult_from: adultFrom(state.age) ?? null,
    caseworker_id: state.caseworkerId ?? null,
    open_referrals: Object.values(state.referrals).filter((r) => OPEN_REFERRAL.has(r.status))
      .length,
    reflection_ends_on: reflectionEndsOn,
    next_deadline: lifecycle === 'closed' ? null : reflectionEndsOn,
    closure_requested_at: closureRequestedAt,
    best_interests_pending: state.closureRequest && !state.bestInterests.closure ? ['closure'] : [],
    erased,
    opened_at: row?.opened_at ?? at,
    last_activity: at,
    last_revision: recorded.revision.toString(),
    facts: nextFacts as unknown as Record<string, unknown>,
    // Erasure: the ciphertexts are unreadable once the key is shredded; drop them all the same.
    sealed_personal: erased ? {} : sealed,
    granted_organisations: grantedOrganisations(state),
  };
}

/**
 * The organisations other than the holder that may read the whole case now, by the domain's own
 * rule (`caseReachOf` = 'referral': a pending or accepted referral names them AND the person's
 * consent to that referral is live), lower-cased. Row-level security lets them see the row
 * (and its timeline); withdrawing the consent removes them in the same append.
 */
export function grantedOrganisations(state: CaseState): string[] {
  const candidates = new Set(
    Object.values(state.referrals).map((r) => r.toOrganisationId.toLowerCase()),
  );
  return [...candidates].filter((org) => caseReachOf(state, org) === 'referral').sort();
}

/** The referral rows after one more event of their case (pure); returns the rows it changed. */
export function foldReferrals(
  referrals: Map<string, CaseReferralRow>,
  before: CaseListRow,
  event: CaseEvent,
  recorded: { revision: bigint; recordedAt: Date },
): CaseReferralRow[] {
  const revision = recorded.revision.toString();
  const at = recorded.recordedAt.toISOString();
  const set = (referralId: string, patch: Partial<CaseReferralRow>): CaseReferralRow[] => {
    const current = referrals.get(referralId);
    if (!current) return [];
    const next = { ...current, ...patch, last_revision: revision };
    referrals.set(referralId, next);
    return [next];
  };
  switch (event.type) {
    case 'CaseReferred': {
      const row: CaseReferralRow = {
        referral_id: event.data.referralId,
        case_id: event.data.caseId,
        from_organisation_id: event.data.organisationId,
        to_organisation_id: event.data.toOrganisationId,
        service: event.data.service,
        status: 'pending',
        case_reference: before.reference,
        consent_live: true, // the command is refused without live consent (rule 2)
        referred_at: new Date(event.data.occurredAt).toISOString(),
        recorded_at: at,
        answered_at: null,
        closed_at: null,
        last_revision: revision,
      };
      referrals.set(row.referral_id, row);
      return [row];
    }
    case 'ReferralAccepted':
      return set(event.data.referralId, { status: 'accepted', answered_at: at });
    case 'ReferralDeclined':
      return set(event.data.referralId, { status: 'declined', answered_at: at, closed_at: at });
    case 'ReferralCompleted':
      return set(event.data.referralId, { status: 'completed', closed_at: at });
    case 'ReferralRevoked':
      return set(event.data.referralId, {
        status: 'revoked',
        closed_at: at,
        ...(event.data.cause === 'consent_withdrawn' ? { consent_live: false } : {}),
      });
    case 'ConsentWithdrawn':
    case 'ConsentGiven': {
      if (event.data.purpose !== 'referral' || !event.data.receivingOrganisationId) return [];
      const to = event.data.receivingOrganisationId;
      return [...referrals.values()]
        .filter((r) => r.case_id === event.data.caseId && r.to_organisation_id === to)
        .flatMap((r) => set(r.referral_id, { consent_live: event.type === 'ConsentGiven' }));
    }
    default:
      return [];
  }
}

const CASE_COLUMNS: readonly [keyof CaseListRow, string][] = [
  ['case_id', 'text'],
  ['organisation_id', 'text'],
  ['reference', 'text'],
  ['lifecycle', 'text'],
  ['identification_status', 'text'],
  ['child_at_opening', 'boolean'],
  ['child_at_identification', 'boolean'],
  ['presumed_minor', 'boolean'],
  ['adult_from', 'date'],
  ['caseworker_id', 'text'],
  ['open_referrals', 'int'],
  ['reflection_ends_on', 'date'],
  ['next_deadline', 'date'],
  ['closure_requested_at', 'timestamptz'],
  ['best_interests_pending', 'text[]'],
  ['erased', 'boolean'],
  ['opened_at', 'timestamptz'],
  ['last_activity', 'timestamptz'],
  ['last_revision', 'bigint'],
  ['facts', 'jsonb'],
  ['sealed_personal', 'jsonb'],
  ['granted_organisations', 'text[]'],
];

const REFERRAL_COLUMNS: readonly [keyof CaseReferralRow, string][] = [
  ['referral_id', 'text'],
  ['case_id', 'text'],
  ['from_organisation_id', 'text'],
  ['to_organisation_id', 'text'],
  ['service', 'text'],
  ['status', 'text'],
  ['case_reference', 'text'],
  ['consent_live', 'boolean'],
  ['referred_at', 'timestamptz'],
  ['recorded_at', 'timestamptz'],
  ['answered_at', 'timestamptz'],
  ['closed_at', 'timestamptz'],
  ['last_revision', 'bigint'],
];

const REFERRAL_EVENTS = new Set([
  'CaseReferred',
  'ReferralAccepted',
  'ReferralDeclined',
  'ReferralCompleted',
  'ReferralRevoked',
  'ConsentGiven',
  'ConsentWithdrawn',
]);

/**
 * The case list, detail and referral read models (tables case_list, case_referrals). Per batch:
 * one SELECT of the rows of the batch's cases, the events folded in memory (skipping any whose
 * revision is not above the stored one), then one upsert per table (COPY into a staging table).
 */
export const casesProjection = defineProjection({
  name: CASES_PROJECTION,
  // Row-level security reads its grants (case_list.granted_organisations): granting commands wait for it.
  carriesAccess: true,
  eventTypes: CASE_EVENT_TYPES,
  entities: [CaseListEntity, CaseReferralEntity],
  batchSize: 500,
  async apply(events: readonly RecordedEvent[], em: EntityManager): Promise<void> {
    const decoded = events.map((e) => ({ recorded: e, event: caseEventOf(e) }));
    const caseIds = [...new Set(decoded.map((d) => d.event.data.caseId))];
    const rows = new Map<string, CaseListRow>();
    for (const r of (await em.query(`SELECT * FROM case_list WHERE case_id = ANY($1::text[])`, [
      caseIds,
    ])) as CaseListRow[]) {
      rows.set(r.case_id, {
        ...r,
        last_revision: String(r.last_revision),
        adult_from: dateText(r.adult_from),
      });
    }
    const referrals = new Map<string, CaseReferralRow>();
    if (decoded.some((d) => REFERRAL_EVENTS.has(d.event.type))) {
      for (const r of (await em.query(
        `SELECT * FROM case_referrals WHERE case_id = ANY($1::text[])`,
        [caseIds],
      )) as CaseReferralRow[]) {
        referrals.set(r.referral_id, r);
      }
    }
    const changedCases = new Set<string>();
    const changedReferrals = new Map<string, CaseReferralRow>();
    for (const { recorded, event } of decoded) {
      const caseId = event.data.caseId;
      const before = rows.get(caseId);
      if (before && BigInt(before.last_revision) >= recorded.revision) continue; // already applied
      const after = foldCaseRow(before, event, recorded);
      if (!after) continue;
      for (const r of foldReferrals(referrals, after, event, recorded))
        changedReferrals.set(r.referral_id, r);
      rows.set(caseId, after);
      changedCases.add(caseId);
    }
    await copyUpsert(
      em,
      'case_list',
      'case_id',
      CASE_COLUMNS,
      [...changedCases].map((id) => rows.get(id)!),
    );
    await copyUpsert(em, 'case_referrals', 'referral_id', REFERRAL_COLUMNS, [
      ...changedReferrals.values(),
    ]);
  },
  async clear(em: EntityManager): Promise<void> {
    await em.query('DELETE FROM case_referrals');
    await em.query('DELETE FROM case_list');
  },
});

/** pg returns `date` columns as JS Dates at local midnight; keep them as calendar dates. */
function dateText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) {
    const y = value.getFullYear();
    const m = String(value.getMonth() + 1).padStart(2, '0');
    const d = String(value.getDate()).padStart(2, '0');
    return `${y}-${m}-${d}`;
  }
  return String(value);
}
