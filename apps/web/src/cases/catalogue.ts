import type { FieldSpec, FormValues } from '../commands';

/**
 * Every case command the API offers a caseworker or supervisor (libs/api-client/openapi.json,
 * tag `cases`; the claims have screens of their own), as forms, grouped for the case page. The
 * title of each is the message `casepage.cmd.<id>`. `supervisor`: the domain takes it from a
 * supervisor only (the console hides it from others as a convenience; the API decides).
 */

const occurredAt: FieldSpec = { name: 'occurredAt', kind: 'datetime' };
const notes: FieldSpec = { name: 'personal.text', kind: 'textarea' };
const otherThanAssistance = (values: FormValues) =>
  values['purpose'] !== null && values['purpose'] !== 'assistance';

export type CommandId =
  | 'victimStatus'
  | 'presumeMinority'
  | 'verifyAge'
  | 'reflectionPeriod'
  | 'giveConsent'
  | 'withdrawConsent'
  | 'objectStatistics'
  | 'withdrawObjection'
  | 'assessNeeds'
  | 'supportPlan'
  | 'assistance'
  | 'refer'
  | 'grantLegalAid'
  | 'revokeLegalAid'
  | 'transfer'
  | 'bestInterests'
  | 'guardian'
  | 'cooperation'
  | 'remedy'
  | 'raiseFlag'
  | 'requestClosure'
  | 'approveClosure'
  | 'reopen'
  | 'assignCaseworker'
  | 'note'
  | 'correct'
  | 'erase';

/** A case command whose path takes only the case id. */
export interface CaseCommandSpec {
  readonly id: CommandId;
  readonly path: `/cases/{caseId}/${string}`;
  readonly fields: readonly FieldSpec[];
  readonly supervisor?: boolean;
  readonly toBody?: (body: FormValues, values: FormValues) => FormValues;
  /** Offered only in these case statuses (default: any). */
  readonly statuses?: readonly ('open' | 'closure_requested' | 'closed')[];
  readonly danger?: boolean;
}

export const COMMANDS: Readonly<Record<CommandId, CaseCommandSpec>> = {
  victimStatus: {
    id: 'victimStatus',
    path: '/cases/{caseId}/victim-status',
    fields: [
      { name: 'status', kind: 'code', list: 'victim-statuses', required: true },
      { name: 'decidingBody', kind: 'code', list: 'deciding-bodies', required: true },
      { name: 'decidedOn', kind: 'date', required: true, defaultToday: true },
      { name: 'formsOfExploitation', kind: 'codes', list: 'forms-of-exploitation' },
      { name: 'sectors', kind: 'codes', list: 'sectors' },
      { name: 'countriesOfRecruitment', kind: 'codes', list: 'countries' },
      { name: 'countriesOfTransit', kind: 'codes', list: 'countries' },
      { name: 'countriesOfExploitation', kind: 'codes', list: 'countries' },
      { name: 'meansOfControl', kind: 'codes', list: 'means-of-control' },
      { name: 'exploitationFromYear', kind: 'integer', min: 1900, max: 9999 },
      { name: 'exploitationToYear', kind: 'integer', min: 1900, max: 9999 },
      { name: 'personal.exploitationStartedOn', kind: 'date' },
      { name: 'personal.exploitationEndedOn', kind: 'date' },
      notes,
      occurredAt,
    ],
  },
  presumeMinority: {
    id: 'presumeMinority',
    path: '/cases/{caseId}/presume-minority',
    fields: [notes, occurredAt],
  },
  verifyAge: {
    id: 'verifyAge',
    path: '/cases/{caseId}/verify-age',
    fields: [
      { name: 'method', kind: 'code', list: 'age-verification-methods', required: true },
      { name: 'verifiedAge', kind: 'integer', min: 0, max: 130 },
      { name: 'personal.birthDate', kind: 'date' },
      occurredAt,
    ],
  },
  reflectionPeriod: {
    id: 'reflectionPeriod',
    path: '/cases/{caseId}/reflection-period',
    fields: [
      { name: 'startsOn', kind: 'date', description: 'commands.hint.startsOn' },
      { name: 'days', kind: 'integer', min: 1, max: 3650 },
      occurredAt,
    ],
  },
  giveConsent: {
    id: 'giveConsent',
    path: '/cases/{caseId}/consents',
    fields: [
      { name: 'purpose', kind: 'code', list: 'consent-purposes', required: true },
      {
        name: 'receivingOrganisationId',
        kind: 'organisation',
        required: true,
        when: otherThanAssistance,
      },
      { name: 'obtainedInLanguage', kind: 'code', list: 'languages', required: true },
      { name: 'interpreterUsed', kind: 'boolean' },
      occurredAt,
    ],
  },
  withdrawConsent: {
    id: 'withdrawConsent',
    path: '/cases/{caseId}/consents/withdraw',
    fields: [
      { name: 'purpose', kind: 'code', list: 'consent-purposes', required: true },
      {
        name: 'receivingOrganisationId',
        kind: 'organisation',
        required: true,
        when: otherThanAssistance,
      },
      occurredAt,
    ],
  },
  objectStatistics: {
    id: 'objectStatistics',
    path: '/cases/{caseId}/statistical-use-objection',
    fields: [occurredAt],
  },
  withdrawObjection: {
    id: 'withdrawObjection',
    path: '/cases/{caseId}/statistical-use-objection/withdraw',
    fields: [occurredAt],
  },
  assessNeeds: {
    id: 'assessNeeds',
    path: '/cases/{caseId}/needs-assessments',
    fields: [{ name: 'needs', kind: 'codes', list: 'assistance-types' }, notes, occurredAt],
  },
  supportPlan: {
    id: 'supportPlan',
    path: '/cases/{caseId}/support-plans',
    fields: [
      { name: 'plannedAssistance', kind: 'codes', list: 'assistance-types' },
      { name: 'reviewOn', kind: 'date' },
      notes,
      occurredAt,
    ],
  },
  assistance: {
    id: 'assistance',
    path: '/cases/{caseId}/assistance',
    fields: [
      { name: 'assistanceType', kind: 'code', list: 'assistance-types', required: true },
      { name: 'from', kind: 'date' },
      { name: 'until', kind: 'date' },
      notes,
      occurredAt,
    ],
  },
  refer: {
    id: 'refer',
    path: '/cases/{caseId}/referrals',
    fields: [
      { name: 'toOrganisationId', kind: 'organisation', required: true },
      { name: 'service', kind: 'code', list: 'assistance-types', required: true },
      notes,
      occurredAt,
    ],
  },
  grantLegalAid: {
    id: 'grantLegalAid',
    path: '/cases/{caseId}/legal-aid-access',
    fields: [{ name: 'legalAidOrganisationId', kind: 'organisation', required: true }, occurredAt],
  },
  revokeLegalAid: {
    id: 'revokeLegalAid',
    path: '/cases/{caseId}/legal-aid-access/revoke',
    fields: [{ name: 'legalAidOrganisationId', kind: 'organisation', required: true }, occurredAt],
  },
  transfer: {
    id: 'transfer',
    path: '/cases/{caseId}/transfer',
    supervisor: true,
    fields: [{ name: 'toOrganisationId', kind: 'organisation', required: true }, notes, occurredAt],
  },
  bestInterests: {
    id: 'bestInterests',
    path: '/cases/{caseId}/best-interests-assessments',
    supervisor: true,
    fields: [
      { name: 'decision', kind: 'code', list: 'best-interests-decisions', required: true },
      { name: 'outcome', kind: 'code', list: 'best-interests-outcomes', required: true },
      { name: 'guardianPresent', kind: 'boolean' },
      notes,
      occurredAt,
    ],
  },
  guardian: {
    id: 'guardian',
    path: '/cases/{caseId}/guardians',
    fields: [
      { name: 'kind', kind: 'code', list: 'guardian-kinds', required: true },
      { name: 'personal.name', kind: 'text', maxLength: 300 },
      { name: 'personal.contact', kind: 'text', maxLength: 300 },
      occurredAt,
    ],
  },
  cooperation: {
    id: 'cooperation',
    path: '/cases/{caseId}/law-enforcement-cooperation',
    fields: [
      {
        name: 'cooperation',
        kind: 'code',
        list: 'law-enforcement-cooperation',
        required: true,
        description: 'commands.hint.cooperation',
      },
      occurredAt,
    ],
  },
  remedy: {
    id: 'remedy',
    path: '/cases/{caseId}/remedies',
    fields: [
      { name: 'remedyType', kind: 'code', list: 'remedy-types', required: true },
      { name: 'avenue', kind: 'code', list: 'remedy-avenues', required: true },
      notes,
      occurredAt,
    ],
  },
  raiseFlag: {
    id: 'raiseFlag',
    path: '/cases/{caseId}/non-punishment-flags',
    fields: [notes, occurredAt],
  },
  requestClosure: {
    id: 'requestClosure',
    path: '/cases/{caseId}/closure/request',
    statuses: ['open'],
    fields: [
      { name: 'reason', kind: 'code', list: 'closure-reasons', required: true },
      notes,
      occurredAt,
    ],
  },
  approveClosure: {
    id: 'approveClosure',
    path: '/cases/{caseId}/closure/approve',
    supervisor: true,
    statuses: ['closure_requested'],
    fields: [notes, occurredAt],
  },
  reopen: {
    id: 'reopen',
    path: '/cases/{caseId}/reopen',
    statuses: ['closed'],
    fields: [notes, occurredAt],
  },
  assignCaseworker: {
    id: 'assignCaseworker',
    path: '/cases/{caseId}/caseworker',
    fields: [{ name: 'caseworkerId', kind: 'caseworker', required: true }, occurredAt],
  },
  note: {
    id: 'note',
    path: '/cases/{caseId}/notes',
    fields: [{ ...notes, required: true }, occurredAt],
  },
  correct: {
    id: 'correct',
    path: '/cases/{caseId}/corrections',
    fields: [
      {
        name: 'fact',
        kind: 'choice',
        labels: 'commands.fact',
        required: true,
        options: [
          'sexGender',
          'citizenships',
          'languages',
          'referralSource',
          'birthDate',
          'estimatedAge',
        ],
      },
      {
        name: 'sexGender',
        kind: 'code',
        list: 'sex-gender',
        required: true,
        when: (v) => v['fact'] === 'sexGender',
      },
      {
        name: 'citizenships',
        kind: 'codes',
        list: 'countries',
        when: (v) => v['fact'] === 'citizenships',
      },
      {
        name: 'languages',
        kind: 'codes',
        list: 'languages',
        when: (v) => v['fact'] === 'languages',
      },
      {
        name: 'referralSource',
        kind: 'code',
        list: 'referral-sources',
        required: true,
        when: (v) => v['fact'] === 'referralSource',
      },
      {
        name: 'personal.birthDate',
        kind: 'date',
        required: true,
        when: (v) => v['fact'] === 'birthDate',
      },
      {
        name: 'estimatedAge',
        kind: 'integer',
        min: 0,
        max: 130,
        required: true,
        when: (v) => v['fact'] === 'estimatedAge',
      },
      { name: 'estimatedOn', kind: 'date', when: (v) => v['fact'] === 'estimatedAge' },
      notes,
      occurredAt,
    ],
    // The body's `correction`: the fact and its right value (a code, a list, a whole number).
    toBody: (body) => {
      const {
        fact,
        sexGender,
        citizenships,
        languages,
        referralSource,
        estimatedAge,
        estimatedOn,
        ...rest
      } = body as Record<string, unknown>;
      const value =
        fact === 'sexGender'
          ? sexGender
          : fact === 'citizenships'
            ? citizenships
            : fact === 'languages'
              ? languages
              : fact === 'referralSource'
                ? referralSource
                : fact === 'estimatedAge'
                  ? estimatedAge
                  : undefined;
      return {
        ...rest,
        correction: {
          fact,
          ...(value !== undefined ? { value } : {}),
          ...(estimatedOn !== undefined ? { estimatedOn } : {}),
        },
      };
    },
  },
  erase: {
    id: 'erase',
    path: '/cases/{caseId}/erasure',
    supervisor: true,
    danger: true,
    fields: [occurredAt],
  },
};

export type GroupId =
  | 'identification'
  | 'consent'
  | 'support'
  | 'sharing'
  | 'children'
  | 'legal'
  | 'record'
  | 'closure';

/** The case page's tabs (`casepage.group.<id>`) and the commands in each. */
export const GROUPS: readonly { readonly id: GroupId; readonly commands: readonly CommandId[] }[] =
  [
    { id: 'identification', commands: ['victimStatus', 'reflectionPeriod'] },
    {
      id: 'consent',
      commands: ['giveConsent', 'withdrawConsent', 'objectStatistics', 'withdrawObjection'],
    },
    { id: 'support', commands: ['assessNeeds', 'supportPlan', 'assistance'] },
    { id: 'sharing', commands: ['refer', 'grantLegalAid', 'revokeLegalAid', 'transfer'] },
    { id: 'children', commands: ['presumeMinority', 'verifyAge', 'bestInterests', 'guardian'] },
    { id: 'legal', commands: ['cooperation', 'remedy', 'raiseFlag'] },
    { id: 'record', commands: ['note', 'correct', 'assignCaseworker'] },
    { id: 'closure', commands: ['requestClosure', 'approveClosure', 'reopen', 'erase'] },
  ];

/** The case page's own commands (referral answers, flag resolutions) take a second id. */
export const REFERRAL_ANSWERS = ['accept', 'decline', 'complete', 'revoke'] as const;
export type ReferralAnswer = (typeof REFERRAL_ANSWERS)[number];
