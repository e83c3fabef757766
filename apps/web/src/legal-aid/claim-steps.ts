import type { CommandPath, FieldSpec, FormValues } from '../commands';
import { convertedMinorUnits, type CurrencyDigits } from '../format';

/** The heads of damage a claim's amounts are given by (the `damage-heads` code list). */
export const DAMAGE_HEADS = [
  'UnpaidWages',
  'MaterialDamage',
  'MoralDamage',
  'LegalCosts',
  'Other',
] as const;

const label = (name: string) => `legalaid.field.${name}`;
const notes: FieldSpec = { name: 'personal.text', kind: 'textarea', label: label('notes') };

/** One amount per head of damage, typed as decimals of the claim's currency. */
const amounts = (
  group: 'claimed' | 'awarded',
  currency: { currency?: string; currencyField?: string },
  when?: (values: FormValues) => boolean,
): FieldSpec[] =>
  DAMAGE_HEADS.map((head) => ({
    name: `${group}.${head}`,
    kind: 'money',
    ...currency,
    codeLabel: { list: 'damage-heads', code: head },
    when,
  }));

/** "I represent the claimant" (the caller's own id), else another representative's user id. */
const representative = (required: boolean): FieldSpec[] => [
  { name: 'representMe', kind: 'boolean', label: label('representMe') },
  {
    name: 'legalRepresentativeId',
    kind: 'text',
    label: label('legalRepresentativeId'),
    description: 'legalaid.field.legalRepresentativeId.help',
    required,
    when: (values) => !values.representMe,
  },
];

/** `representMe` is the form's, not the command's: it becomes the caller's user id. */
const withRepresentative =
  (me: string) =>
  ({ representMe, ...body }: FormValues): FormValues =>
    representMe ? { ...body, legalRepresentativeId: me } : body;

export interface ClaimStep {
  readonly id: string;
  readonly path: CommandPath;
  readonly fields: readonly FieldSpec[];
  readonly toBody?: (body: FormValues) => FormValues;
}

/** Filing a claim (POST /cases/{caseId}/claims): amounts in the currency chosen. */
export function fileClaimStep(me: string): ClaimStep {
  return {
    id: 'fileClaim',
    path: '/cases/{caseId}/claims',
    fields: [
      {
        name: 'avenue',
        kind: 'code',
        list: 'remedy-avenues',
        required: true,
        label: label('avenue'),
      },
      {
        name: 'respondentKind',
        kind: 'code',
        list: 'claim-respondent-kinds',
        required: true,
        label: label('respondentKind'),
      },
      {
        name: 'currency',
        kind: 'code',
        list: 'currencies',
        required: true,
        label: label('currency'),
      },
      ...amounts('claimed', { currencyField: 'currency' }, (v) => Boolean(v.currency)),
      { name: 'filedOn', kind: 'date', defaultToday: true, label: label('filedOn') },
      { name: 'filingDeadline', kind: 'date', label: label('filingDeadline') },
      ...representative(false),
      { name: 'personal.text', kind: 'textarea', label: label('notes') },
      { name: 'personal.lateFilingReason', kind: 'textarea', label: label('lateFilingReason') },
    ],
    toBody: withRepresentative(me),
  };
}

/**
 * The steps of a filed claim, in the order a claim goes through them (`digits`: the currencies'
 * ISO 4217 minor-unit digits, for a payment in another currency converted to the claim's).
 */
export function claimSteps(
  me: string,
  claim: { currency: string },
  digits: CurrencyDigits,
): ClaimStep[] {
  const claimPath = (step: string) => `/cases/{caseId}/claims/{claimId}/${step}` as CommandPath;
  const decided = (v: FormValues) => v.outcome !== null && v.outcome !== 'rejected';
  return [
    {
      id: 'representative',
      path: claimPath('legal-representative'),
      fields: representative(true),
      toBody: withRepresentative(me),
    },
    {
      id: 'hearing',
      path: claimPath('hearings'),
      fields: [
        { name: 'hearingOn', kind: 'date', required: true, label: label('hearingOn') },
        notes,
      ],
    },
    {
      id: 'decision',
      path: claimPath('decision'),
      fields: [
        {
          name: 'outcome',
          kind: 'code',
          list: 'claim-decision-outcomes',
          required: true,
          label: label('decisionOutcome'),
        },
        ...amounts('awarded', { currency: claim.currency }, decided),
        { name: 'decidedOn', kind: 'date', defaultToday: true, label: label('decidedOn') },
        { name: 'paymentDueOn', kind: 'date', label: label('paymentDueOn'), when: decided },
        notes,
      ],
      // The award is in the claim's currency; a rejection awards nothing.
      toBody: (body) => ({ awarded: {}, ...body, currency: claim.currency }),
    },
    {
      id: 'appeal',
      path: claimPath('appeal'),
      fields: [
        {
          name: 'appealedBy',
          kind: 'code',
          list: 'claim-appellants',
          required: true,
          label: label('appealedBy'),
        },
        { name: 'appealedOn', kind: 'date', defaultToday: true, label: label('appealedOn') },
        notes,
      ],
    },
    {
      id: 'final',
      path: claimPath('final'),
      fields: [{ name: 'finalOn', kind: 'date', defaultToday: true, label: label('finalOn') }],
    },
    {
      id: 'payment',
      path: claimPath('payments'),
      fields: [
        {
          name: 'currency',
          kind: 'code',
          list: 'currencies',
          required: true,
          label: label('paymentCurrency'),
        },
        {
          name: 'amount',
          kind: 'money',
          currencyField: 'currency',
          required: true,
          label: label('amount'),
        },
        {
          name: 'exchangeRate',
          kind: 'text',
          required: true,
          label: label('exchangeRate'),
          description: 'legalaid.field.exchangeRate.help',
          when: (v) => Boolean(v.currency) && v.currency !== claim.currency,
        },
        { name: 'receivedOn', kind: 'date', defaultToday: true, label: label('receivedOn') },
        { name: 'nextPaymentDueOn', kind: 'date', label: label('nextPaymentDueOn') },
        notes,
        { name: 'personal.aboveAwardReason', kind: 'textarea', label: label('aboveAwardReason') },
      ],
      // A payment in another currency carries its amount in the claim's currency at the rate.
      toBody: (body) =>
        body.currency === claim.currency ||
        typeof body.amount !== 'number' ||
        typeof body.exchangeRate !== 'string'
          ? body
          : {
              ...body,
              convertedAmount: convertedMinorUnits(
                body.amount,
                digits(String(body.currency)),
                digits(claim.currency),
                body.exchangeRate,
              ),
            },
    },
    {
      id: 'enforcement',
      path: claimPath('enforcement'),
      fields: [
        { name: 'startedOn', kind: 'date', defaultToday: true, label: label('startedOn') },
        notes,
      ],
    },
    {
      id: 'closure',
      path: claimPath('closure'),
      fields: [
        {
          name: 'outcome',
          kind: 'code',
          list: 'claim-closure-outcomes',
          required: true,
          label: label('closureOutcome'),
        },
        { name: 'closedOn', kind: 'date', defaultToday: true, label: label('closedOn') },
        notes,
      ],
    },
  ];
}
