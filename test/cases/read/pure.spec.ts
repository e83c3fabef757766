import { adultFrom, decodeCursor, encodeCursor, isChildToday } from '@remedy/case-read-models';
import { sealedCiphertextOf } from '@remedy/case-stream';
import fc from 'fast-check';
import { isChildOn, type AgeFacts } from '@remedy/case-domain';
import { reminderJobId, reminderSettings, startOfDayIn } from '@remedy/case-reminders';

describe('read side: pure helpers', () => {
  describe('adultFrom (the day a person is an adult by readable facts)', () => {
    it('given an estimate, then the anniversary of the estimate when 18 is reached', () => {
      expect(adultFrom({ presumedMinor: false, estimatedAge: 16, estimatedOn: '2026-11-22' })).toBe(
        '2028-11-22',
      );
      // 18 or more: adult on every day, also before the estimate (as the decider reads it)
      expect(adultFrom({ presumedMinor: false, estimatedAge: 20, estimatedOn: '2026-11-22' })).toBe(
        '0001-01-01',
      );
    });
    it('given an estimate made on 29 February, then 1 March in a common year', () => {
      expect(adultFrom({ presumedMinor: false, estimatedAge: 15, estimatedOn: '2024-02-29' })).toBe(
        '2027-03-01',
      );
      expect(adultFrom({ presumedMinor: false, estimatedAge: 14, estimatedOn: '2024-02-29' })).toBe(
        '2028-02-29',
      );
    });
    it('given only a birth year, then 1 January after the year of the 18th birthday (children first)', () => {
      expect(adultFrom({ presumedMinor: false, birthYear: 2010 })).toBe('2029-01-01');
    });
    it('given nothing, then undefined', () => {
      expect(adultFrom({ presumedMinor: false })).toBeUndefined();
    });
    it("the row's childNow equals the decider's isChildOn over random facts and days (property)", () => {
      const day = fc
        .date({
          min: new Date('1950-01-01T00:00:00Z'),
          max: new Date('2060-12-31T00:00:00Z'),
          noInvalidDate: true,
        })
        .map((d) => d.toISOString().slice(0, 10));
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
      fc.assert(
        fc.property(facts, day, (f, today) => {
          const row = { presumed_minor: f.presumedMinor, adult_from: adultFrom(f) ?? null };
          expect(isChildToday(row, today)).toBe(isChildOn(f, today));
        }),
        { numRuns: 5_000 },
      );
    });
    it('child today: presumed minors always, others before the date', () => {
      expect(isChildToday({ presumed_minor: true, adult_from: '2000-01-01' }, '2026-11-22')).toBe(
        true,
      );
      expect(isChildToday({ presumed_minor: false, adult_from: '2026-11-23' }, '2026-11-22')).toBe(
        true,
      );
      expect(isChildToday({ presumed_minor: false, adult_from: '2026-11-22' }, '2026-11-22')).toBe(
        false,
      );
      expect(isChildToday({ presumed_minor: false, adult_from: null }, '2026-11-22')).toBe(false);
    });
  });

  it('reads the sealed ciphertext of a personal sub-object, nothing from clear or erased ones', () => {
    expect(sealedCiphertextOf({ sealed: 'v1.abc' })).toBe('v1.abc');
    expect(sealedCiphertextOf({ erased: true })).toBeUndefined();
    expect(sealedCiphertextOf({ fullName: 'must never be copied' })).toBeUndefined();
    expect(sealedCiphertextOf(undefined)).toBeUndefined();
  });

  it('cursors are opaque, round-trip, and bound to their sort', () => {
    const c = encodeCursor({ sort: 'reference', key: 'ORG-2026-00001', id: 'abc' });
    expect(c).not.toContain('ORG');
    expect(decodeCursor(c, 'reference')).toEqual({
      sort: 'reference',
      key: 'ORG-2026-00001',
      id: 'abc',
    });
    expect(decodeCursor(c, 'last_activity')).toBeUndefined();
    expect(decodeCursor('%%%', 'reference')).toBeUndefined();
    expect(decodeCursor(Buffer.from('[1,2,3]').toString('base64url'), 'reference')).toBeUndefined();
  });

  it('reminder job ids derive from case, kind, subject and deadline, never with ":"', () => {
    const base = {
      caseId: 'c1',
      organisationId: 'o1',
      kind: 'reflection_period_ending' as const,
      dueOn: '2026-12-01',
    };
    expect(reminderJobId(base)).toBe('reflection_period_ending-c1-case-2026-12-01');
    expect(reminderJobId({ ...base, dueOn: '2026-12-02' })).not.toBe(reminderJobId(base));
    expect(() => reminderJobId({ ...base, caseId: 'a:b' })).toThrow(RangeError);
  });

  it('a calendar day starts at local midnight in the jurisdiction, across daylight-saving changes', () => {
    expect(startOfDayIn('2026-01-15', 'Europe/Vienna').toISOString()).toBe(
      '2026-01-14T23:00:00.000Z',
    );
    expect(startOfDayIn('2026-07-15', 'Europe/Vienna').toISOString()).toBe(
      '2026-07-14T22:00:00.000Z',
    );
    expect(startOfDayIn('2026-03-29', 'Europe/Vienna').toISOString()).toBe(
      '2026-03-28T23:00:00.000Z',
    );
    expect(startOfDayIn('2026-10-25', 'Europe/Vienna').toISOString()).toBe(
      '2026-10-24T22:00:00.000Z',
    );
    expect(startOfDayIn('2026-07-15', 'America/New_York').toISOString()).toBe(
      '2026-07-15T04:00:00.000Z',
    );
  });

  it('reminder settings default to 5 days before a period ends and 7 days without an answer', () => {
    expect(reminderSettings({ timeZone: 'Europe/Vienna' })).toMatchObject({
      reflectionLeadDays: 5,
      referralNoAnswerDays: 7,
      reconcileEveryMinutes: 10,
    });
    expect(() => reminderSettings({ timeZone: 'Europe/Vienna', reflectionLeadDays: -1 })).toThrow(
      RangeError,
    );
  });
});
