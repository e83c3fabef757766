import {
  calendarDateIn,
  convertMinorUnits,
  CURRENCY_CODES,
  isCode,
  minorUnitExponent,
  evolve,
  initialState,
  isChildOn,
  yearOf,
  type AgeFacts,
  type BestInterestsDecision,
  type CaseEvent,
  type CaseState,
} from '@remedy/case-domain';
import type { ReferenceRates } from '@remedy/config';

/**
 * The anonymous facts of one case, folded from its events (pure). The fact rows hold categorical
 * facts, years and claim amounts in BANDS of a reference currency only: no exact amount, no case id
 * or reference, no organisation or user id, no date finer than a year, no free text
 * (`data.personal` is never read). Claims are keyed by a pseudonym of their id in the fold state.
 */

/** Value used when a fact was never recorded. */
export const NOT_RECORDED = 'not_recorded';
export const NOT_IDENTIFIED = 'not_identified';

/** Age groups of the fact rows: the brackets, plus children/adults whose bracket is unknown. */
export const AGE_GROUPS = [
  '0-11',
  '12-17',
  'child_age_unknown',
  '18-24',
  '25-34',
  '35-44',
  '45-59',
  '60+',
  'adult_age_unknown',
  'unknown',
] as const;
export type AgeGroupValue = (typeof AGE_GROUPS)[number];

export const CHILD_AGE_GROUPS: readonly AgeGroupValue[] = ['0-11', '12-17', 'child_age_unknown'];

/** The categories of a claim, in the fold state and in a fact row alike. */
export interface ClaimCategories {
  readonly avenue: string;
  readonly respondentKind: string;
  readonly currency: string;
  readonly filedYear: number;
  /** Latest decision outcome (awarded / partly_awarded / rejected), or `pending`. */
  readonly outcome: string;
  readonly closure?: string;
}

/** A claim in the fold state (private to the projection, never read by the release builder). */
export interface ClaimFacts extends ClaimCategories {
  /** The standing award and the cumulative payments, integer minor units of `currency`. */
  readonly awarded: number;
  readonly paid: number;
  /** Year of the standing decision (its reference rate converts the amounts into bands). */
  readonly decidedYear?: number;
}

/**
 * Bands of an amount converted into the reference currency, in its major units (EUR, not cents).
 * `0`: nothing; `unconverted`: the currency has no reference rate for the year (never mixed in).
 */
export const AMOUNT_BANDS = [
  '0',
  '1-499',
  '500-999',
  '1000-4999',
  '5000-9999',
  '10000-49999',
  '50000+',
  'unconverted',
] as const;
export type AmountBand = (typeof AMOUNT_BANDS)[number];

const BAND_FLOORS: readonly (readonly [number, AmountBand])[] = [
  [50_000, '50000+'],
  [10_000, '10000-49999'],
  [5_000, '5000-9999'],
  [1_000, '1000-4999'],
  [500, '500-999'],
];

/**
 * The band of `amountMinor` (minor units of `currency`) converted at the reference rate of `year`.
 * Any amount above 0 is at least `1-499`, even when it converts to less than one major unit.
 */
export function amountBand(
  amountMinor: number,
  currency: string,
  year: number,
  rates: ReferenceRates,
): AmountBand {
  if (amountMinor <= 0) return '0';
  if (!isCode(CURRENCY_CODES, currency)) return 'unconverted';
  const rate = currency === rates.referenceCurrency ? '1' : rates.years[String(year)]?.[currency];
  if (rate === undefined) return 'unconverted';
  const converted = convertMinorUnits(amountMinor, currency, rates.referenceCurrency, rate);
  const major = Math.floor(converted / 10 ** minorUnitExponent(rates.referenceCurrency));
  return BAND_FLOORS.find(([floor]) => major >= floor)?.[1] ?? '1-499';
}

export const CLAIM_PAYMENT_VALUES = ['paid_in_full', 'paid_in_part', 'unpaid', 'no_award'] as const;
export type ClaimPayment = (typeof CLAIM_PAYMENT_VALUES)[number];

export const paymentOf = (claim: { awarded: number; paid: number }): ClaimPayment =>
  claim.awarded <= 0
    ? 'no_award'
    : claim.paid >= claim.awarded
      ? 'paid_in_full'
      : claim.paid > 0
        ? 'paid_in_part'
        : 'unpaid';

/** A claim in a fact row: categories and bands, never an exact amount. */
export interface ClaimFactRow extends ClaimCategories {
  readonly payment: ClaimPayment;
  /** Standing award and payments to date, banded at the rate of the decision's year. */
  readonly awardedBand: AmountBand;
  readonly paidBand: AmountBand;
}

export interface YearFacts {
  identifiedInYear: boolean;
  assistanceTypes: string[];
  /** Some assistance of the year was given while the person was not cooperating with law enforcement. */
  assistedWhileNotCooperating: boolean;
  reflectionGranted: boolean;
  remedies: string[];
  childDecisions: number;
  childDecisionsAssessed: number;
}

interface StatusDecision {
  readonly year: number;
  readonly status: string;
  readonly decidingBody: string;
  readonly forms: readonly string[];
  readonly sectors: readonly string[];
}

/** Everything the fold keeps between events (stored privately, keyed by the pseudonym). */
export interface CaseStatState {
  readonly opened: boolean;
  readonly openedYear?: number;
  readonly sexGender: string;
  readonly citizenships: readonly string[];
  readonly referralSource: string;
  readonly ageGroup?: { readonly category: string; readonly bracket?: string };
  readonly ageGroupAtOpening?: { readonly category: string; readonly bracket?: string };
  readonly identificationYear?: number;
  readonly decisions: readonly StatusDecision[];
  /** Cooperation changes in order, with their year. */
  readonly cooperation: readonly { readonly year: number; readonly value: string }[];
  readonly years: Readonly<Record<string, YearFacts>>;
  readonly claims: Readonly<Record<string, ClaimFacts>>;
  readonly age: AgeFacts;
  readonly bestInterests: CaseState['bestInterests'];
  readonly objects: boolean;
}

export const initialStatState: CaseStatState = {
  opened: false,
  sexGender: 'NonSpecifiedUnknown',
  citizenships: [],
  referralSource: NOT_RECORDED,
  decisions: [],
  cooperation: [],
  years: {},
  claims: {},
  age: { presumedMinor: false },
  bestInterests: {},
  objects: false,
};

/** One fact row: a case in a reporting year (what the release builder reads). */
export interface FactRow {
  readonly year: number;
  readonly identification_year: number | null;
  readonly sex_gender: string;
  readonly age_group: AgeGroupValue;
  readonly citizenships: string[];
  readonly status: string;
  readonly deciding_body: string;
  readonly identified_in_year: boolean;
  readonly forms: string[];
  readonly sectors: string[];
  readonly referral_source: string;
  readonly assistance_types: string[];
  readonly assisted: boolean;
  readonly assisted_while_not_cooperating: boolean;
  readonly cooperation: string;
  readonly reflection_granted: boolean;
  readonly child_decisions: number;
  readonly child_decisions_assessed: number;
  readonly remedies: string[];
  readonly claims: ClaimFactRow[];
  readonly objects: boolean;
  /**
   * The person the case belongs to (persons.ts): a keyed pseudonym of its linkage cluster, or of
   * the case itself when unlinked; never a case id. Set by the projection when it stores the row
   * (not by the fold); absent or null: the row counts as a person of its own.
   */
  readonly person_key?: string | null;
}

export interface FoldContext {
  /** The jurisdiction's IANA time zone (years of instants are taken there). */
  readonly timeZone: string;
  /** Pseudonym of a claim id (keyed one-way function). */
  readonly claimKey: (claimId: string) => string;
}

/** A claim of the fold state as a fact row claim (amounts banded, see `amountBand`). */
export function claimFactRow(claim: ClaimFacts, rates: ReferenceRates): ClaimFactRow {
  const year = claim.decidedYear ?? claim.filedYear;
  return {
    avenue: claim.avenue,
    respondentKind: claim.respondentKind,
    currency: claim.currency,
    filedYear: claim.filedYear,
    outcome: claim.outcome,
    ...(claim.closure !== undefined ? { closure: claim.closure } : {}),
    payment: paymentOf(claim),
    awardedBand: amountBand(claim.awarded, claim.currency, year, rates),
    paidBand: amountBand(claim.paid, claim.currency, year, rates),
  };
}

const emptyYear = (): YearFacts => ({
  identifiedInYear: false,
  assistanceTypes: [],
  assistedWhileNotCooperating: false,
  reflectionGranted: false,
  remedies: [],
  childDecisions: 0,
  childDecisionsAssessed: 0,
});

const addUnique = (list: readonly string[], value: string): string[] =>
  list.includes(value) ? [...list] : [...list, value];

/** The decision an event takes, which needs a best-interests assessment for a child (rule 3). */
function decisionOf(event: CaseEvent): BestInterestsDecision | undefined {
  switch (event.type) {
    case 'CaseReferred':
      return 'referral';
    case 'CaseTransferred':
      return 'transfer';
    case 'ClosureApproved':
      return 'closure';
    case 'AssistanceProvided':
      return event.data.assistanceType === 'VoluntaryReturnSupport' ? 'return' : undefined;
    default:
      return undefined;
  }
}

/** The domain's own fold, for the age facts and the best-interests bookkeeping only. */
function domainStep(
  state: CaseStatState,
  event: CaseEvent,
): Pick<CaseState, 'age' | 'bestInterests'> {
  const next = evolve(
    { ...initialState, lifecycle: 'open', age: state.age, bestInterests: state.bestInterests },
    event,
  );
  // Kept: the presumption of minority and the readable birth year only (no date finer than a year;
  // the exact birth date is personal and sealed anyway). A child is then one until the end of the
  // year they turn 18, the domain's cautious reading after erasure.
  const age: AgeFacts = {
    presumedMinor: next.age.presumedMinor,
    ...(next.age.birthYear !== undefined ? { birthYear: next.age.birthYear } : {}),
  };
  return { age, bestInterests: next.bestInterests };
}

/** Folds one event (already upcast; its personal part is sealed and never read). */
export function foldStatistics(
  state: CaseStatState,
  event: CaseEvent,
  ctx: FoldContext,
): CaseStatState {
  if (!state.opened && event.type !== 'CaseOpened') return state;
  const eventDate = calendarDateIn(new Date(event.data.occurredAt), ctx.timeZone);
  const instantYear = yearOf(eventDate);
  const years = { ...state.years };
  const yearFacts = (year: number): YearFacts => {
    const current = years[year] ?? emptyYear();
    const copy = { ...current };
    years[year] = copy;
    return copy;
  };

  let next: CaseStatState = state;
  const decision = decisionOf(event);
  if (decision && isChildOn(state.age, eventDate)) {
    const y = yearFacts(instantYear);
    y.childDecisions += 1;
    if (state.bestInterests[decision] !== undefined) y.childDecisionsAssessed += 1;
  }

  switch (event.type) {
    case 'CaseOpened': {
      const { profile, referralSource, ageGroupAtOpening } = event.data;
      next = {
        ...state,
        opened: true,
        openedYear: instantYear,
        sexGender: profile.sexGender,
        citizenships: [...profile.citizenships],
        referralSource,
        ageGroupAtOpening,
      };
      yearFacts(instantYear);
      break;
    }
    case 'VictimIdentified':
    case 'VictimStatusChanged': {
      const d = event.data;
      const year = d.yearOfIdentification;
      next = {
        ...state,
        identificationYear: state.identificationYear ?? year,
        ageGroup: state.ageGroup ?? d.ageGroupAtIdentification,
        decisions: [
          ...state.decisions,
          {
            year,
            status: d.status,
            decidingBody: d.decidingBody,
            forms: [...d.formsOfExploitation],
            sectors: [...d.sectors],
          },
        ],
      };
      yearFacts(year).identifiedInYear = true;
      break;
    }
    case 'MinorityPresumed':
      yearFacts(instantYear);
      break;
    case 'ReflectionPeriodGranted':
      yearFacts(yearOf(event.data.startsOn)).reflectionGranted = true;
      break;
    case 'LawEnforcementCooperationRecorded':
      next = {
        ...state,
        cooperation: [...state.cooperation, { year: instantYear, value: event.data.cooperation }],
      };
      yearFacts(instantYear);
      break;
    case 'AssistanceProvided': {
      const y = yearFacts(yearOf(event.data.from));
      y.assistanceTypes = addUnique(y.assistanceTypes, event.data.assistanceType);
      const current = state.cooperation.at(-1)?.value;
      if (current !== 'cooperating') y.assistedWhileNotCooperating = true;
      break;
    }
    case 'RemedySought': {
      const y = yearFacts(instantYear);
      y.remedies = addUnique(y.remedies, `${event.data.remedyType}|${event.data.avenue}`);
      break;
    }
    case 'CompensationClaimFiled': {
      const d = event.data;
      const key = ctx.claimKey(d.claimId);
      const filedYear = yearOf(d.filedOn);
      next = {
        ...state,
        claims: {
          ...state.claims,
          [key]: {
            avenue: d.avenue,
            respondentKind: d.respondentKind,
            currency: d.currency,
            filedYear,
            outcome: 'pending',
            awarded: 0,
            paid: 0,
          },
        },
      };
      yearFacts(filedYear);
      break;
    }
    case 'ClaimDecided':
    case 'ClaimPaymentReceived':
    case 'ClaimClosed': {
      const key = ctx.claimKey(event.data.claimId);
      const claim = state.claims[key];
      if (!claim) break;
      let updated: ClaimFacts = claim;
      if (event.type === 'ClaimDecided')
        updated = {
          ...claim,
          outcome: event.data.outcome,
          awarded: event.data.awardedTotal,
          decidedYear: yearOf(event.data.decidedOn),
        };
      if (event.type === 'ClaimPaymentReceived') updated = { ...claim, paid: event.data.paidTotal };
      if (event.type === 'ClaimClosed')
        updated = {
          ...claim,
          closure: event.data.outcome,
          paid: event.data.paidTotal,
          awarded: event.data.awardedTotal,
        };
      next = { ...state, claims: { ...state.claims, [key]: updated } };
      break;
    }
    case 'FactCorrected': {
      const c = event.data.correction;
      if (c.fact === 'sexGender') next = { ...state, sexGender: c.value };
      if (c.fact === 'citizenships') next = { ...state, citizenships: [...c.value] };
      if (c.fact === 'referralSource') next = { ...state, referralSource: c.value };
      break;
    }
    case 'StatisticalUseObjectionRecorded':
      next = { ...state, objects: true };
      break;
    case 'StatisticalUseObjectionWithdrawn':
      next = { ...state, objects: false };
      break;
    default:
      // PersonalDataErased and every other event leave the anonymous facts as they are.
      break;
  }
  return { ...next, ...domainStep(next, event), years };
}

function ageGroupValue(group: CaseStatState['ageGroup']): AgeGroupValue {
  if (!group) return 'unknown';
  if (group.bracket) return group.bracket as AgeGroupValue;
  return group.category === 'child' ? 'child_age_unknown' : 'adult_age_unknown';
}

/**
 * The fact rows of a case, one per reporting year in which anything statistical happened; claim
 * amounts as bands of `rates`' reference currency.
 */
export function factRows(state: CaseStatState, rates: ReferenceRates): FactRow[] {
  if (!state.opened) return [];
  const years = new Set(Object.keys(state.years).map(Number));
  for (const claim of Object.values(state.claims)) years.add(claim.filedYear);
  const ageGroup = ageGroupValue(
    state.ageGroup ?? (state.age.presumedMinor ? { category: 'child' } : state.ageGroupAtOpening),
  );
  return [...years]
    .sort((a, b) => a - b)
    .map((year): FactRow => {
      const y = state.years[year] ?? emptyYear();
      const decided = state.decisions.filter((d) => d.year <= year).at(-1);
      const cooperation =
        state.cooperation.filter((c) => c.year <= year).at(-1)?.value ?? NOT_RECORDED;
      return {
        year,
        identification_year: state.identificationYear ?? null,
        sex_gender: state.sexGender,
        age_group: ageGroup,
        citizenships: state.citizenships.length > 0 ? [...state.citizenships] : ['UNKNOWN'],
        status: decided?.status ?? NOT_IDENTIFIED,
        deciding_body: decided?.decidingBody ?? NOT_RECORDED,
        identified_in_year: y.identifiedInYear,
        forms: decided ? [...decided.forms] : [],
        sectors: decided ? [...decided.sectors] : [],
        referral_source: state.referralSource,
        assistance_types: [...y.assistanceTypes].sort(),
        assisted: y.assistanceTypes.length > 0,
        assisted_while_not_cooperating: y.assistedWhileNotCooperating,
        cooperation,
        reflection_granted: y.reflectionGranted,
        child_decisions: y.childDecisions,
        child_decisions_assessed: y.childDecisionsAssessed,
        remedies: [...y.remedies].sort(),
        claims: Object.entries(state.claims)
          .filter(([, c]) => c.filedYear === year)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([, c]) => claimFactRow(c, rates)),
        objects: state.objects,
      };
    });
}
