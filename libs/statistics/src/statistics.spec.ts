import type { CaseEvent } from '@remedy/case-domain';
import { CATALOGUE, compensationAmounts, countTable, paymentOf } from './catalogue';
import {
  amountBand,
  factRows as factRowsWith,
  foldStatistics,
  initialStatState,
  type CaseStatState,
  type FactRow,
} from './facts';
import { htcdsLine } from './htcds';
import { buildRelease, checkRequest, releaseCounter, releaseCsv, requestKey } from './release';

/** Pure parts: the fold, the counting, request checks, the CSV and the HTCDS line. No database. */
const meta = (occurredAt: string) => ({
  caseId: '0b1d0c2e-0000-4000-8000-000000000001',
  organisationId: '0b1d0c2e-0000-4000-8000-0000000000aa',
  actorId: '0b1d0c2e-0000-4000-8000-0000000000bb',
  occurredAt,
  recordedAt: occurredAt,
});
const ctx = { timeZone: 'Europe/Vienna', claimKey: (id: string) => `k${id.slice(-4)}` };
const RATES = {
  referenceCurrency: 'EUR',
  years: { '2026': { USD: '0.9', JPY: '0.0061' } },
} as const;
const factRows = (state: CaseStatState) => factRowsWith(state, RATES);
const fold = (events: readonly unknown[]): CaseStatState =>
  events.reduce<CaseStatState>((s, e) => foldStatistics(s, e as CaseEvent, ctx), initialStatState);

const opened = (at = '2025-12-31T23:30:00Z') => ({
  type: 'CaseOpened',
  schemaVersion: 2,
  data: {
    ...meta(at),
    caseReference: 'X-2025-00001',
    referralSource: 'Embassy',
    profile: {
      sexGender: 'TransgenderFeminine',
      ageUncertain: false,
      citizenships: ['MD'],
      languages: ['ro'],
      birthYear: 2000,
    },
    ageGroupAtOpening: { category: 'adult', bracket: '25-34' },
    personal: { sealed: 'ciphertext' },
  },
});
const status = (decidedOn: string, s = 'PossibleVictimOfTrafficking') => ({
  type: 'VictimIdentified',
  schemaVersion: 1,
  data: {
    ...meta(`${decidedOn}T10:00:00Z`),
    status: s,
    decidingBody: 'CourtOrProsecution',
    decidedOn,
    formsOfExploitation: ['ForcedBegging'],
    sectors: [],
    countriesOfRecruitment: [],
    countriesOfTransit: [],
    countriesOfExploitation: [],
    meansOfControl: [],
    yearOfIdentification: Number(decidedOn.slice(0, 4)),
    ageGroupAtIdentification: { category: 'adult', bracket: '25-34' },
    personal: { sealed: 'x' },
  },
});
const cooperation = (value: string, at: string) => ({
  type: 'LawEnforcementCooperationRecorded',
  schemaVersion: 1,
  data: { ...meta(at), cooperation: value },
});
const assistance = (from: string, type = 'Accommodation') => ({
  type: 'AssistanceProvided',
  schemaVersion: 1,
  data: {
    ...meta(`${from}T08:00:00Z`),
    assistanceId: from,
    assistanceType: type,
    providedByOrganisationId: 'o',
    from,
    personal: { sealed: 'x' },
  },
});

describe('statistics (pure)', () => {
  it('takes the year of an instant in the jurisdiction and of a calendar date as written', () => {
    // 23:30 UTC on 31 December is already 2026 in Vienna.
    const rows = factRows(fold([opened(), status('2026-02-01'), assistance('2026-02-02')]));
    expect(rows.map((r) => r.year)).toEqual([2026]);
    const rows2 = factRows(
      fold([opened('2025-06-01T10:00:00Z'), status('2025-07-01'), assistance('2026-01-05')]),
    );
    expect(rows2.map((r) => [r.year, r.identified_in_year, r.status, r.assisted])).toEqual([
      [2025, true, 'PossibleVictimOfTrafficking', false],
      [2026, false, 'PossibleVictimOfTrafficking', true],
    ]);
  });

  it('marks assistance given while not cooperating, by the status recorded at that moment', () => {
    const cooperatingFirst = factRows(
      fold([
        opened('2026-01-01T10:00:00Z'),
        cooperation('cooperating', '2026-01-02T10:00:00Z'),
        assistance('2026-01-03'),
        cooperation('withdrew', '2026-01-04T10:00:00Z'),
      ]),
    )[0]!;
    expect([cooperatingFirst.assisted_while_not_cooperating, cooperatingFirst.cooperation]).toEqual(
      [false, 'withdrew'],
    );
    const never = factRows(fold([opened('2026-01-01T10:00:00Z'), assistance('2026-01-03')]))[0]!;
    expect([never.assisted_while_not_cooperating, never.cooperation]).toEqual([
      true,
      'not_recorded',
    ]);
  });

  it('applies corrections to every year and ignores erasure and events before the opening', () => {
    const base = [opened('2025-06-01T10:00:00Z'), status('2025-07-01'), assistance('2026-01-05')];
    const corrected = fold([
      ...base,
      {
        type: 'FactCorrected',
        schemaVersion: 1,
        data: {
          ...meta('2026-02-01T10:00:00Z'),
          correction: { fact: 'citizenships', value: ['UA'] },
          personal: { sealed: 'x' },
        },
      },
    ]);
    expect(factRows(corrected).map((r) => r.citizenships)).toEqual([['UA'], ['UA']]);
    const erased = foldStatistics(
      corrected,
      {
        type: 'PersonalDataErased',
        schemaVersion: 1,
        data: { ...meta('2026-03-01T10:00:00Z'), erasureRequestId: 'e' },
      } as CaseEvent,
      ctx,
    );
    expect(factRows(erased)).toEqual(factRows(corrected));
    expect(fold([assistance('2026-01-01')])).toBe(initialStatState);
  });

  it("counts only values of the code lists, and bounds a case's cells in DP counts", () => {
    const table = CATALOGUE.find((t) => t.id === 'victims-by-form-of-exploitation')!;
    const row = {
      ...factRows(fold([opened(), status('2026-02-01')]))[0]!,
      forms: ['ForcedLabour', 'NotACode', 'Servitude', 'OrganRemoval', 'Other'],
    } as FactRow;
    expect(countTable(table, [row]).cells.map((c) => c.at[1])).toEqual([
      'ForcedLabour',
      'Servitude',
      'OrganRemoval',
      'Other',
    ]);
    expect(countTable(table, [row], true).cells.map((c) => c.at[1])).toEqual([
      'ForcedLabour',
      'Servitude',
    ]);
  });

  it('checks requests: canonical key, refusals naming the field or the rule', () => {
    const a = checkRequest({
      period: '2026',
      mode: 'suppression',
      tables: ['victims-by-sector', 'assistance-by-type', 'victims-by-sector'],
    });
    const b = checkRequest({
      period: '2026',
      mode: 'suppression',
      tables: ['assistance-by-type', 'victims-by-sector'],
      k: 10,
    });
    expect(a.ok && b.ok && requestKey(a.value) === requestKey(b.value)).toBe(true);
    expect(checkRequest({ period: '2026', mode: 'rounding', k: 9 })).toMatchObject({
      ok: false,
      status: 422,
      rule: 'THRESHOLD_BELOW_MINIMUM',
    });
    expect(checkRequest({ period: '2026-Q3', mode: 'rounding' })).toMatchObject({
      ok: false,
      status: 422,
      rule: 'STATISTICS_PERIOD_IS_A_YEAR',
    });
    expect(checkRequest({ period: '2026', mode: 'dp', epsilon: 0 })).toMatchObject({
      ok: false,
      status: 400,
      field: 'epsilon',
    });
    expect(checkRequest({ period: '2026', mode: 'suppression', roundingBase: 5 })).toMatchObject({
      ok: false,
      status: 400,
      field: 'roundingBase',
    });
  });

  it('suppresses small cells and lists a currency only with at least k claims behind it', () => {
    const base = factRows(fold([opened(), status('2026-02-01')]))[0]!;
    const claim = (currency: string, awarded: number, paid: number) => ({
      avenue: 'CivilClaim',
      currency,
      claimed: 2 * awarded,
      awarded,
      paid,
    });
    const rows: FactRow[] = [
      ...Array.from({ length: 12 }, () => base),
      ...Array.from({ length: 3 }, () => ({ ...base, sex_gender: 'Masculine' })),
    ];
    const claimAmounts = [
      ...Array.from({ length: 12 }, () => claim('EUR', 1000, 1000)),
      ...Array.from({ length: 3 }, () => claim('USD', 500, 0)),
    ];
    expect(compensationAmounts(claimAmounts, 10).map((m) => m.currency)).toEqual(['EUR']);
    expect(paymentOf({ awarded: 0, paid: 0 })).toBe('no_award');
    const request = {
      period: '2026',
      tables: ['compensation-sums', 'victims-by-status-sex-age'],
      mode: 'suppression',
      k: 10,
      roundingBase: null,
      epsilon: null,
    } as const;
    const built = buildRelease('r1', request, { facts: rows, claimAmounts });
    if (!built.ok) throw new Error(built.error.message);
    const victims = built.document.tables[0]!;
    const masculine = victims.cells.find(
      (c) =>
        c.at[0] === 'PossibleVictimOfTrafficking' && c.at[1] === 'Masculine' && c.at[2] === '25-34',
    )!;
    expect(masculine).toMatchObject({ value: null, suppressed: true });
    expect(JSON.stringify(built.document)).not.toContain('USD');
    const eur = built.document.compensationSums!.tables[0]!;
    expect(eur.cells.find((c) => c.at[0] === null)).toEqual({
      at: [null],
      claims: 12,
      claimed: 24_000,
      awarded: 12_000,
      paid: 12_000,
    });
    // Counting the rows in batches (as the builder streams them from a cursor) gives the same release.
    const counter = releaseCounter(request);
    counter.add(rows.slice(0, 5));
    counter.add(rows.slice(5));
    const streamed = buildRelease('r1', request, {
      facts: { counts: counter.counts() },
      claimAmounts,
    });
    expect(streamed).toEqual(built);
    const csv = releaseCsv(built.document);
    expect(csv).toContain(
      'r1,2026,victims-by-status-sex-age,cases,status=PossibleVictimOfTrafficking;sex=Masculine;age_group=25-34,,suppressed',
    );
    expect(csv).toContain(
      'compensation-sums,"claimed, EUR minor units",avenue=Total;currency=EUR,24000,',
    );
    expect(csv).toContain(
      'compensation-sums,"awarded, EUR minor units",avenue=Total;currency=EUR,12000,',
    );
  });

  it('bands claim amounts in major units of the reference currency, never mixing a currency without a rate', () => {
    expect(amountBand(0, 'EUR', 2026, RATES)).toBe('0');
    expect(amountBand(1, 'EUR', 2026, RATES)).toBe('1-499');
    expect(amountBand(49_999, 'EUR', 2026, RATES)).toBe('1-499');
    expect(amountBand(50_000, 'EUR', 2026, RATES)).toBe('500-999');
    expect(amountBand(499_999, 'EUR', 2026, RATES)).toBe('1000-4999');
    expect(amountBand(999_999, 'EUR', 2026, RATES)).toBe('5000-9999');
    expect(amountBand(1_000_000, 'EUR', 2026, RATES)).toBe('10000-49999');
    expect(amountBand(5_000_000, 'EUR', 2026, RATES)).toBe('50000+');
    // 1 000.00 USD at 0.9 is 900 EUR; 1 000 000 JPY (no minor unit) at 0.0061 is 6 100 EUR.
    expect(amountBand(100_000, 'USD', 2026, RATES)).toBe('500-999');
    expect(amountBand(1_000_000, 'JPY', 2026, RATES)).toBe('5000-9999');
    // No USD rate for 2025, no rate at all for GBP: unconverted.
    expect(amountBand(100_000, 'USD', 2025, RATES)).toBe('unconverted');
    expect(amountBand(100_000, 'GBP', 2026, RATES)).toBe('unconverted');
  });

  it('keeps claim outcomes, payment and amount bands in the fact row, never an exact amount', () => {
    const claimId = '0b1d0c2e-0000-4000-8000-00000000c1a1';
    const state = fold([
      opened(),
      {
        type: 'CompensationClaimFiled',
        schemaVersion: 1,
        data: {
          ...meta('2026-03-01T09:00:00Z'),
          claimId,
          avenue: 'CivilClaim',
          respondentKind: 'Employer',
          currency: 'USD',
          claimed: { UnpaidWages: 987_654 },
          claimedTotal: 987_654,
          filedOn: '2026-03-01',
          filedLate: false,
          personal: { sealed: 'x' },
        },
      },
      {
        type: 'ClaimDecided',
        schemaVersion: 1,
        data: {
          ...meta('2026-06-01T09:00:00Z'),
          claimId,
          instance: 'first_instance',
          outcome: 'partly_awarded',
          awarded: { UnpaidWages: 654_321 },
          awardedTotal: 654_321,
          currency: 'USD',
          decidedOn: '2026-06-01',
          personal: { sealed: 'x' },
        },
      },
      {
        type: 'ClaimPaymentReceived',
        schemaVersion: 1,
        data: {
          ...meta('2026-07-01T09:00:00Z'),
          claimId,
          paymentId: 'p1',
          receivedOn: '2026-07-01',
          amount: 12_345,
          currency: 'USD',
          paidTotal: 12_345,
          aboveAward: false,
          personal: { sealed: 'x' },
        },
      },
    ]);
    const row = factRows(state).find((r) => r.year === 2026)!;
    expect(row.claims).toEqual([
      {
        avenue: 'CivilClaim',
        respondentKind: 'Employer',
        currency: 'USD',
        filedYear: 2026,
        outcome: 'partly_awarded',
        payment: 'paid_in_part',
        awardedBand: '5000-9999',
        paidBand: '1-499',
      },
    ]);
    const json = JSON.stringify(factRows(state));
    for (const exact of ['987654', '654321', '12345']) expect(json).not.toContain(exact);
    const table = CATALOGUE.find((t) => t.id === 'compensation-awards-by-band')!;
    expect(countTable(table, [row]).cells).toEqual([{ at: ['CivilClaim', '5000-9999'], count: 1 }]);
  });

  it('writes an HTCDS line with the mapped values, quoting where CSV needs it', () => {
    const line = htcdsLine(
      {
        case_id: 'c',
        reference: 'ORG-2026-00001',
        lifecycle: 'closure_requested',
        erased: false,
        facts: {
          referralSource: 'Hotline',
          profile: {
            sexGender: 'NonConforming',
            citizenships: ['UA', 'STATELESS'],
            languages: ['uk', 'ru', 'en'],
          },
          identification: {
            status: 'ActualVictimOfTrafficking',
            decidingBody: 'Police',
            formsOfExploitation: ['ForcedCriminality', 'Other'],
            sectors: ['C_Manufacturing', 'F_Construction'],
            meansOfControl: ['RestrictsMovement', 'DebtBondage'],
          },
        },
        sealed_personal: null,
      },
      {
        fullName: 'Anna Maria "Ana" Example',
        birthDate: '1999-01-02',
        contacts: ['+43 1 234', 'a@example.org'],
        addresses: ['Street 1, Vienna'],
      },
      ['Accommodation', 'Psychological', 'MedicalOngoing'],
    );
    expect(line).toBe(
      'ORG-2026-00001,"Anna Maria ""Ana""",Example,1999-01-02,NonConforming,UA;STATELESS,uk,ru,,a@example.org,+43 1 234,"Street 1, Vienna",ActualVictimOfTrafficking,Police,Other,C_Manufacturing,Other;DebtBondage,Active,,SocialCare;Health',
    );
  });
});
