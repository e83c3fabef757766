import type { EntityManager } from 'typeorm';
import { CASE_EVENT_TYPES } from '@remedy/case-domain';
import { caseEventOf } from '@remedy/case-stream';
import type { RecordedEvent } from '@remedy/event-store';
import { copyUpsert, defineProjection } from '@remedy/projections';
import { DashboardCaseFactEntity, DashboardReferralEntity } from './entities';
import {
  foldDashboardCase,
  foldDashboardReferrals,
  type DashboardCaseRow,
  type DashboardReferralRow,
} from './facts';

export const DASHBOARD_PROJECTION = 'case-read.dashboard';

/** The jurisdiction's time zone as @remedy/config validates it (occurred dates are taken there). */
const jurisdictionTimeZone = (): string =>
  process.env.REMEDY_JURISDICTION_TIMEZONE?.trim() || 'UTC';

const CASE_COLUMNS: readonly (readonly [keyof DashboardCaseRow, string])[] = [
  ['case_id', 'text'],
  ['organisation_id', 'text'],
  ['lifecycle', 'text'],
  ['identification_status', 'text'],
  ['caseworker_id', 'text'],
  ['opened_on', 'date'],
  ['first_assistance_on', 'date'],
  ['reflection_ends_on', 'date'],
  ['presumed_minor', 'boolean'],
  ['adult_from', 'date'],
  ['assessment_awaited', 'boolean'],
  ['closure_requested_on', 'date'],
  ['state', 'jsonb'],
  ['last_revision', 'bigint'],
];
const REFERRAL_COLUMNS: readonly (readonly [keyof DashboardReferralRow, string])[] = [
  ['referral_id', 'text'],
  ['case_id', 'text'],
  ['from_organisation_id', 'text'],
  ['to_organisation_id', 'text'],
  ['status', 'text'],
  ['referred_on', 'date'],
  ['answered_on', 'date'],
  ['accepted', 'boolean'],
  ['last_revision', 'bigint'],
];
/** Dates read back as text (pg would make them local-midnight Dates). */
const selectList = (columns: readonly (readonly [string, string])[]) =>
  columns.map(([n, t]) => (t === 'date' || t === 'bigint' ? `${n}::text AS ${n}` : n)).join(', ');

const SELECT_CASES = `SELECT ${selectList(CASE_COLUMNS)} FROM dashboard_case_facts WHERE case_id = ANY($1::text[])`;
const SELECT_REFERRALS = `SELECT ${selectList(REFERRAL_COLUMNS)} FROM dashboard_referrals WHERE case_id = ANY($1::text[])`;
const REFERRAL_EVENTS = new Set([
  'CaseReferred',
  'ReferralAccepted',
  'ReferralDeclined',
  'ReferralCompleted',
  'ReferralRevoked',
]);

/**
 * The supervisor dashboard's read model (tables dashboard_case_facts, dashboard_referrals): one
 * row of dated facts per case and per referral, checkpointed like every projection. Per batch: one
 * SELECT of the rows of the batch's cases, the events folded in memory (skipping those at or below
 * a row's stored revision: idempotent), one upsert per table (COPY into a staging table).
 */
export const dashboardProjection = defineProjection({
  name: DASHBOARD_PROJECTION,
  eventTypes: CASE_EVENT_TYPES,
  entities: [DashboardCaseFactEntity, DashboardReferralEntity],
  batchSize: 1000,
  async apply(events: readonly RecordedEvent[], em: EntityManager): Promise<void> {
    const timeZone = jurisdictionTimeZone();
    const decoded = events.map((recorded) => ({ recorded, event: caseEventOf(recorded) }));
    const caseIds = [...new Set(decoded.map((d) => d.event.data.caseId))];
    const rows = new Map<string, DashboardCaseRow>();
    for (const r of (await em.query(SELECT_CASES, [caseIds])) as DashboardCaseRow[])
      rows.set(r.case_id, r);
    const referrals = new Map<string, DashboardReferralRow>();
    if (decoded.some((d) => REFERRAL_EVENTS.has(d.event.type))) {
      for (const r of (await em.query(SELECT_REFERRALS, [caseIds])) as DashboardReferralRow[])
        referrals.set(r.referral_id, r);
    }
    const changedCases = new Set<string>();
    const changedReferrals = new Set<string>();
    for (const { recorded, event } of decoded) {
      const caseId = event.data.caseId;
      const before = rows.get(caseId);
      if (before && BigInt(before.last_revision) >= recorded.revision) continue; // already applied
      const context = { revision: recorded.revision, timeZone };
      const after = foldDashboardCase(before, event, context);
      if (!after) continue;
      rows.set(caseId, after);
      changedCases.add(caseId);
      for (const r of foldDashboardReferrals(referrals, event, context)) {
        referrals.set(r.referral_id, r);
        changedReferrals.add(r.referral_id);
      }
    }
    await copyUpsert(
      em,
      'dashboard_case_facts',
      'case_id',
      CASE_COLUMNS,
      [...changedCases].map((id) => rows.get(id)!),
    );
    await copyUpsert(
      em,
      'dashboard_referrals',
      'referral_id',
      REFERRAL_COLUMNS,
      [...changedReferrals].map((id) => referrals.get(id)!),
    );
  },
  async clear(em: EntityManager): Promise<void> {
    await em.query('DELETE FROM dashboard_referrals');
    await em.query('DELETE FROM dashboard_case_facts');
  },
});
