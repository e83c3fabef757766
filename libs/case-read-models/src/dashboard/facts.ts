import {
  adultFrom,
  calendarDateIn,
  evolve,
  initialState,
  type CalendarDate,
  type CaseEvent,
  type CaseState,
} from '@remedy/case-domain';

/**
 * The supervisor dashboard's dated facts (issue 17 item 2), folded from the case events (pure).
 * Dates are the events' occurred dates in the jurisdiction's time zone; windows ("next 7 days",
 * "overdue") are not stored: the queries compute them with the jurisdiction's today.
 */
export interface DashboardCaseRow {
  case_id: string;
  organisation_id: string;
  lifecycle: 'open' | 'closure_requested' | 'closed';
  identification_status: string;
  caseworker_id: string | null;
  opened_on: CalendarDate;
  /** The earliest occurred date of an assistance provided (null: none yet). */
  first_assistance_on: CalendarDate | null;
  reflection_ends_on: CalendarDate | null;
  presumed_minor: boolean;
  /** The first day the person is certainly an adult by the readable facts (null: unknown). */
  adult_from: CalendarDate | null;
  /**
   * A best-interests assessment is awaited (if the person is a child: decided when read): the case
   * is open and none is recorded and unused, or closure is requested with none for closure.
   */
  assessment_awaited: boolean;
  closure_requested_on: CalendarDate | null;
  /** The domain state folded so far (sealed personal fields stay out of it). */
  state: CaseState;
  last_revision: string;
}

export interface DashboardReferralRow {
  referral_id: string;
  case_id: string;
  from_organisation_id: string;
  to_organisation_id: string;
  status: string;
  referred_on: CalendarDate;
  answered_on: CalendarDate | null;
  /** Accepted (true) or declined (false) when answered; null until then. */
  accepted: boolean | null;
  last_revision: string;
}

export interface FoldContext {
  readonly revision: bigint;
  readonly timeZone: string;
}

const occurredOn = (event: CaseEvent, timeZone: string): CalendarDate =>
  calendarDateIn(new Date(event.data.occurredAt), timeZone);

const earliest = (a: CalendarDate | null | undefined, b: CalendarDate): CalendarDate =>
  a && a < b ? a : b;

/** Is an assessment awaited in this state (see `assessment_awaited`)? */
export function assessmentAwaited(state: CaseState): boolean {
  if (state.lifecycle !== 'open') return false;
  if (state.closureRequest) return state.bestInterests.closure === undefined;
  return Object.keys(state.bestInterests).length === 0;
}

/** The case's dashboard row after one more event; undefined before the case is opened. */
export function foldDashboardCase(
  row: DashboardCaseRow | undefined,
  event: CaseEvent,
  { revision, timeZone }: FoldContext,
): DashboardCaseRow | undefined {
  if (!row && event.type !== 'CaseOpened') return undefined;
  const state = evolve(row?.state ?? initialState, event);
  const on = occurredOn(event, timeZone);
  const lifecycle: DashboardCaseRow['lifecycle'] =
    state.lifecycle === 'closed' ? 'closed' : state.closureRequest ? 'closure_requested' : 'open';
  return {
    case_id: state.caseId,
    organisation_id: state.holdingOrganisationId,
    lifecycle,
    identification_status: state.victimStatus ?? 'not_identified',
    caseworker_id: state.caseworkerId ?? null,
    opened_on: row?.opened_on ?? on,
    first_assistance_on:
      event.type === 'AssistanceProvided'
        ? earliest(row?.first_assistance_on, on)
        : (row?.first_assistance_on ?? null),
    reflection_ends_on: state.reflectionPeriod?.endsOn ?? null,
    presumed_minor: state.age.presumedMinor,
    adult_from: adultFrom(state.age) ?? null,
    assessment_awaited: assessmentAwaited(state),
    closure_requested_on: !state.closureRequest
      ? null
      : event.type === 'ClosureRequested'
        ? on
        : (row?.closure_requested_on ?? on),
    state,
    last_revision: revision.toString(),
  };
}

/** The referral rows an event changes (pure); `referrals` holds the case's rows so far. */
export function foldDashboardReferrals(
  referrals: ReadonlyMap<string, DashboardReferralRow>,
  event: CaseEvent,
  { revision, timeZone }: FoldContext,
): DashboardReferralRow[] {
  const last_revision = revision.toString();
  const on = occurredOn(event, timeZone);
  const answer = (referralId: string, status: string, accepted?: boolean) => {
    const current = referrals.get(referralId);
    if (!current) return [];
    const answered =
      accepted === undefined || current.answered_on !== null ? {} : { answered_on: on, accepted };
    return [{ ...current, ...answered, status, last_revision }];
  };
  switch (event.type) {
    case 'CaseReferred':
      return [
        {
          referral_id: event.data.referralId,
          case_id: event.data.caseId,
          from_organisation_id: event.data.organisationId,
          to_organisation_id: event.data.toOrganisationId,
          status: 'pending',
          referred_on: on,
          answered_on: null,
          accepted: null,
          last_revision,
        },
      ];
    case 'ReferralAccepted':
      return answer(event.data.referralId, 'accepted', true);
    case 'ReferralDeclined':
      return answer(event.data.referralId, 'declined', false);
    case 'ReferralCompleted':
      return answer(event.data.referralId, 'completed');
    case 'ReferralRevoked':
      return answer(event.data.referralId, 'revoked');
    default:
      return [];
  }
}
