import type { CurrencyCode } from './currencies';

/**
 * Compensation claims (rule 5). The avenue of a claim is a `RemedyAvenue` (see remedy.ts). Classifications
 * are PascalCase like the other remedy lists; statuses and outcomes of a claim's life are snake_case like
 * the case's own statuses.
 */

/** Against whom a claim is brought. */
export const CLAIM_RESPONDENT_KINDS = [
  'Trafficker',
  'Employer',
  'SupplyChainBusiness',
  'RecruitmentAgency',
  'StateFund',
] as const;
export type ClaimRespondentKind = (typeof CLAIM_RESPONDENT_KINDS)[number];

/** Heads of damage an amount is claimed or awarded under. */
export const DAMAGE_HEADS = [
  'UnpaidWages',
  'MaterialDamage',
  'MoralDamage',
  'LegalCosts',
  'Other',
] as const;
export type DamageHead = (typeof DAMAGE_HEADS)[number];

/** Outcome of a decision on a claim (first instance or appeal). */
export const CLAIM_DECISION_OUTCOMES = ['awarded', 'partly_awarded', 'rejected'] as const;
export type ClaimDecisionOutcome = (typeof CLAIM_DECISION_OUTCOMES)[number];

/** Which instance decided: the first decision of a claim, or a decision on appeal. */
export const CLAIM_INSTANCES = ['first_instance', 'appeal'] as const;
export type ClaimInstance = (typeof CLAIM_INSTANCES)[number];

/** Who appealed a decision. */
export const CLAIM_APPELLANTS = ['claimant', 'respondent'] as const;
export type ClaimAppellant = (typeof CLAIM_APPELLANTS)[number];

/**
 * How a claim ends. `fully_paid`: paid ≥ awarded > 0. `partly_paid_abandoned`: 0 < paid < awarded, no
 * further pursuit. `unenforceable`: awarded > 0, paid < awarded, the award cannot be enforced.
 * `rejected`: the standing decision rejected the claim and it is not pursued further. `withdrawn`: the
 * claimant withdrew (at any stage).
 */
export const CLAIM_CLOSURE_OUTCOMES = [
  'fully_paid',
  'partly_paid_abandoned',
  'unenforceable',
  'rejected',
  'withdrawn',
] as const;
export type ClaimClosureOutcome = (typeof CLAIM_CLOSURE_OUTCOMES)[number];

/** Where a claim stands (derived by `evolve`; payments and enforcement are tracked beside it). */
export const CLAIM_STATUSES = ['filed', 'decided', 'appealed', 'final', 'closed'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

/**
 * ISO 4217 minor-unit exponents (digits after the decimal point): 2 unless listed here. Codes without
 * minor units in ISO 4217 ("N.A.": XAU, XDR, XXX, ...) count as 0. Checked against `currency-codes`
 * in code-lists.spec.ts.
 */
const MINOR_UNIT_EXCEPTIONS: Partial<Record<CurrencyCode, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XAG: 0,
  XAU: 0,
  XBA: 0,
  XBB: 0,
  XBC: 0,
  XBD: 0,
  XDR: 0,
  XOF: 0,
  XPD: 0,
  XPF: 0,
  XPT: 0,
  XSU: 0,
  XTS: 0,
  XUA: 0,
  XXX: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

/** Number of minor-unit digits of a currency (EUR 2, JPY 0, KWD 3, CLF 4). */
export const minorUnitExponent = (currency: CurrencyCode): number =>
  MINOR_UNIT_EXCEPTIONS[currency] ?? 2;
