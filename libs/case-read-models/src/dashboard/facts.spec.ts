import type { CaseEvent } from '@remedy/case-domain';
import {
  foldDashboardCase,
  foldDashboardReferrals,
  type DashboardCaseRow,
  type DashboardReferralRow,
} from './facts';

/** The supervisor dashboard's pure fold: given events, when folded, then the dated facts. */
const CASE = '0b1d0c2e-0000-4000-8000-000000000001';
const ORG = '0b1d0c2e-0000-4000-8000-0000000000aa';
const OTHER = '0b1d0c2e-0000-4000-8000-0000000000cc';
const WORKER = '0b1d0c2e-0000-4000-8000-0000000000bb';
const TZ = 'Europe/Vienna';

const event = (type: string, occurredAt: string, data: Record<string, unknown> = {}) =>
  ({
    type,
    schemaVersion: type === 'CaseOpened' ? 2 : 1,
    data: {
      caseId: CASE,
      organisationId: ORG,
      actorId: WORKER,
      occurredAt,
      recordedAt: '2026-12-01T09:00:00Z',
      ...data,
    },
  }) as unknown as CaseEvent;

const opened = (occurredAt = '2026-11-01T23:30:00Z', birthYear = 1990) =>
  event('CaseOpened', occurredAt, {
    caseReference: 'X-2026-00001',
    referralSource: 'Embassy',
    profile: { sexGender: 'Female', ageUncertain: false, citizenships: ['MD'], birthYear },
    personal: { sealed: 'ciphertext' },
  });

function given(...events: CaseEvent[]): DashboardCaseRow | undefined {
  return events.reduce<DashboardCaseRow | undefined>(
    (row, e, i) => foldDashboardCase(row, e, { revision: BigInt(i), timeZone: TZ }),
    undefined,
  );
}

function referralsGiven(...events: CaseEvent[]): Map<string, DashboardReferralRow> {
  const rows = new Map<string, DashboardReferralRow>();
  events.forEach((e, i) => {
    for (const r of foldDashboardReferrals(rows, e, { revision: BigInt(i), timeZone: TZ }))
      rows.set(r.referral_id, r);
  });
  return rows;
}

describe('the supervisor dashboard facts', () => {
  it('given no opening, when any other event comes, then there is no row', () => {
    expect(given(event('AssistanceProvided', '2026-11-02T10:00:00Z'))).toBeUndefined();
  });

  it('given a case opened late in the evening UTC, then its opening date is the jurisdiction’s', () => {
    const row = given(opened('2026-11-01T23:30:00Z'))!;
    expect(row.opened_on).toBe('2026-11-02'); // Vienna is UTC+1
    expect(row.lifecycle).toBe('open');
    expect(row.identification_status).toBe('not_identified');
    expect(row.first_assistance_on).toBeNull();
  });

  it('when assistance is recorded twice, the second backdated, then the earliest occurred date counts', () => {
    const row = given(
      opened('2026-11-01T10:00:00Z'),
      event('AssistanceProvided', '2026-11-05T10:00:00Z', { assistanceType: 'Accommodation' }),
      event('AssistanceProvided', '2026-11-03T10:00:00Z', { assistanceType: 'Medical' }),
    )!;
    expect(row.first_assistance_on).toBe('2026-11-03');
  });

  it('when a caseworker is assigned and a reflection period granted, then both are facts', () => {
    const row = given(
      opened(),
      event('CaseworkerAssigned', '2026-11-02T10:00:00Z', { caseworkerId: WORKER }),
      event('ReflectionPeriodGranted', '2026-11-02T10:00:00Z', {
        startsOn: '2026-11-02',
        endsOn: '2026-12-02',
        remindOn: '2026-11-25',
        days: 30,
      }),
    )!;
    expect(row.caseworker_id).toBe(WORKER);
    expect(row.reflection_ends_on).toBe('2026-12-02');
  });

  it('given a minor without an assessment, then one is awaited; when recorded, then no longer', () => {
    const minor = opened('2026-11-01T10:00:00Z', 2012);
    const before = given(minor)!;
    expect(before.assessment_awaited).toBe(true);
    expect(before.adult_from).not.toBeNull();
    const after = given(
      minor,
      event('BestInterestsAssessmentRecorded', '2026-11-04T10:00:00Z', {
        decision: 'referral',
        outcome: 'in_favour',
      }),
    )!;
    expect(after.assessment_awaited).toBe(false);
  });

  it('when closure is requested without an assessment for closure, then one is awaited and the closure waits for approval', () => {
    const row = given(
      opened(),
      event('BestInterestsAssessmentRecorded', '2026-11-04T10:00:00Z', {
        decision: 'referral',
        outcome: 'in_favour',
      }),
      event('ClosureRequested', '2026-11-20T10:00:00Z', { reason: 'GoalsAchieved' }),
    )!;
    expect(row.lifecycle).toBe('closure_requested');
    expect(row.closure_requested_on).toBe('2026-11-20');
    expect(row.assessment_awaited).toBe(true);
    const approved = given(
      opened(),
      event('ClosureRequested', '2026-11-20T10:00:00Z', { reason: 'GoalsAchieved' }),
      event('ClosureApproved', '2026-11-21T10:00:00Z', { reason: 'GoalsAchieved' }),
    )!;
    expect(approved.lifecycle).toBe('closed');
    expect(approved.closure_requested_on).toBeNull();
    expect(approved.assessment_awaited).toBe(false);
  });

  it('given a referral, when it is accepted then completed, then the answer date and acceptance are kept', () => {
    const rows = referralsGiven(
      event('CaseReferred', '2026-11-02T10:00:00Z', { referralId: 'r1', toOrganisationId: OTHER }),
      event('ReferralAccepted', '2026-11-06T10:00:00Z', { referralId: 'r1' }),
      event('ReferralCompleted', '2026-11-20T10:00:00Z', { referralId: 'r1' }),
    );
    expect(rows.get('r1')).toMatchObject({
      from_organisation_id: ORG,
      to_organisation_id: OTHER,
      status: 'completed',
      referred_on: '2026-11-02',
      answered_on: '2026-11-06',
      accepted: true,
    });
  });

  it('when a referral is declined, then it is answered and not accepted; an unknown referral changes nothing', () => {
    const rows = referralsGiven(
      event('CaseReferred', '2026-11-02T10:00:00Z', { referralId: 'r2', toOrganisationId: OTHER }),
      event('ReferralDeclined', '2026-11-03T10:00:00Z', { referralId: 'r2' }),
      event('ReferralAccepted', '2026-11-03T10:00:00Z', { referralId: 'unknown' }),
    );
    expect(rows.get('r2')).toMatchObject({ answered_on: '2026-11-03', accepted: false });
    expect(rows.has('unknown')).toBe(false);
  });
});
