/** Injection tokens of the case command side. */
export const CASE_CIPHER = Symbol('CASE_CIPHER');
export const BLIND_INDEXER = Symbol('BLIND_INDEXER');
export const JURISDICTION_POLICY = Symbol('JURISDICTION_POLICY');
/** A pg Pool for the command side's own tables (idempotency keys, references, blind index). */
export const COMMANDS_POOL = Symbol('COMMANDS_POOL');
/** `() => Date`: the decisions' clock (replaceable in tests). */
export const CLOCK = Symbol('CLOCK');
export type Clock = () => Date;
/** The `Eraser` (erasure/erasure.ts): ledger, erasure steps, re-application after a restore. */
export const ERASER = Symbol('ERASER');
/** The `AdultDatesReconciler` (adult-dates/adult-dates.ts): `case_adult_dates` from the streams. */
export const ADULT_DATES_RECONCILER = Symbol('ADULT_DATES_RECONCILER');
/** The `PersonMatchTokens` (duplicates/person-match-tokens.ts): keyed blind tokens, possible duplicates. */
export const PERSON_MATCH_TOKENS = Symbol('PERSON_MATCH_TOKENS');
