/**
 * Conventional rounding to the nearest multiple of `base` (remainders below base/2 round down, the
 * others up; for base 5: 0–2 down, 3–4 up). The true value is then within ⌊base/2⌋ of the published
 * one. Deterministic, so rounding the same count twice gives the same figure.
 */
export function roundToBase(value: number, base: number): number {
  const remainder = value % base;
  return remainder * 2 < base ? value - remainder : value - remainder + base;
}

export const isValidBase = (base: unknown): base is number =>
  typeof base === 'number' && Number.isSafeInteger(base) && base >= 2;
