import type { CaseCommand } from '../commands';
import {
  ORG,
  caseworker,
  extend,
  openAdultCase,
  outsider,
  recorded,
  spec,
} from '../testing/fixtures';

const needs: CaseCommand = {
  type: 'AssessNeeds',
  actor: caseworker,
  needs: ['Accommodation', 'MedicalOngoing'],
  personal: { text: 'summary' },
};
const plan: CaseCommand = {
  type: 'RecordSupportPlan',
  actor: caseworker,
  planId: 'plan-1',
  plannedAssistance: ['LegalCounselling'],
  reviewOn: '2026-09-01',
  personal: { text: 'plan' },
};
const assistance: CaseCommand = {
  type: 'ProvideAssistance',
  actor: caseworker,
  assistanceId: 'a-1',
  assistanceType: 'Accommodation',
  personal: { text: 'shelter' },
};

describe('Needs assessed, support plan recorded, assistance provided', () => {
  it('records assessed needs as assistance types', () => {
    spec
      .given(openAdultCase())
      .when(needs)
      .then([
        recorded('NeedsAssessed', {
          needs: ['Accommodation', 'MedicalOngoing'],
          personal: { text: 'summary' },
        }),
      ]);
  });

  it('records a support plan, with or without a review date', () => {
    spec
      .given(openAdultCase())
      .when(plan)
      .then([
        recorded('SupportPlanRecorded', {
          planId: 'plan-1',
          plannedAssistance: ['LegalCounselling'],
          reviewOn: '2026-09-01',
          personal: { text: 'plan' },
        }),
      ]);
    spec
      .given(openAdultCase())
      .when({ ...plan, reviewOn: undefined })
      .thenAccepted();
  });

  it('records assistance by the holder, from today unless stated', () => {
    spec
      .given(openAdultCase())
      .when(assistance)
      .then([
        recorded('AssistanceProvided', {
          assistanceId: 'a-1',
          assistanceType: 'Accommodation',
          providedByOrganisationId: ORG,
          from: '2026-06-15',
          until: undefined,
          personal: { text: 'shelter' },
        }),
      ]);
    const [dated] = spec
      .given(openAdultCase())
      .when({ ...assistance, from: '2026-06-01', until: '2026-06-01' })
      .thenAccepted();
    expect(dated!.data).toMatchObject({ from: '2026-06-01', until: '2026-06-01' });
  });

  it.each([
    ['needs with an unknown assistance type', needs, { needs: ['Yoga'] }, 'INVALID_INPUT'],
    [
      'needs assessed by an outsider',
      needs,
      { actor: outsider },
      'ACCESS_NOT_HOLDING_ORGANISATION',
    ],
    [
      'a support plan with an invalid review date',
      plan,
      { reviewOn: '2026-09-31' },
      'INVALID_INPUT',
    ],
    ['a support plan with an empty id', plan, { planId: '' }, 'INVALID_INPUT'],
    ['a support plan of an unknown type', plan, { plannedAssistance: ['Yoga'] }, 'INVALID_INPUT'],
    [
      'assistance with an until before from',
      assistance,
      { from: '2026-06-02', until: '2026-06-01' },
      'INVALID_INPUT',
    ],
    ['assistance with an invalid until', assistance, { until: '2026-06-31' }, 'INVALID_INPUT'],
    ['assistance with an invalid from', assistance, { from: 'yesterday' }, 'INVALID_INPUT'],
    ['assistance of an unknown type', assistance, { assistanceType: 'Yoga' }, 'INVALID_INPUT'],
    ['assistance with an empty id', assistance, { assistanceId: '' }, 'INVALID_INPUT'],
  ] as const)('rejects %s', (_, command, patch, rule) => {
    spec
      .given(openAdultCase())
      .when({ ...command, ...patch } as never)
      .thenRejects(rule);
  });

  it('a closed case rejects new assistance until reopened', () => {
    const closed = extend(openAdultCase(), [
      { type: 'RequestClosure', actor: caseworker, reason: 'assistance_completed', personal: {} },
      {
        type: 'ApproveClosure',
        actor: { ...caseworker, userId: 'user-sup', role: 'supervisor' },
        personal: {},
      },
    ]);
    const command: CaseCommand = {
      type: 'ProvideAssistance',
      actor: caseworker,
      assistanceId: 'a-2',
      assistanceType: 'SocialCare',
      personal: {},
    };
    spec.given(closed).when(command).thenRejects('CASE_CLOSED');
    spec
      .given(closed)
      .when({ type: 'AssessNeeds', actor: caseworker, needs: [], personal: {} })
      .thenRejects('CASE_CLOSED');
    const reopened = extend(closed, [
      { type: 'ReopenCase', actor: caseworker, personal: { text: 'came back' } },
    ]);
    spec.given(reopened).when(command).thenAccepted();
  });
});
