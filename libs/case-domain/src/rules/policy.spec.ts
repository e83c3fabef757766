import { createJurisdictionPolicy, MINIMUM_REFLECTION_DAYS } from './policy';

describe('jurisdiction policy (rule 4)', () => {
  it('defaults to the 30-day floor and a 7-day reminder', () => {
    expect(MINIMUM_REFLECTION_DAYS).toBe(30);
    expect(createJurisdictionPolicy({ timeZone: 'Europe/Vienna' })).toEqual({
      minimumReflectionDays: 30,
      timeZone: 'Europe/Vienna',
      reflectionReminderDaysBefore: 7,
    });
  });

  it('accepts a longer minimum and is frozen', () => {
    const policy = createJurisdictionPolicy({
      timeZone: 'Europe/Oslo',
      minimumReflectionDays: 90,
      reflectionReminderDaysBefore: 1,
    });
    expect(policy.minimumReflectionDays).toBe(90);
    expect(policy.reflectionReminderDaysBefore).toBe(1);
    expect(Object.isFrozen(policy)).toBe(true);
  });

  it.each([29, 0, -30, 30.5, Number.NaN])(
    'rejects a minimum of %s days at construction, naming rule 4',
    (days) => {
      expect(() =>
        createJurisdictionPolicy({ timeZone: 'UTC', minimumReflectionDays: days }),
      ).toThrow(/^RULE_4_REFLECTION_PERIOD_TOO_SHORT: .*≥ 30/);
    },
  );

  it.each([0, -1, 2.5])('rejects a reminder %s days before', (days) => {
    expect(() =>
      createJurisdictionPolicy({ timeZone: 'UTC', reflectionReminderDaysBefore: days }),
    ).toThrow(RangeError);
    expect(() =>
      createJurisdictionPolicy({ timeZone: 'UTC', reflectionReminderDaysBefore: days }),
    ).toThrow(/reflectionReminderDaysBefore/);
  });

  it('rejects a time zone that is not an IANA zone', () => {
    expect(() => createJurisdictionPolicy({ timeZone: 'Mars/Olympus' })).toThrow(
      /not an IANA time zone/,
    );
  });
});
