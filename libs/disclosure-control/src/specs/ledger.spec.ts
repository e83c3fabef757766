import { rational, remaining, spend, spent, type PrivacyLedger } from '..';

const charge = (ledger: PrivacyLedger, period: string, eps: string, release: string) =>
  spend(ledger, period, { unit: 'epsilon', amount: rational(eps) }, release);

const unwrap = <T>(
  result: { ok: true; value: T } | { ok: false; error: { message: string } },
): T => {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
};

describe('privacy-budget ledger', () => {
  const empty: PrivacyLedger = {
    budget: { epsilon: rational(1), rho: rational(1, 2) },
    entries: [],
  };

  it('accepts releases up to the period budget exactly and refuses the one that would exceed it', () => {
    // In floating point 0.3 + 0.3 + 0.4 = 1.0000000000000002 > 1: exact rationals spend the budget exactly.
    let ledger = unwrap(charge(empty, '2025', '3/10', 'r1'));
    ledger = unwrap(charge(ledger, '2025', '3/10', 'r2'));
    ledger = unwrap(charge(ledger, '2025', '4/10', 'r3'));
    expect(spent(ledger, '2025', 'epsilon')).toEqual(rational(1));
    expect(remaining(ledger, '2025', 'epsilon')).toEqual(rational(0));
    const refused = charge(ledger, '2025', '1/1000000', 'r4');
    expect(refused).toEqual({
      ok: false,
      error: {
        rule: 'PRIVACY_BUDGET_EXCEEDED',
        message: 'period 2025: epsilon spent would be 1000001/1000000, above the budget 1',
      },
    });
    expect(ledger.entries).toHaveLength(3);
  });

  it('keeps one budget per period, shared by every release of that period, and does not change its input', () => {
    const first = unwrap(charge(empty, '2025', '9/10', 'rapporteur-a-2025'));
    expect(charge(first, '2025', '2/10', 'rapporteur-b-2025')).toMatchObject({
      ok: false,
      error: { rule: 'PRIVACY_BUDGET_EXCEEDED' },
    });
    expect(unwrap(charge(first, '2026', '9/10', 'rapporteur-b-2026')).entries).toHaveLength(2);
    expect(empty.entries).toEqual([]);
    expect(first.entries).toHaveLength(1);
  });

  it('accounts ρ (zCDP) separately from ε, refuses a unit without budget, a repeated release and a non-positive cost', () => {
    const rho = unwrap(spend(empty, '2025', { unit: 'rho', amount: rational(1, 2) }, 'g1'));
    expect(spent(rho, '2025', 'epsilon')).toEqual(rational(0));
    expect(spend(rho, '2025', { unit: 'rho', amount: rational(1, 100) }, 'g2')).toMatchObject({
      ok: false,
      error: { rule: 'PRIVACY_BUDGET_EXCEEDED' },
    });
    const noRho: PrivacyLedger = { budget: { epsilon: rational(1) }, entries: [] };
    expect(spend(noRho, '2025', { unit: 'rho', amount: rational(1, 100) }, 'g1')).toMatchObject({
      ok: false,
      error: { rule: 'PRIVACY_BUDGET_EXCEEDED' },
    });
    const once = unwrap(charge(empty, '2025', '1/10', 'r1'));
    expect(charge(once, '2025', '1/10', 'r1')).toMatchObject({
      ok: false,
      error: { rule: 'RELEASE_ALREADY_CHARGED' },
    });
    expect(charge(empty, '2025', '0', 'r1')).toMatchObject({
      ok: false,
      error: { rule: 'INVALID_INPUT' },
    });
    expect(charge(empty, '2025', '-1/2', 'r1')).toMatchObject({
      ok: false,
      error: { rule: 'INVALID_INPUT' },
    });
  });
});
