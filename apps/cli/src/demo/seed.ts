import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRemedyClient, type PathsWithMethod, type RemedyClient } from '@remedy/api-client';
import { LocalTokenIssuer, type Role } from '@remedy/auth';
import { uuidV5 } from '@remedy/case-commands';
import { addDays, FORMS_OF_EXPLOITATION, MEANS_OF_CONTROL } from '@remedy/case-domain';
import {
  comparePositions,
  formatPosition,
  parsePosition,
  type GlobalPosition,
} from '@remedy/event-store';
import {
  DEMO_ORGANISATIONS,
  FAMILY_NAMES,
  GIVEN_NAMES,
  NOTE_TEXTS,
  ORIGINS,
  Random,
  SEX_GENDER_MIX,
  type DemoOrganisation,
} from './fictional';

/**
 * `npm run demo`: seeds a realistic, entirely fictional data set through the command API of a
 * running system (HTTP only, as any client would), with tokens of the local issuer. Every request
 * carries an Idempotency-Key derived from the plan, and the plan is the same on every run (a
 * seeded generator, dates anchored on the first run's day, kept in <REMEDY_DATA_DIR>/demo.json),
 * so running it again appends nothing.
 */
export interface DemoOptions {
  readonly apiUrl: string;
  /** Where the local issuer's signing key is (REMEDY_DATA_DIR). */
  readonly dataDir: string;
  readonly cases?: number;
  readonly concurrency?: number;
  /** The day the plan's dates count back from (default: kept in demo.json, first set to yesterday UTC). */
  readonly anchor?: string;
  readonly log?: (line: string) => void;
}

export type CaseStatus = 'open' | 'closure_requested' | 'closed';
export type ReferralOutcome = 'pending' | 'accepted' | 'completed' | 'declined';

export interface DemoUser {
  readonly role: Role;
  readonly userId: string;
  readonly organisationId: string;
  readonly organisationName: string;
  readonly token: string;
}

export interface DemoReport {
  readonly anchor: string;
  readonly organisations: readonly {
    key: string;
    organisationId: string;
    name: string;
    code: string;
  }[];
  /** One user per role (the caseworker and supervisor of the first NGO). */
  readonly users: Readonly<Record<Role, DemoUser>>;
  readonly requests: {
    sent: number;
    replayed: number;
    failed: number;
    stale: number;
    /** Answered 429 first (per-user rate limit) and sent again after Retry-After. */
    rateLimited: number;
  };
  /** The latest position the answers reported: send it as X-Min-Position to read everything seeded. */
  readonly lastPosition?: string;
  /** The first few failures: step, status, rule or message (no personal data). */
  readonly failures: readonly string[];
  /** What the plan leads to, for checks against the read models. */
  readonly expected: {
    readonly cases: number;
    readonly byStatus: Readonly<Record<CaseStatus, number>>;
    readonly referrals: Readonly<Record<ReferralOutcome, number>>;
    readonly children: number;
    readonly legalAidAccess: number;
    /** Compensation claims per currency (ISO 4217). */
    readonly claimsByCurrency: Readonly<Record<string, number>>;
    readonly events: Readonly<Record<string, number>>;
  };
  /** Case ids to try requests on. */
  readonly samples: {
    readonly caseId?: string;
    readonly closureRequestedCaseId?: string;
    readonly legalAidCaseId?: string;
  };
}

// ------------------------------------------------------------------------------------ planning

/** A demo user: organisation, role and which of its several staff (0 = the one printed at the end). */
type UserRef = { org: DemoOrganisation['key']; role: Role; n?: number };
/** Caseworkers per organisation (cases are shared out among them, as the rate limit is per user). */
const CASEWORKERS = 4;

interface Step {
  readonly name: string;
  readonly user: UserRef;
  /**
   * The route, as the API's OpenAPI document names it (e.g. `/cases/{caseId}/notes`); its
   * parameters are the ids of the case's earlier steps (`caseId`, and those `remember`ed).
   */
  readonly path: PathsWithMethod<'post'>;
  readonly body: Record<string, unknown>;
  /** Event types the step appends. */
  readonly events: readonly string[];
  /**
   * Answer field to remember for later steps (e.g. referralId): a path parameter of theirs, or
   * `{id:<field>}` in their bodies.
   */
  readonly remember?: string;
}

interface CasePlan {
  readonly index: number;
  readonly holder: DemoOrganisation;
  readonly steps: readonly Step[];
  readonly status: CaseStatus;
  readonly referral?: ReferralOutcome;
  readonly child: boolean;
  readonly legalAid: boolean;
  readonly claim?: ClaimPlan;
}

export interface ClaimPlan {
  readonly currency: string;
  readonly stage: 'filed' | 'hearing' | 'partly_paid' | 'rejected' | 'fully_paid';
}

const CLAIM_CURRENCIES = [
  ['EUR', 0.5],
  ['GBP', 0.15],
  ['CHF', 0.1],
  ['USD', 0.1],
  ['RON', 0.1],
  ['UAH', 0.05],
] as const;

/**
 * A compensation claim filed by the legal-aid lawyer after the remedy was sought, in one of
 * several currencies (integer minor units), taken to a stage: filed, hearing scheduled, decided
 * and partly paid, rejected and closed, or fully paid and closed. Its own generator, so the
 * rest of the case's plan does not depend on it.
 */
function planClaim(index: number, anchor: string, steps: Step[]): ClaimPlan | undefined {
  const rnd = new Random(0xc1a1e000 + index * 104_729);
  if (!rnd.chance(0.7)) return undefined;
  const lawyer: UserRef = { org: 'legal', role: 'legal_aid' };
  const currency = rnd.weighted(CLAIM_CURRENCIES);
  const wages = rnd.int(20, 400) * 10_000; // minor units: 2,000.00 to 40,000.00
  const moral = rnd.chance(0.5) ? rnd.int(5, 100) * 10_000 : 0;
  const filedOn = addDays(anchor, -rnd.int(20, 120));
  steps.push({
    name: 'claim',
    user: lawyer,
    path: '/cases/{caseId}/claims',
    body: {
      avenue: rnd.pick([
        'CriminalProceedingsWithCivilClaim',
        'CivilClaim',
        'LabourOrEmploymentTribunal',
      ]),
      respondentKind: rnd.pick(['Trafficker', 'Employer', 'RecruitmentAgency']),
      currency,
      claimed: { UnpaidWages: wages, ...(moral > 0 ? { MoralDamage: moral } : {}) },
      filedOn,
      filingDeadline: addDays(filedOn, rnd.int(1, 30)),
      remedyId: '{id:remedyId}',
      legalRepresentativeId: demoUserId('legal', 'legal_aid'),
      personal: { text: 'Fictional demo: wages withheld for months.' },
    },
    events: ['CompensationClaimFiled'],
    remember: 'claimId',
  });
  const stage = rnd.weighted([
    ['filed', 0.3],
    ['hearing', 0.2],
    ['partly_paid', 0.25],
    ['rejected', 0.1],
    ['fully_paid', 0.15],
  ] as const);
  if (stage === 'filed') return { currency, stage };
  if (stage === 'hearing') {
    steps.push({
      name: 'claim-hearing',
      user: lawyer,
      path: '/cases/{caseId}/claims/{claimId}/hearings',
      body: { hearingOn: addDays(anchor, rnd.int(7, 90)) },
      events: ['ClaimHearingScheduled'],
    });
    return { currency, stage };
  }
  const decidedOn = addDays(filedOn, rnd.int(5, 19));
  if (stage === 'rejected') {
    steps.push({
      name: 'claim-decision',
      user: lawyer,
      path: '/cases/{caseId}/claims/{claimId}/decision',
      body: { outcome: 'rejected', awarded: {}, currency, decidedOn },
      events: ['ClaimDecided'],
    });
    steps.push({
      name: 'claim-closure',
      user: lawyer,
      path: '/cases/{caseId}/claims/{claimId}/closure',
      body: { outcome: 'rejected', closedOn: anchor },
      events: ['ClaimClosed'],
    });
    return { currency, stage };
  }
  const awarded = stage === 'fully_paid' ? wages : Math.round(wages / 200) * 100;
  steps.push({
    name: 'claim-decision',
    user: lawyer,
    path: '/cases/{caseId}/claims/{claimId}/decision',
    body: {
      outcome: awarded === wages && moral === 0 ? 'awarded' : 'partly_awarded',
      awarded: { UnpaidWages: awarded },
      currency,
      decidedOn,
      paymentDueOn: addDays(anchor, rnd.int(10, 60)),
    },
    events: ['ClaimDecided'],
  });
  steps.push({
    name: 'claim-payment',
    user: lawyer,
    path: '/cases/{caseId}/claims/{claimId}/payments',
    body: {
      amount: stage === 'fully_paid' ? awarded : Math.round(awarded / 300) * 100,
      currency,
      receivedOn: anchor,
    },
    events: ['ClaimPaymentReceived'],
  });
  if (stage === 'fully_paid') {
    steps.push({
      name: 'claim-closure',
      user: lawyer,
      path: '/cases/{caseId}/claims/{claimId}/closure',
      body: { outcome: 'fully_paid', closedOn: anchor },
      events: ['ClaimClosed'],
    });
  }
  return { currency, stage };
}

const HOLDERS = DEMO_ORGANISATIONS.filter((o) => o.holdsCases);
const org = (key: DemoOrganisation['key']) => DEMO_ORGANISATIONS.find((o) => o.key === key)!;

const caseworker = (o: DemoOrganisation, n = 0): UserRef => ({ org: o.key, role: 'caseworker', n });
const supervisor = (o: DemoOrganisation): UserRef => ({ org: o.key, role: 'supervisor' });

function isoAt(date: string, hour: number, minute: number): string {
  return `${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00.000Z`;
}

/** One case's commands, chosen by a generator seeded with the case's index. */
export function planCase(index: number, anchor: string): CasePlan {
  const rnd = new Random(0x5eed0000 + index * 7919);
  const holder = HOLDERS[index % HOLDERS.length]!;
  const cw = caseworker(holder, Math.floor(index / HOLDERS.length) % CASEWORKERS);
  const sv = supervisor(holder);
  const steps: Step[] = [];
  const add = (step: Step) => steps.push(step);

  // Opening: who the person is (fictional), when it happened.
  const openedOn = addDays(anchor, -rnd.int(7, 240));
  const origin = rnd.pick(ORIGINS);
  const sexGender = rnd.weighted(SEX_GENDER_MIX);
  const childKind = rnd.weighted([
    ['adult', 0.72],
    ['child_known', 0.14],
    ['child_presumed', 0.09],
    ['adult_uncertain', 0.05],
  ] as const);
  const anchorYear = Number(anchor.slice(0, 4));
  const birthYear =
    childKind === 'child_known' ? anchorYear - rnd.int(9, 16) : anchorYear - rnd.int(19, 58);
  const birthDate =
    childKind === 'adult' || childKind === 'child_known'
      ? `${birthYear}-${String(rnd.int(1, 12)).padStart(2, '0')}-${String(rnd.int(1, 28)).padStart(2, '0')}`
      : undefined;
  const child = childKind === 'child_known' || childKind === 'child_presumed';
  const fullName = `${rnd.pick(GIVEN_NAMES)} ${rnd.pick(FAMILY_NAMES)}`;
  const languages =
    origin.language === 'en' ? ['en'] : [origin.language, 'en'].slice(0, rnd.int(1, 2));
  add({
    name: 'open',
    user: cw,
    path: '/cases',
    body: {
      referralSource: rnd.pick([
        'Hotline',
        'NGO',
        'LabourInspectorate',
        'SelfReferral',
        'LawEnforcement',
        'HealthServiceOrganisation',
      ]),
      profile: {
        sexGender,
        ageUncertain: birthDate === undefined,
        citizenships: [origin.citizenship],
        languages,
        ...(birthDate === undefined
          ? { estimatedAge: childKind === 'child_presumed' ? rnd.int(14, 17) : rnd.int(20, 30) }
          : {}),
      },
      personal: {
        fullName,
        ...(birthDate ? { birthDate } : {}),
        ...(rnd.chance(0.3)
          ? { aliases: [`${rnd.pick(GIVEN_NAMES)} ${rnd.pick(FAMILY_NAMES)}`] }
          : {}),
      },
      occurredAt: isoAt(openedOn, rnd.int(8, 17), rnd.int(0, 59)),
    },
    events: ['CaseOpened'],
  });
  const note = (name: string) =>
    add({
      name,
      user: cw,
      path: '/cases/{caseId}/notes',
      body: { personal: { text: rnd.pick(NOTE_TEXTS) } },
      events: ['NoteAdded'],
    });
  if (rnd.chance(0.5)) note('note-1');

  if (childKind === 'child_presumed') {
    add({
      name: 'presume-minority',
      user: cw,
      path: '/cases/{caseId}/presume-minority',
      body: { personal: { text: 'Fictional demo: says they are a minor; no document yet.' } },
      events: ['MinorityPresumed'],
    });
  }
  if (child && rnd.chance(0.8)) {
    add({
      name: 'guardian',
      user: cw,
      path: '/cases/{caseId}/guardians',
      body: {
        kind: rnd.pick(['guardian', 'legal_representative']),
        personal: {
          name: `${rnd.pick(GIVEN_NAMES)} ${rnd.pick(FAMILY_NAMES)} (fictional guardian)`,
        },
      },
      events: ['GuardianAppointed'],
    });
  }

  let status: CaseStatus = 'open';
  let referral: ReferralOutcome | undefined;
  let legalAid = false;
  let claims: ClaimPlan | undefined;
  const done = (): CasePlan => ({
    ...(claims ? { claim: claims } : {}),
    index,
    holder,
    steps,
    status,
    child,
    legalAid,
    ...(referral ? { referral } : {}),
  });

  // 12 %: opened only, not identified yet.
  if (rnd.chance(0.12)) return done();

  const decidedOn = addDays(openedOn, rnd.int(0, 6));
  const exploitation = rnd.pick(FORMS_OF_EXPLOITATION.filter((f) => f !== 'Other'));
  const firstStatus = rnd.chance(0.55)
    ? 'PossibleVictimOfTrafficking'
    : 'ActualVictimOfTrafficking';
  add({
    name: 'identify',
    user: cw,
    path: '/cases/{caseId}/victim-status',
    body: {
      status: firstStatus,
      decidingBody:
        firstStatus === 'PossibleVictimOfTrafficking'
          ? 'NGO'
          : rnd.pick(['Police', 'CourtOrProsecution', 'NonPoliceGovernmentalOrganization']),
      decidedOn: decidedOn <= anchor ? decidedOn : anchor,
      formsOfExploitation: [exploitation],
      sectors: [],
      countriesOfRecruitment: [origin.citizenship === 'STATELESS' ? 'UNKNOWN' : origin.citizenship],
      countriesOfTransit: rnd.chance(0.5) ? [rnd.pick(['HU', 'PL', 'IT', 'TR', 'RS'])] : [],
      countriesOfExploitation: [holder.country],
      meansOfControl: [rnd.pick(MEANS_OF_CONTROL), rnd.pick(MEANS_OF_CONTROL)].filter(
        (m, i, a) => a.indexOf(m) === i,
      ),
    },
    events: ['VictimIdentified'],
  });

  // 8 %: found not to be a victim after all; closure asked for, mostly approved.
  if (rnd.chance(0.08)) {
    add({
      name: 'not-a-victim',
      user: cw,
      path: '/cases/{caseId}/victim-status',
      body: {
        status: 'NotAVictimOfTrafficking',
        decidingBody: 'NGO',
        decidedOn: anchor,
        formsOfExploitation: [],
        sectors: [],
        countriesOfRecruitment: [],
        countriesOfTransit: [],
        countriesOfExploitation: [],
        meansOfControl: [],
      },
      events: ['VictimStatusChanged'],
    });
    add({
      name: 'closure-request',
      user: cw,
      path: '/cases/{caseId}/closure/request',
      body: { reason: 'not_a_victim' },
      events: ['ClosureRequested'],
    });
    status = 'closure_requested';
    if (child) {
      add(bestInterests(sv, 'closure'));
    }
    if (rnd.chance(0.7)) {
      add({
        name: 'closure-approve',
        user: sv,
        path: '/cases/{caseId}/closure/approve',
        body: {},
        events: ['ClosureApproved'],
      });
      status = 'closed';
    }
    return done();
  }

  add({
    name: 'consent-assistance',
    user: cw,
    path: '/cases/{caseId}/consents',
    body: {
      purpose: 'assistance',
      obtainedInLanguage: languages[0],
      interpreterUsed: languages[0] !== 'en' && rnd.chance(0.7),
    },
    events: ['ConsentGiven'],
  });
  if (rnd.chance(0.6)) {
    add({
      name: 'reflection',
      user: cw,
      path: '/cases/{caseId}/reflection-period',
      body: { startsOn: addDays(anchor, -rnd.int(0, 45)), days: rnd.pick([60, 90]) },
      events: ['ReflectionPeriodGranted'],
    });
  }
  if (rnd.chance(0.5)) {
    add({
      name: 'needs',
      user: cw,
      path: '/cases/{caseId}/needs-assessments',
      body: {
        needs: ['Accommodation', 'Psychological', 'InterpretationTranslation'].slice(
          0,
          rnd.int(1, 3),
        ),
      },
      events: ['NeedsAssessed'],
    });
  }
  if (rnd.chance(0.4)) {
    add({
      name: 'support-plan',
      user: cw,
      path: '/cases/{caseId}/support-plans',
      body: {
        plannedAssistance: ['Accommodation', 'SocialCare'],
        reviewOn: addDays(anchor, rnd.int(10, 60)),
      },
      events: ['SupportPlanRecorded'],
    });
  }
  const assistance = rnd.int(0, 3);
  for (let a = 0; a < assistance; a++) {
    add({
      name: `assistance-${a}`,
      user: cw,
      path: '/cases/{caseId}/assistance',
      body: {
        assistanceType: rnd.pick(holder.services),
        from: addDays(anchor, -rnd.int(0, 30)),
      },
      events: ['AssistanceProvided'],
    });
  }
  if (rnd.chance(0.5)) {
    add({
      name: 'cooperation',
      user: cw,
      path: '/cases/{caseId}/law-enforcement-cooperation',
      body: { cooperation: rnd.pick(['not_decided', 'declined', 'cooperating', 'withdrew']) },
      events: ['LawEnforcementCooperationRecorded'],
    });
  }
  if (rnd.chance(0.3)) note('note-2');

  // 40 %: a referral to another organisation, answered (or not yet) by it.
  if (rnd.chance(0.4)) {
    const target = rnd.pick(
      DEMO_ORGANISATIONS.filter((o) => o.key !== holder.key && o.roles.includes('caseworker')),
    );
    add({
      name: 'consent-referral',
      user: cw,
      path: '/cases/{caseId}/consents',
      body: {
        purpose: 'referral',
        receivingOrganisationId: `{org:${target.key}}`,
        obtainedInLanguage: languages[0],
        interpreterUsed: false,
      },
      events: ['ConsentGiven'],
    });
    if (child) add(bestInterests(sv, 'referral'));
    add({
      name: 'refer',
      user: cw,
      path: '/cases/{caseId}/referrals',
      body: { toOrganisationId: `{org:${target.key}}`, service: rnd.pick(target.services) },
      events: ['CaseReferred'],
      remember: 'referralId',
    });
    referral = rnd.weighted([
      ['pending', 0.35],
      ['accepted', 0.2],
      ['completed', 0.2],
      ['declined', 0.25],
    ] as const);
    const answer = (
      name: string,
      verb: 'accept' | 'complete' | 'decline',
      events: string[],
    ): Step => ({
      name,
      user: caseworker(target, index % CASEWORKERS),
      path: `/cases/{caseId}/referrals/{referralId}/${verb}`,
      body:
        verb === 'decline' ? { personal: { text: 'Fictional demo: no capacity this month.' } } : {},
      events,
    });
    if (referral === 'declined') add(answer('referral-decline', 'decline', ['ReferralDeclined']));
    if (referral === 'accepted' || referral === 'completed')
      add(answer('referral-accept', 'accept', ['ReferralAccepted']));
    if (referral === 'completed')
      add(answer('referral-complete', 'complete', ['ReferralCompleted']));
  }

  // 25 %: legal-aid access for Fairway Legal Aid, which then seeks a remedy for some.
  if (rnd.chance(0.25)) {
    const legal = org('legal');
    legalAid = true;
    add({
      name: 'consent-legal-aid',
      user: cw,
      path: '/cases/{caseId}/consents',
      body: {
        purpose: 'legal_aid_access',
        receivingOrganisationId: `{org:${legal.key}}`,
        obtainedInLanguage: languages[0],
        interpreterUsed: false,
      },
      events: ['ConsentGiven'],
    });
    add({
      name: 'legal-aid-access',
      user: cw,
      path: '/cases/{caseId}/legal-aid-access',
      body: { legalAidOrganisationId: `{org:${legal.key}}` },
      events: ['LegalAidAccessGranted'],
    });
    if (rnd.chance(0.6)) {
      add({
        name: 'remedy',
        user: { org: 'legal', role: 'legal_aid' },
        path: '/cases/{caseId}/remedies',
        body: {
          remedyType: rnd.pick(['Compensation', 'Restitution', 'Rehabilitation']),
          avenue: rnd.pick([
            'CriminalProceedingsWithCivilClaim',
            'CivilClaim',
            'LabourOrEmploymentTribunal',
            'StateCompensationFund',
          ]),
        },
        events: ['RemedySought'],
        remember: 'remedyId',
      });
      claims = planClaim(index, anchor, steps);
    }
  }

  // 25 %: closure requested; mostly approved by a supervisor; some reopened later.
  if (rnd.chance(0.25)) {
    add({
      name: 'closure-request',
      user: cw,
      path: '/cases/{caseId}/closure/request',
      body: {
        reason: rnd.pick([
          'assistance_completed',
          'person_declined_further_assistance',
          'lost_contact',
        ]),
      },
      events: ['ClosureRequested'],
    });
    status = 'closure_requested';
    if (child && rnd.chance(0.8)) add(bestInterests(sv, 'closure'));
    if ((!child || steps.some((s) => s.name === 'best-interests-closure')) && rnd.chance(0.65)) {
      add({
        name: 'closure-approve',
        user: sv,
        path: '/cases/{caseId}/closure/approve',
        body: {},
        events: ['ClosureApproved'],
      });
      status = 'closed';
      if (rnd.chance(0.3)) {
        add({
          name: 'reopen',
          user: cw,
          path: '/cases/{caseId}/reopen',
          body: { personal: { text: 'Fictional demo: came back and asked for support again.' } },
          events: ['CaseReopened'],
        });
        status = 'open';
      }
    }
  }
  return done();
}

function bestInterests(sv: UserRef, decision: 'referral' | 'closure'): Step {
  return {
    name: `best-interests-${decision}`,
    user: sv,
    path: '/cases/{caseId}/best-interests-assessments',
    body: {
      decision,
      outcome: 'proceed',
      guardianPresent: true,
      personal: { text: `Fictional demo: the ${decision} is in the child's best interests.` },
    },
    events: ['BestInterestsAssessmentRecorded'],
  };
}

// ------------------------------------------------------------------------------------ running

const DEMO_NAMESPACE = 'remedy-demo';
/** Deterministic user ids, so Idempotency-Keys (scoped per user) match on a re-run. */
export const demoUserId = (orgKey: string, role: Role, n = 0): string =>
  uuidV5(`${DEMO_NAMESPACE}\nuser\n${orgKey}\n${role}\n${n}`);
const ADMIN_KEY: DemoOrganisation['key'] = 'rapporteur';

interface Answer {
  readonly status: number;
  /** The answer's body as fields (success or problem document), `{}` when it has none. */
  readonly body: Readonly<Record<string, unknown>>;
  readonly replayed: boolean;
}

/** What an openapi-fetch call resolves to. */
interface Sent {
  readonly data?: unknown;
  readonly error?: unknown;
  readonly response: Response;
}

/**
 * An answer's body as fields. The one place the demo narrows a body: the API's document types
 * most answers as `unknown` today (issue 14), and the demo reads a few fields of any answer
 * (the ids it created, `position`, a problem's `rule` or `message`) by name.
 */
const fieldsOf = (body: unknown): Readonly<Record<string, unknown>> =>
  typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {};

/** The path parameters a route template names (`{caseId}`…), from the ids known so far. */
const pathParams = (path: string, ids: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries([...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name!, ids[name!]!]));

/**
 * The demo's requests, through the typed client of the API (@remedy/api-client, one per token),
 * with retries: on 429 after its Retry-After (the limit is per user), on 409 (a concurrent retry
 * of the same key), 503 and network errors after a short backoff.
 */
class DemoClient {
  sent = 0;
  replayed = 0;
  /** The latest position any answer reported (for X-Min-Position on reads). */
  last: GlobalPosition | undefined;
  /** Requests that waited for the rate limit (429 with Retry-After) and were sent again. */
  rateLimited = 0;
  private readonly clients = new Map<string, RemedyClient>();

  constructor(private readonly apiUrl: string) {}

  /** The typed client for a bearer token (none: the public routes). */
  api(token?: string): RemedyClient {
    const key = token ?? '';
    let client = this.clients.get(key);
    if (!client) {
      client = createRemedyClient({ baseUrl: this.apiUrl, ...(token ? { token } : {}) });
      this.clients.set(key, client);
    }
    return client;
  }

  /**
   * A planned step: its body to its route, the path parameters filled from `ids`. The plan's
   * bodies are data (their shape is the API's to check), hence the one untyped call.
   */
  step(
    token: string,
    path: PathsWithMethod<'post'>,
    ids: Readonly<Record<string, string>>,
    body: Record<string, unknown>,
    key: string,
  ): Promise<Answer> {
    const post = this.api(token).POST as (
      path: string,
      init: { params: object; body: unknown },
    ) => Promise<Sent>;
    return this.send(() =>
      post(path, {
        params: { path: pathParams(path, ids), header: { 'Idempotency-Key': key } },
        body,
      }),
    );
  }

  /** Sends (again, as long as it is worth it) and counts the answer. */
  async send(request: () => Promise<Sent>): Promise<Answer> {
    for (let attempt = 1; ; attempt++) {
      let answer: Answer | undefined;
      let retryAfterMs = 100 * 2 ** Math.min(attempt, 6);
      try {
        const { data, error, response } = await request();
        answer = {
          status: response.status,
          body: fieldsOf(response.ok ? data : error),
          replayed: response.headers.get('idempotent-replayed') === 'true',
        };
        const retryAfter = Number(response.headers.get('retry-after'));
        if (response.status === 429 && Number.isFinite(retryAfter) && retryAfter > 0) {
          retryAfterMs = Math.min(retryAfter, 65) * 1000;
          this.rateLimited += 1;
        }
      } catch (error) {
        if (attempt >= 5) throw error;
      }
      const retriable = answer && ([409, 429, 503].includes(answer.status) || answer.status >= 500);
      if (answer && (!retriable || attempt >= 8)) {
        this.sent += 1;
        if (answer.replayed) this.replayed += 1;
        const position =
          typeof answer.body.position === 'string'
            ? parsePosition(answer.body.position)
            : undefined;
        if (position && (!this.last || comparePositions(position, this.last) > 0))
          this.last = position;
        return answer;
      }
      await new Promise((r) => setTimeout(r, retryAfterMs));
    }
  }
}

async function demoAnchor(dataDir: string, given?: string): Promise<string> {
  const file = join(dataDir, 'demo.json');
  if (given) return given;
  try {
    const saved = JSON.parse(await readFile(file, 'utf8')) as { anchor?: unknown };
    if (typeof saved.anchor === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(saved.anchor))
      return saved.anchor;
  } catch {
    // first run
  }
  // Yesterday (UTC): never in the future in any jurisdiction's time zone.
  const anchor = addDays(new Date().toISOString().slice(0, 10), -1);
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${JSON.stringify({ anchor }, null, 2)}\n`, { mode: 0o600 });
  return anchor;
}

/** Runs `work` over `items` with at most `limit` at a time. */
async function pool<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

export async function seedDemo(options: DemoOptions): Promise<DemoReport> {
  const log = options.log ?? (() => undefined);
  const apiUrl = options.apiUrl.replace(/\/+$/, '');
  const caseCount = options.cases ?? 300;
  const anchor = await demoAnchor(options.dataDir, options.anchor);
  const issuer = await LocalTokenIssuer.load({ dataDir: options.dataDir });
  const client = new DemoClient(apiUrl);
  const failures: string[] = [];
  let failed = 0;
  let stale = 0;

  // Any HTTP answer means a server listens there (the commands say whether it is Remedy).
  const health = await client
    .api()
    .GET('/health')
    .catch(() => undefined);
  if (!health)
    throw new Error(`no Remedy API answers at ${apiUrl}/health (start it with npm start)`);

  // Organisations, registered by an administrator (same Idempotency-Key → same organisation id).
  const adminToken = await issuer.mintToken({
    userId: demoUserId(ADMIN_KEY, 'admin'),
    organisationId: uuidV5(`${DEMO_NAMESPACE}\nadmin-organisation`),
    roles: ['admin'],
    expiresIn: '1h',
  });
  const organisationIds = new Map<string, string>();
  for (const o of DEMO_ORGANISATIONS) {
    const answer = await client.send(() =>
      client.api(adminToken).POST('/organisations', {
        params: { header: { 'Idempotency-Key': `demo-organisation-${o.code}` } },
        body: {
          name: o.name,
          type: o.type,
          services: [...o.services],
          country: o.country,
          code: o.code,
        },
      }),
    );
    if (answer.status !== 201) {
      throw new Error(
        `registering the demo organisation ${o.code} failed: ${answer.status} ${String(answer.body.rule ?? answer.body.detail ?? '')}`,
      );
    }
    organisationIds.set(o.key, answer.body.organisationId as string);
  }
  log(`organisations: ${DEMO_ORGANISATIONS.length} (${[...organisationIds.keys()].join(', ')})`);

  const tokens = new Map<string, string>();
  const tokenFor = async (ref: UserRef): Promise<string> => {
    const k = `${ref.org}/${ref.role}/${ref.n ?? 0}`;
    let token = tokens.get(k);
    if (!token) {
      token = await issuer.mintToken({
        userId: demoUserId(ref.org, ref.role, ref.n),
        organisationId: organisationIds.get(ref.org)!,
        roles: [ref.role],
        expiresIn: '8h',
      });
      tokens.set(k, token);
    }
    return token;
  };
  /** `{org:<key>}` → the organisation's id; `{id:<field>}` → the id an earlier step remembered. */
  const withIds = (
    body: Record<string, unknown>,
    ids: Record<string, string>,
  ): Record<string, unknown> =>
    JSON.parse(
      JSON.stringify(body)
        .replace(/\{org:([a-z0-9]+)\}/g, (_m, key: string) => organisationIds.get(key)!)
        .replace(/\{id:([A-Za-z0-9]+)\}/g, (_m, field: string) => ids[field]!),
    ) as Record<string, unknown>;

  const plans = Array.from({ length: caseCount }, (_, i) => planCase(i, anchor));
  const caseIds = new Map<number, string>();
  let done = 0;
  await pool(plans, options.concurrency ?? 8, async (plan) => {
    const ids: Record<string, string> = {};
    for (const step of plan.steps) {
      const answer = await client.step(
        await tokenFor(step.user),
        step.path,
        ids,
        withIds(step.body, ids),
        `demo-${plan.holder.code}-${plan.index}-${step.name}`,
      );
      if (answer.status === 200 || answer.status === 201) {
        if (step.name === 'open') ids.caseId = answer.body.caseId as string;
        if (step.remember) ids[step.remember] = answer.body[step.remember] as string;
        continue;
      }
      if (answer.status === 422 && answer.body.rule === 'IDEMPOTENCY_KEY_REUSED') {
        stale += 1; // planned differently by an older demo version: leave this case as it is
      } else {
        failed += 1;
        if (failures.length < 10) {
          failures.push(
            `case ${plan.index} ${step.name}: ${answer.status} ${String(answer.body.rule ?? answer.body.detail ?? '')}`,
          );
        }
      }
      break;
    }
    if (ids.caseId) caseIds.set(plan.index, ids.caseId);
    done += 1;
    if (done % 50 === 0 || done === plans.length) log(`cases: ${done}/${plans.length}`);
  });

  const users = {} as Record<Role, DemoUser>;
  const first = HOLDERS[0]!;
  for (const [role, key] of [
    ['caseworker', first.key],
    ['supervisor', first.key],
    ['legal_aid', 'legal'],
    ['rapporteur', 'rapporteur'],
    ['admin', ADMIN_KEY],
  ] as const) {
    const o = org(key);
    users[role] = {
      role,
      userId: demoUserId(key, role),
      organisationId: organisationIds.get(key)!,
      organisationName: o.name,
      token:
        role === 'admin'
          ? await issuer.mintToken({
              userId: demoUserId(key, role),
              organisationId: organisationIds.get(key)!,
              roles: ['admin'],
              expiresIn: '8h',
            })
          : await tokenFor({ org: key, role }),
    };
  }

  const count = <K extends string>(keys: readonly K[], of: (p: CasePlan) => K | undefined) =>
    Object.fromEntries(keys.map((k) => [k, plans.filter((p) => of(p) === k).length])) as Record<
      K,
      number
    >;
  const events: Record<string, number> = {};
  for (const p of plans)
    for (const s of p.steps) for (const e of s.events) events[e] = (events[e] ?? 0) + 1;
  const firstOf = (pred: (p: CasePlan) => boolean) => {
    const p = plans.find((x) => x.holder.key === first.key && pred(x) && caseIds.has(x.index));
    return p ? caseIds.get(p.index) : undefined;
  };

  return {
    anchor,
    organisations: DEMO_ORGANISATIONS.map((o) => ({
      key: o.key,
      organisationId: organisationIds.get(o.key)!,
      name: o.name,
      code: o.code,
    })),
    users,
    requests: {
      sent: client.sent,
      replayed: client.replayed,
      failed,
      stale,
      rateLimited: client.rateLimited,
    },
    ...(client.last ? { lastPosition: formatPosition(client.last) } : {}),
    failures,
    expected: {
      cases: plans.length,
      byStatus: count(['open', 'closure_requested', 'closed'] as const, (p) => p.status),
      referrals: count(
        ['pending', 'accepted', 'completed', 'declined'] as const,
        (p) => p.referral,
      ),
      children: plans.filter((p) => p.child).length,
      legalAidAccess: plans.filter((p) => p.legalAid).length,
      claimsByCurrency: plans.reduce<Record<string, number>>((byCurrency, p) => {
        if (p.claim) byCurrency[p.claim.currency] = (byCurrency[p.claim.currency] ?? 0) + 1;
        return byCurrency;
      }, {}),
      events,
    },
    samples: {
      ...optional(
        'caseId',
        firstOf((p) => p.status === 'open' && p.steps.length > 3),
      ),
      ...optional(
        'closureRequestedCaseId',
        firstOf((p) => p.status === 'closure_requested' && !p.child),
      ),
      ...optional(
        'legalAidCaseId',
        (() => {
          const p = plans.find((x) => x.legalAid && caseIds.has(x.index));
          return p ? caseIds.get(p.index) : undefined;
        })(),
      ),
    },
  };
}

const optional = <K extends string>(key: K, value: string | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, string>>;

/** The summary printed at the end: a token per role and the first three requests to try. */
export function formatDemoSummary(report: DemoReport, apiUrl: string): string[] {
  const api = apiUrl.replace(/\/+$/, '');
  const s = report.samples;
  const caseId = s.caseId ?? '<caseId>';
  const lines: string[] = [
    `Demo data: ${report.expected.cases} fictional cases in ${report.organisations.length} fictional organisations (dates anchored on ${report.anchor}).`,
    `Requests: ${report.requests.sent} sent, ${report.requests.replayed} already done before (replayed), ${report.requests.failed} failed, ${report.requests.stale} cases left as an earlier run made them, ${report.requests.rateLimited} waited for the rate limit.`,
    ...report.failures.map((f) => `  failed: ${f}`),
    '',
  ];
  const role = (r: Role, tries: string[]) => {
    const u = report.users[r];
    lines.push(
      `# ${r} — ${u.organisationName} (organisation ${u.organisationId}, user ${u.userId})`,
    );
    lines.push(`export ${r.toUpperCase()}_TOKEN=${u.token}`);
    for (const t of tries) lines.push(t);
    lines.push('');
  };
  const auth = (r: Role) => `-H "Authorization: Bearer $${r.toUpperCase()}_TOKEN"`;
  role('caseworker', [
    `curl ${auth('caseworker')} "${api}/cases?limit=10&sort=next_deadline"`,
    `curl ${auth('caseworker')} "${api}/cases/${caseId}/timeline"`,
    `curl ${auth('caseworker')} "${api}/reminders/due"`,
  ]);
  role('supervisor', [
    `curl ${auth('supervisor')} "${api}/cases?status=closure_requested"`,
    `curl -i ${auth('supervisor')} "${api}/cases/${s.closureRequestedCaseId ?? '<caseId>'}"   # note the ETag`,
    `curl -X POST ${auth('supervisor')} -H 'Content-Type: application/json' -H 'If-Match: "<ETag revision>"' -d '{}' "${api}/cases/${s.closureRequestedCaseId ?? '<caseId>'}/closure/approve"`,
  ]);
  role('legal_aid', [
    `curl ${auth('legal_aid')} "${api}/legal-aid/cases"`,
    `curl ${auth('legal_aid')} "${api}/legal-aid/claims?representative=me"`,
    `curl ${auth('legal_aid')} "${api}/legal-aid/portfolio"   # totals per currency`,
  ]);
  role('rapporteur', [
    `curl ${auth('rapporteur')} "${api}/statistics/tables"`,
    `curl -i -X POST ${auth('rapporteur')} -H 'Content-Type: application/json' -d '{"period":"${report.anchor.slice(0, 4)}","mode":"suppression"}' "${api}/statistics/releases"   # 202, Location: the release`,
    `curl ${auth('rapporteur')} "${api}/statistics/releases/<releaseId>"   # built by the worker; a rapporteur reaches nothing case-level (403)`,
  ]);
  role('admin', [
    `curl ${auth('admin')} "${api}/organisations"`,
    `curl ${auth('admin')} "${api}/admin/queues/api/queues"   # the queue dashboard's data; the page: ${api}/admin/queues (apps/cli/README.md)`,
    `curl ${auth('admin')} "${api}/admin/audit-trail?from=${report.anchor}T00:00:00Z" | head   # who did what: opaque ids only`,
  ]);
  lines.push(
    'Tokens expire in 8 hours; run npm run demo again for new ones (it appends nothing the second time).',
  );
  return lines;
}
