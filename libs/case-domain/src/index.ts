/**
 * @remedy/case-domain: the case of a person assisted by Remedy, as pure functions over plain events.
 * No Nest, no I/O, no clock, no logging. See README.md for the rules and the personal-data contract.
 */
export * from './code-lists';
export * from './commands';
export * from './events';
export { upcast, upcastCaseOpenedV1, UnknownEventError, type RawEvent } from './events/upcast';
export { readableState } from './readable-state';
export * from './rules/access';
export * from './rules/age';
export * from './rules/calendar';
export * from './rules/case-reference';
export * from './rules/errors';
export * from './rules/money';
export * from './rules/policy';
export * from './rules/reflection-period';
export {
  consentKey,
  evolve,
  evolveAll,
  initialState,
  PERSONAL_FOLDED_EVENTS,
  type CaseState,
  type ClaimState,
  type InformationOnly,
  type Lifecycle,
  type ReferralState,
  type ReferralStatus,
} from './state';
export { decide } from './decide';
export type { DecisionState } from './decide/context';
export { caseDecider, isChild, needsGuardian, type CaseDecider } from './decider';
