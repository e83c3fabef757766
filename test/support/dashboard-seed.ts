import { randomUUID } from 'node:crypto';
import { addDays, calendarDateIn } from '@remedy/case-domain';
import { DASHBOARD_FIGURES, type DashboardFigure } from '@remedy/case-read-models';
import type { ApiApp, TestUser } from './api-app';
import { openCase, openCaseBody, type OrganisationWithStaff } from '../cases/commands/support';

/**
 * A data set for the supervisor's dashboard (issue 17 item 2), seeded through the API, and the
 * figures the dashboard must show, counted here independently from the cases as declared (not
 * from any read model). Dates are relative to the jurisdiction's today (Europe/Vienna).
 *
 * Two things are written directly, as their owners record them (no API creates them): a due
 * reminder per `reminder` (as the reminder processor does) and the embedded provider's account of
 * the named caseworker (as the accounts API does; only its display name matters here).
 */
export const DASHBOARD_TIME_ZONE = 'Europe/Vienna';
export const NAMED_CASEWORKER = 'Amira Haddad';

type Window = 'within7' | 'within30' | 'later';
interface CaseSpec {
  readonly key: string;
  readonly openedDaysAgo: number;
  readonly child?: boolean;
  /** 'named': the caseworker with an account; 'unnamed': one without (short id); none: unassigned. */
  readonly caseworker?: 'named' | 'unnamed';
  readonly identified?: boolean;
  readonly assistedDaysAgo?: number;
  /** Reflection period and the window its end falls in (rule 4: for an identified victim). */
  readonly reflection?: {
    readonly startsDaysAgo: number;
    readonly days: number;
    readonly window: Window;
  };
  /** Referral to the other organisation: answered (days after, accepted or not) or pending. */
  readonly referral?: {
    readonly daysAgo: number;
    readonly answer?: { readonly after: number; readonly accept: boolean };
  };
  readonly closure?: 'requested' | 'approved';
  /** Due reminders as the processor records them: days from today, done or not. */
  readonly reminders?: readonly { readonly dueInDays: number; readonly done: boolean }[];
}

const CASES: readonly CaseSpec[] = [
  {
    key: 'c1',
    openedDaysAgo: 20,
    caseworker: 'named',
    identified: true,
    assistedDaysAgo: 15,
    reflection: { startsDaysAgo: 27, days: 30, window: 'within7' },
    reminders: [{ dueInDays: -2, done: true }],
  },
  {
    key: 'c2',
    openedDaysAgo: 10,
    caseworker: 'named',
    identified: true,
    assistedDaysAgo: 7,
    reflection: { startsDaysAgo: 10, days: 30, window: 'within30' },
    reminders: [{ dueInDays: -1, done: false }],
  },
  {
    key: 'c3',
    openedDaysAgo: 5,
    caseworker: 'unnamed',
    assistedDaysAgo: 4,
    referral: { daysAgo: 4, answer: { after: 2, accept: true } },
  },
  { key: 'c4', openedDaysAgo: 3, child: true },
  {
    key: 'c5',
    openedDaysAgo: 30,
    caseworker: 'unnamed',
    closure: 'requested',
    reminders: [{ dueInDays: 0, done: false }],
  },
  {
    key: 'c6',
    openedDaysAgo: 2,
    caseworker: 'named',
    referral: { daysAgo: 2, answer: { after: 1, accept: false } },
  },
  { key: 'c7', openedDaysAgo: 40, caseworker: 'unnamed', assistedDaysAgo: 40, closure: 'approved' },
  {
    key: 'c8',
    openedDaysAgo: 1,
    caseworker: 'unnamed',
    identified: true,
    reflection: { startsDaysAgo: 0, days: 60, window: 'later' },
    referral: { daysAgo: 1 },
  },
];
/** A referral the other organisation sends to the holder, accepted a day later. */
const RECEIVED = { daysAgo: 6, acceptedAfter: 1 };

export interface ExpectedDashboard {
  readonly openTotal: number;
  /** `${caseworker label or ''}|${identificationStatus}` → count. */
  readonly openCells: Record<string, number>;
  readonly firstAssistance: { readonly cases: number; readonly medianDays: number | null };
  readonly reflectionEndingIn7Days: number;
  readonly reflectionEndingIn30Days: number;
  readonly childrenAwaitingAssessment: number;
  readonly referralsSent: ReferralExpectation;
  readonly referralsReceived: ReferralExpectation;
  readonly closuresAwaitingApproval: number;
  readonly overdueReminders: number;
}
interface ReferralExpectation {
  readonly count: number;
  readonly answered: number;
  readonly accepted: number;
  readonly acceptanceRate: number | null;
  readonly medianDaysToAnswer: number | null;
}

export interface DashboardSeed {
  readonly today: string;
  readonly expected: ExpectedDashboard;
  /** The holder's cases behind each figure (ids). */
  readonly casesBehind: Record<DashboardFigure, string[]>;
  readonly references: Record<string, string>;
  readonly ids: Record<string, string>;
  readonly namedCaseworkerId: string;
  readonly unnamedCaseworkerId: string;
  /** The last position written (read your writes). */
  readonly position: string;
}

export const median = (values: readonly number[]): number | null => {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const referralExpectation = (
  answers: readonly { after: number; accept: boolean }[],
  count: number,
) => {
  const accepted = answers.filter((a) => a.accept).length;
  return {
    count,
    answered: answers.length,
    accepted,
    acceptanceRate: answers.length === 0 ? null : accepted / answers.length,
    medianDaysToAnswer: median(answers.map((a) => a.after)),
  };
};

/** The figures, counted from the declared cases. */
function expectedOf(names: { named: string; unnamed: string }): ExpectedDashboard {
  const open = CASES.filter((c) => c.closure !== 'approved');
  const openCells: Record<string, number> = {};
  for (const c of open) {
    const who = c.caseworker ? names[c.caseworker] : '';
    const key = `${who}|${c.identified ? 'PossibleVictimOfTrafficking' : 'not_identified'}`;
    openCells[key] = (openCells[key] ?? 0) + 1;
  }
  const assisted = CASES.filter((c) => c.assistedDaysAgo !== undefined);
  const sent = CASES.flatMap((c) => (c.referral ? [c.referral] : []));
  return {
    openTotal: open.length,
    openCells,
    firstAssistance: {
      cases: assisted.length,
      medianDays: median(assisted.map((c) => c.openedDaysAgo - c.assistedDaysAgo!)),
    },
    reflectionEndingIn7Days: open.filter((c) => c.reflection?.window === 'within7').length,
    reflectionEndingIn30Days: open.filter((c) => c.reflection && c.reflection.window !== 'later')
      .length,
    childrenAwaitingAssessment: open.filter((c) => c.child).length,
    referralsSent: referralExpectation(
      sent.flatMap((r) => (r.answer ? [r.answer] : [])),
      sent.length,
    ),
    referralsReceived: referralExpectation([{ after: RECEIVED.acceptedAfter, accept: true }], 1),
    closuresAwaitingApproval: CASES.filter((c) => c.closure === 'requested').length,
    overdueReminders: CASES.flatMap((c) => c.reminders ?? []).filter(
      (r) => !r.done && r.dueInDays < 0,
    ).length,
  };
}

function casesBehindOf(ids: Record<string, string>): Record<DashboardFigure, string[]> {
  const open = CASES.filter((c) => c.closure !== 'approved');
  const pick = (cases: readonly CaseSpec[]) => cases.map((c) => ids[c.key]!).sort();
  const figures: Record<DashboardFigure, readonly CaseSpec[]> = {
    open,
    unassigned: open.filter((c) => !c.caseworker),
    assisted: CASES.filter((c) => c.assistedDaysAgo !== undefined),
    reflection_7: open.filter((c) => c.reflection?.window === 'within7'),
    reflection_30: open.filter((c) => c.reflection && c.reflection.window !== 'later'),
    assessment_awaited: open.filter((c) => c.child),
    referred_out: CASES.filter((c) => c.referral),
    closure_requested: CASES.filter((c) => c.closure === 'requested'),
    reminders_overdue: CASES.filter((c) => c.reminders?.some((r) => !r.done && r.dueInDays < 0)),
  };
  const missing = DASHBOARD_FIGURES.filter((f) => !(f in figures));
  if (missing.length > 0) throw new Error(`no expectation for ${missing.join(', ')}`);
  return Object.fromEntries(
    Object.entries(figures).map(([f, cases]) => [f, pick(cases)]),
  ) as Record<DashboardFigure, string[]>;
}

/** Seeds the holder's cases (and one the receiver refers to the holder) through the API. */
export async function seedDashboard(
  api: ApiApp,
  holder: OrganisationWithStaff,
  receiver: OrganisationWithStaff,
): Promise<DashboardSeed> {
  const today = calendarDateIn(new Date(), DASHBOARD_TIME_ZONE);
  const at = (daysAgo: number) => `${addDays(today, -daysAgo)}T10:00:00Z`;
  let position = '';
  const command = async (user: TestUser, url: string, body: Record<string, unknown>) => {
    const res = await api.post(user, url, body);
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    const answer = res.json() as { position: string; referralId?: string };
    position = answer.position;
    return answer;
  };
  const refer = async (
    from: OrganisationWithStaff,
    to: string,
    caseId: string,
    daysAgo: number,
  ) => {
    await command(from.caseworker, `/cases/${caseId}/consents`, {
      occurredAt: at(daysAgo),
      purpose: 'referral',
      receivingOrganisationId: to,
      obtainedInLanguage: 'en',
      interpreterUsed: false,
    });
    return (
      await command(from.caseworker, `/cases/${caseId}/referrals`, {
        occurredAt: at(daysAgo),
        toOrganisationId: to,
        service: 'Accommodation',
      })
    ).referralId!;
  };

  // The named caseworker: an account of the embedded provider (display name).
  const namedCaseworkerId = randomUUID();
  await api.pool.query(
    `INSERT INTO identity_accounts (user_id, organisation_id, login_name, display_name, roles, language)
     VALUES ($1, $2, $3, $4, '{caseworker}', 'en')`,
    [
      namedCaseworkerId,
      holder.organisationId,
      `cw-${namedCaseworkerId.slice(0, 8)}`,
      NAMED_CASEWORKER,
    ],
  );
  const unnamedCaseworkerId = holder.caseworker.userId;
  const caseworkerIds = { named: namedCaseworkerId, unnamed: unnamedCaseworkerId };

  const ids: Record<string, string> = {};
  const references: Record<string, string> = {};
  for (const spec of CASES) {
    const birthDate = spec.child ? addDays(today, -365 * 10) : '1990-04-02';
    const opened = await openCase(
      api,
      holder.caseworker,
      openCaseBody({
        occurredAt: at(spec.openedDaysAgo),
        personal: { fullName: `Dashboard Person ${spec.key}`, birthDate },
      }),
    );
    const caseId = opened.caseId;
    ids[spec.key] = caseId;
    references[spec.key] = opened.caseReference;
    position = opened.position;
    const on = (url: string, body: Record<string, unknown>, user = holder.caseworker) =>
      command(user, `/cases/${caseId}/${url}`, body);
    if (spec.caseworker) await on('caseworker', { caseworkerId: caseworkerIds[spec.caseworker] });
    if (spec.identified)
      await on('victim-status', {
        status: 'PossibleVictimOfTrafficking',
        decidingBody: 'NGO',
        decidedOn: today,
        formsOfExploitation: ['ForcedLabour'],
        sectors: [],
        countriesOfRecruitment: [],
        countriesOfTransit: [],
        countriesOfExploitation: ['AT'],
        meansOfControl: [],
      });
    if (spec.assistedDaysAgo !== undefined) {
      await on('consents', {
        occurredAt: at(spec.openedDaysAgo),
        purpose: 'assistance',
        obtainedInLanguage: 'en',
        interpreterUsed: false,
      });
      await on('assistance', {
        occurredAt: at(spec.assistedDaysAgo),
        assistanceType: 'Accommodation',
        personal: {},
      });
    }
    if (spec.reflection)
      await on('reflection-period', {
        startsOn: addDays(today, -spec.reflection.startsDaysAgo),
        days: spec.reflection.days,
      });
    if (spec.referral) {
      const referralId = await refer(
        holder,
        receiver.organisationId,
        caseId,
        spec.referral.daysAgo,
      );
      const answer = spec.referral.answer;
      if (answer)
        await command(
          receiver.caseworker,
          `/cases/${caseId}/referrals/${referralId}/${answer.accept ? 'accept' : 'decline'}`,
          {
            occurredAt: at(spec.referral.daysAgo - answer.after),
            ...(answer.accept ? {} : { personal: {} }),
          },
        );
    }
    if (spec.closure) {
      await on('closure/request', { reason: 'assistance_completed', personal: {} });
      if (spec.closure === 'approved')
        await on('closure/approve', { personal: {} }, holder.supervisor);
    }
    for (const r of spec.reminders ?? []) {
      const dueOn = addDays(today, r.dueInDays);
      await api.pool.query(
        `INSERT INTO due_reminders (reminder_id, case_id, organisation_id, kind, due_on, done_at, done_by)
         VALUES ($1, $2, $3, 'reflection_period_ending', $4, $5, $6)`,
        [
          `reflection_period_ending-${caseId}-case-${dueOn}`,
          caseId,
          holder.organisationId,
          dueOn,
          r.done ? new Date() : null,
          r.done ? holder.caseworker.userId : null,
        ],
      );
    }
  }
  // A case of the receiver, referred to the holder and accepted by it.
  const theirs = await openCase(api, receiver.caseworker, openCaseBody({ occurredAt: at(10) }));
  const received = await refer(receiver, holder.organisationId, theirs.caseId, RECEIVED.daysAgo);
  await command(holder.caseworker, `/cases/${theirs.caseId}/referrals/${received}/accept`, {
    occurredAt: at(RECEIVED.daysAgo - RECEIVED.acceptedAfter),
  });

  return {
    today,
    expected: expectedOf({
      named: NAMED_CASEWORKER,
      unnamed: unnamedCaseworkerId.replace(/-/g, '').slice(0, 8),
    }),
    casesBehind: casesBehindOf(ids),
    references,
    ids,
    namedCaseworkerId,
    unnamedCaseworkerId,
    position,
  };
}
