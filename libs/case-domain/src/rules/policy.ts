/** The floor set by CETS 197 art. 13: a jurisdiction may set a longer minimum, never a shorter one. */
export const MINIMUM_REFLECTION_DAYS = 30;

/** Jurisdiction settings every decision is taken under. Build it with `createJurisdictionPolicy`. */
export interface JurisdictionPolicy {
  /** Minimum recovery and reflection period in days (≥ 30). */
  readonly minimumReflectionDays: number;
  /** IANA time zone in which deadlines are calendar dates (e.g. `Europe/Vienna`). */
  readonly timeZone: string;
  /** How many days before the last day of the reflection period the caseworker is reminded. */
  readonly reflectionReminderDaysBefore: number;
}

export interface JurisdictionPolicyInput {
  readonly minimumReflectionDays?: number;
  readonly timeZone: string;
  readonly reflectionReminderDaysBefore?: number;
}

const isValidTimeZone = (timeZone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
};

/**
 * Validates and freezes the jurisdiction's settings. Throws a RangeError naming rule 4 when the minimum
 * reflection period is below 30 days (a configuration error: the application must not start).
 */
export const createJurisdictionPolicy = (input: JurisdictionPolicyInput): JurisdictionPolicy => {
  const minimumReflectionDays = input.minimumReflectionDays ?? MINIMUM_REFLECTION_DAYS;
  const reflectionReminderDaysBefore = input.reflectionReminderDaysBefore ?? 7;
  if (!Number.isInteger(minimumReflectionDays) || minimumReflectionDays < MINIMUM_REFLECTION_DAYS) {
    throw new RangeError(
      `RULE_4_REFLECTION_PERIOD_TOO_SHORT: the minimum reflection period must be a whole number of days ≥ ${MINIMUM_REFLECTION_DAYS}, got ${minimumReflectionDays}`,
    );
  }
  if (!Number.isInteger(reflectionReminderDaysBefore) || reflectionReminderDaysBefore < 1) {
    throw new RangeError(
      `reflectionReminderDaysBefore must be a whole number ≥ 1, got ${reflectionReminderDaysBefore}`,
    );
  }
  if (!isValidTimeZone(input.timeZone)) {
    throw new RangeError(`not an IANA time zone: ${input.timeZone}`);
  }
  return Object.freeze({
    minimumReflectionDays,
    timeZone: input.timeZone,
    reflectionReminderDaysBefore,
  });
};
