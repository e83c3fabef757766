/** Decisions about a child that need a best-interests assessment recorded for them (rule 3). */
export const BEST_INTERESTS_DECISIONS = ['referral', 'transfer', 'return', 'closure'] as const;
export type BestInterestsDecision = (typeof BEST_INTERESTS_DECISIONS)[number];

/** Outcome of a best-interests assessment for the decision it was made for. */
export const BEST_INTERESTS_OUTCOMES = ['proceed', 'do_not_proceed'] as const;
export type BestInterestsOutcome = (typeof BEST_INTERESTS_OUTCOMES)[number];

/** Who a child gets to represent them (rule 3). */
export const GUARDIAN_KINDS = ['guardian', 'legal_representative'] as const;
export type GuardianKind = (typeof GUARDIAN_KINDS)[number];
