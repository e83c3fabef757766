/**
 * @remedy/disclosure-control: statistical disclosure control for the rapporteurs' statistics
 * (threshold and secondary suppression verified by linear programming, rounding, money cells) and
 * differential privacy (exact discrete Laplace / Gaussian samplers, privacy-budget ledger).
 * Pure: no Nest, no I/O; randomness is injected (`RandomSource`). See README.md.
 */
export * from './result';
export * from './rational';
export * from './tables/model';
export { DEFAULT_MAX_AUDIT_VARIABLES } from './tables/graph';
export * from './suppression/protect';
export { roundToBase } from './suppression/rounding';
export type { Interval } from './suppression/audit';
export * from './dp/random';
export * from './dp/samplers';
export * from './dp/noisy-table';
export * from './dp/ledger';
export * from './money';
