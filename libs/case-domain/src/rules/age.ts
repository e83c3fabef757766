import type { AgeBracket, AgeCategory } from '../code-lists';
import { isCalendarDate, yearOf, type CalendarDate } from './calendar';

/** Age of majority (CETS 197 art. 4(d)): a person under 18 is a child. */
export const AGE_OF_MAJORITY = 18;

/**
 * Completed years between `birthDate` and `on`. A person born on 29 February completes a year on
 * 1 March in common years (the later reading: the person stays a child for one more day, rule 3).
 */
export const ageOn = (birthDate: CalendarDate, on: CalendarDate): number => {
  const years = yearOf(on) - yearOf(birthDate);
  return on.slice(5) >= birthDate.slice(5) ? years : years - 1;
};

export const ageCategory = (age: number): AgeCategory =>
  age < AGE_OF_MAJORITY ? 'child' : 'adult';

export const ageBracket = (age: number): AgeBracket => {
  if (age < 12) return '0-11';
  if (age < 18) return '12-17';
  if (age < 25) return '18-24';
  if (age < 35) return '25-34';
  if (age < 45) return '35-44';
  if (age < 60) return '45-59';
  return '60+';
};

/**
 * What the case knows of the person's age. Only `birthDate` is personal (it is encrypted and erasable);
 * `birthYear` and the estimate stay readable.
 */
export interface AgeFacts {
  /** Exact birth date, when known and not erased. */
  readonly birthDate?: CalendarDate;
  /** Readable birth year (derived from the birth date or the estimate); survives erasure. */
  readonly birthYear?: number;
  /** An estimated age in completed years, and the date it was estimated on. */
  readonly estimatedAge?: number;
  readonly estimatedOn?: CalendarDate;
  /** Presumption of minority applied and not (yet) ended by an age verification (art. 10(3)). */
  readonly presumedMinor: boolean;
}

/** Best known age on a date, in completed years, or undefined when nothing is known. */
export const knownAgeOn = (facts: AgeFacts, on: CalendarDate): number | undefined => {
  if (facts.birthDate !== undefined) return ageOn(facts.birthDate, on);
  if (facts.estimatedAge !== undefined && facts.estimatedOn !== undefined) {
    return facts.estimatedAge + Math.max(0, ageOn(facts.estimatedOn, on));
  }
  return undefined;
};

/** The first representable calendar day: "adult on every day" (an estimate of 18 or more). */
const EVERY_DAY: CalendarDate = '0001-01-01';

const pad4 = (year: number) => String(year).padStart(4, '0');

/** `date` moved by whole years; 29 February → 1 March in a common year (as `ageOn` reads it). */
const yearsAfter = (date: CalendarDate, years: number): CalendarDate => {
  const moved = `${pad4(yearOf(date) + years)}${date.slice(4)}`;
  return isCalendarDate(moved) ? moved : `${pad4(yearOf(date) + years)}-03-01`;
};

/**
 * The first calendar day on which the person is an adult by what the case knows (the presumption of
 * minority aside: see `isChildOn`), or undefined when nothing is known of their age. With the exact
 * birth date: the 18th birthday (29 February → 1 March). With an estimate (age N on day D): D + (18 − N)
 * years, and every day when N ≥ 18. With only the readable birth year Y (after erasure): 1 January of
 * Y + 19 (a child while they may still be under 18). The 18th birthday reveals the birth date: it is
 * personal wherever it is stored (see @remedy/case-read-models "child now").
 */
export const adultFrom = (facts: AgeFacts): CalendarDate | undefined => {
  if (facts.birthDate !== undefined) return yearsAfter(facts.birthDate, AGE_OF_MAJORITY);
  if (facts.estimatedAge !== undefined && facts.estimatedOn !== undefined) {
    return facts.estimatedAge >= AGE_OF_MAJORITY
      ? EVERY_DAY
      : yearsAfter(facts.estimatedOn, AGE_OF_MAJORITY - facts.estimatedAge);
  }
  if (facts.birthYear !== undefined) return `${pad4(facts.birthYear + AGE_OF_MAJORITY + 1)}-01-01`;
  return undefined;
};

/**
 * "Child on `on`" from a presumption and an `adultFrom` date: what `isChildOn` decides, in the two
 * values a read model stores (its SQL filter is the same comparison:
 * `presumed_minor OR adult_from > today`).
 */
export const isChildGiven = (
  presumedMinor: boolean,
  adultFromDate: CalendarDate | null | undefined,
  on: CalendarDate,
): boolean =>
  presumedMinor || (adultFromDate !== undefined && adultFromDate !== null && on < adultFromDate);

/**
 * Is the person a child on `on` (rule 3)? A presumed minor is a child until the age is verified.
 * Otherwise a child before `adultFrom`: with the exact birth date, adult from the 18th birthday; with
 * an estimate, the estimate plus the years since; with only the readable birth year (after erasure), a
 * child until the end of the year they turn 18. The one definition the decider and the read side use.
 */
export const isChildOn = (facts: AgeFacts, on: CalendarDate): boolean =>
  isChildGiven(facts.presumedMinor, adultFrom(facts), on);

/**
 * Age group on a date, for statistics (category always when anything is known; the bracket only when it
 * agrees with the category, e.g. not for a presumed minor whose estimate says 19).
 */
export const ageGroupOn = (
  facts: AgeFacts,
  on: CalendarDate,
): { readonly category: AgeCategory; readonly bracket?: AgeBracket } | undefined => {
  const child = isChildOn(facts, on);
  const age = knownAgeOn(facts, on);
  if (age === undefined) return child ? { category: 'child' } : undefined;
  const category = child ? 'child' : 'adult';
  return ageCategory(age) === category ? { category, bracket: ageBracket(age) } : { category };
};
