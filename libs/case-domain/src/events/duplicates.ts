import type { EventOf } from './meta';

/** What a caseworker decided about two cases of one organisation that may hold the same person. */
export const DUPLICATE_DECISIONS = ['same_person', 'not_same_person'] as const;
export type DuplicateDecision = (typeof DUPLICATE_DECISIONS)[number];

/**
 * A decision on a possible duplicate (issue 19), recorded on BOTH cases' streams: first on the case
 * the caseworker acted on (`initiatedHere: true`), then, by the duplicate-decisions process manager,
 * on the other case (`initiatedHere: false`, the same `decisionId`). Opaque ids only: no personal
 * data, no score, no evidence (the tokens that produced the suggestion are not facts of the case).
 * `same_person` links the cases (one may then be closed with reason `duplicate`); `not_same_person`
 * means the pair is never suggested again.
 */
export type DuplicateDecisionRecorded = EventOf<
  'DuplicateDecisionRecorded',
  {
    readonly decisionId: string;
    readonly otherCaseId: string;
    readonly decision: DuplicateDecision;
    readonly initiatedHere: boolean;
  }
>;
