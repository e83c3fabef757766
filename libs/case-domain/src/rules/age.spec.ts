import fc from 'fast-check';
import {
  adultFrom,
  AGE_OF_MAJORITY,
  ageBracket,
  ageCategory,
  ageGroupOn,
  ageOn,
  isChildGiven,
  isChildOn,
  knownAgeOn,
  type AgeFacts,
} from './age';
import type { CalendarDate } from './calendar';

describe('age (rule 3)', () => {
  it('counts completed years', () => {
    expect(ageOn('2008-06-15', '2026-06-14')).toBe(17);
    expect(ageOn('2008-06-15', '2026-06-15')).toBe(18);
    expect(ageOn('2008-06-15', '2026-06-16')).toBe(18);
    expect(ageOn('2008-12-31', '2026-01-01')).toBe(17);
  });

  it('a person born on 29 February completes a year on 1 March in common years', () => {
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(17);
    expect(ageOn('2008-02-29', '2026-03-01')).toBe(18);
    expect(ageOn('2008-02-29', '2028-02-29')).toBe(20);
  });

  it('a child who turns 18 is an adult from that day', () => {
    const facts = { birthDate: '2008-06-15', presumedMinor: false };
    expect(AGE_OF_MAJORITY).toBe(18);
    expect(isChildOn(facts, '2026-06-14')).toBe(true);
    expect(isChildOn(facts, '2026-06-15')).toBe(false);
  });

  it('ages an estimate by the years since it was made, never below it', () => {
    const facts = { estimatedAge: 16, estimatedOn: '2025-03-01', presumedMinor: false };
    expect(knownAgeOn(facts, '2026-02-28')).toBe(16);
    expect(knownAgeOn(facts, '2026-03-01')).toBe(17);
    expect(knownAgeOn(facts, '2027-03-01')).toBe(18);
    expect(knownAgeOn(facts, '2020-01-01')).toBe(16);
    expect(isChildOn(facts, '2027-02-28')).toBe(true);
    expect(isChildOn(facts, '2027-03-01')).toBe(false);
  });

  it('an estimate without its date gives no age', () => {
    expect(knownAgeOn({ estimatedAge: 16, presumedMinor: false }, '2026-01-01')).toBeUndefined();
  });

  it('a presumed minor is a child whatever else is known', () => {
    expect(isChildOn({ presumedMinor: true }, '2026-01-01')).toBe(true);
    expect(isChildOn({ presumedMinor: true, birthDate: '1990-01-01' }, '2026-01-01')).toBe(true);
  });

  it('with only the birth year (after erasure) the person is a child until the end of the year they turn 18', () => {
    expect(isChildOn({ birthYear: 2008, presumedMinor: false }, '2026-12-31')).toBe(true);
    expect(isChildOn({ birthYear: 2008, presumedMinor: false }, '2027-01-01')).toBe(false);
  });

  it('with nothing known the person is not presumed a child', () => {
    expect(isChildOn({ presumedMinor: false }, '2026-01-01')).toBe(false);
  });

  it('maps ages to categories and brackets at every boundary', () => {
    expect(ageCategory(17)).toBe('child');
    expect(ageCategory(18)).toBe('adult');
    const cases: [number, string][] = [
      [0, '0-11'],
      [11, '0-11'],
      [12, '12-17'],
      [17, '12-17'],
      [18, '18-24'],
      [24, '18-24'],
      [25, '25-34'],
      [34, '25-34'],
      [35, '35-44'],
      [44, '35-44'],
      [45, '45-59'],
      [59, '45-59'],
      [60, '60+'],
      [99, '60+'],
    ];
    for (const [age, bracket] of cases) expect(ageBracket(age)).toBe(bracket);
  });

  it('gives the age group on a date', () => {
    expect(ageGroupOn({ birthDate: '2010-01-01', presumedMinor: false }, '2026-06-15')).toEqual({
      category: 'child',
      bracket: '12-17',
    });
    expect(ageGroupOn({ birthDate: '1990-01-01', presumedMinor: false }, '2026-06-15')).toEqual({
      category: 'adult',
      bracket: '35-44',
    });
    expect(ageGroupOn({ presumedMinor: true }, '2026-06-15')).toEqual({ category: 'child' });
    expect(
      ageGroupOn(
        { presumedMinor: true, estimatedAge: 19, estimatedOn: '2026-06-15' },
        '2026-06-15',
      ),
    ).toEqual({ category: 'child' });
    expect(ageGroupOn({ presumedMinor: false }, '2026-06-15')).toBeUndefined();
  });

  describe('adultFrom: the day from which the person is an adult (what a read model stores)', () => {
    it('is the 18th birthday with the exact birth date (29 February → 1 March)', () => {
      expect(adultFrom({ presumedMinor: false, birthDate: '2008-01-01' })).toBe('2026-01-01');
      expect(adultFrom({ presumedMinor: false, birthDate: '2008-02-29' })).toBe('2026-03-01');
      expect(adultFrom({ presumedMinor: false, birthDate: '2008-02-29', birthYear: 2008 })).toBe(
        '2026-03-01',
      );
    });
    it('ages an estimate; an estimate of 18 or more is adult on every day', () => {
      expect(adultFrom({ presumedMinor: false, estimatedAge: 16, estimatedOn: '2026-11-22' })).toBe(
        '2028-11-22',
      );
      expect(adultFrom({ presumedMinor: false, estimatedAge: 15, estimatedOn: '2024-02-29' })).toBe(
        '2027-03-01',
      );
      expect(adultFrom({ presumedMinor: false, estimatedAge: 20, estimatedOn: '2026-11-22' })).toBe(
        '0001-01-01',
      );
    });
    it('is 1 January of the year after the 18th with only the birth year; unknown without facts', () => {
      expect(adultFrom({ presumedMinor: false, birthYear: 2008 })).toBe('2027-01-01');
      expect(adultFrom({ presumedMinor: false })).toBeUndefined();
    });
  });

  describe('isChildOn is "presumed minor, or before adultFrom" (property)', () => {
    /** The reading by completed years, as rule 3 states it: the oracle. */
    const byAge = (facts: AgeFacts, on: CalendarDate): boolean => {
      if (facts.presumedMinor) return true;
      const age = knownAgeOn(facts, on);
      if (age !== undefined) return age < AGE_OF_MAJORITY;
      if (facts.birthYear !== undefined) return Number(on.slice(0, 4)) - facts.birthYear <= 18;
      return false;
    };
    const day = fc
      .date({
        min: new Date('1950-01-01T00:00:00Z'),
        max: new Date('2060-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString().slice(0, 10));
    // Days around 18th birthdays and year ends are where a reading by year alone goes wrong.
    const nearBirthday = fc
      .tuple(day, fc.integer({ min: -3, max: 3 }), fc.integer({ min: 15, max: 21 }))
      .map(([birth, shift, years]) => {
        const d = new Date(`${birth}T00:00:00Z`);
        d.setUTCFullYear(d.getUTCFullYear() + years);
        d.setUTCDate(d.getUTCDate() + shift);
        return { birth, on: d.toISOString().slice(0, 10) };
      });
    const facts: fc.Arbitrary<AgeFacts> = fc.record(
      {
        presumedMinor: fc.boolean(),
        birthDate: day,
        birthYear: fc.integer({ min: 1950, max: 2060 }),
        estimatedAge: fc.integer({ min: 0, max: 40 }),
        estimatedOn: day,
      },
      { requiredKeys: ['presumedMinor'] },
    );

    it('over random facts and days', () => {
      fc.assert(
        fc.property(facts, day, (f, on) => {
          expect(isChildOn(f, on)).toBe(byAge(f, on));
          expect(isChildGiven(f.presumedMinor, adultFrom(f), on)).toBe(byAge(f, on));
        }),
        { numRuns: 5_000 },
      );
    });

    it('around 18th birthdays (exact birth date, with or without its readable year)', () => {
      fc.assert(
        fc.property(nearBirthday, fc.boolean(), ({ birth, on }, withYear) => {
          const f: AgeFacts = {
            presumedMinor: false,
            birthDate: birth,
            ...(withYear ? { birthYear: Number(birth.slice(0, 4)) } : {}),
          };
          expect(isChildOn(f, on)).toBe(byAge(f, on));
        }),
        { numRuns: 5_000 },
      );
    });
  });
});
