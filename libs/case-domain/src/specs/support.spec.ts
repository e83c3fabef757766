import type { CaseCommand } from '../commands';
import {
  ORG,
  caseworker,
  consent,
  extend,
  history,
  identify,
  openCase,
  outsider,
  recorded,
  spec,
} from '../testing/fixtures';

const withConsent = () => history([openCase(), identify(), consent('assistance')]);

describe('Needs assessed, support plan recorded, assistance provided', () => {
  it('records assessed needs as assistance types', () => {
    const command: CaseCommand = {
      type: 'AssessNeeds',
      actor: caseworker,
      needs: ['Accommodation', 'MedicalOngoing'],
      personal: { text: 'summary' },
    };
    spec
      .given(withConsent())
      .when(command)
      .then([
        recorded('NeedsAssessed', {
          needs: ['Accommodation', 'MedicalOngoing'],
          personal: { text: 'summary' },
        }),
      ]);
    spec
      .given(withConsent())
      .when({ ...command, needs: ['Yoga'] } as never)
      .thenRejects('INVALID_INPUT');
    spec
      .given(withConsent())
      .when({ ...command, actor: outsider })
      .thenRejects('ACCESS_NOT_HOLDING_ORGANISATION');
  });

  it('records a support plan', () => {
    const command: CaseCommand = {
      type: 'RecordSupportPlan',
      actor: caseworker,
      planId: 'plan-1',
      plannedAssistance: ['LegalCounselling'],
      reviewOn: '2026-09-01',
      personal: { text: 'plan' },
    };
    spec
      .given(withConsent())
      .when(command)
      .then([
        recorded('SupportPlanRecorded', {
          planId: 'plan-1',
          plannedAssistance: ['LegalCounselling'],
          reviewOn: '2026-09-01',
          personal: { text: 'plan' },
        }),
      ]);
    spec
      .given(withConsent())
      .when({ ...command, reviewOn: undefined })
      .thenAccepted();
    spec
      .given(withConsent())
      .when({ ...command, reviewOn: '2026-09-31' })
      .thenRejects('INVALID_INPUT');
    spec
      .given(withConsent())
      .when({ ...command, planId: '' })
      .thenRejects('INVALID_INPUT');
    spec
      .given(withConsent())
      .when({ ...command, plannedAssistance: ['Yoga'] } as never)
      .thenRejects('INVALID_INPUT');
  });

  it('records assistance by the holder, from today unless stated', () => {
    const command: CaseCommand = {
      type: 'ProvideAssistance',
      actor: caseworker,
      assistanceId: 'a-1',
      assistanceType: 'Accommodation',
      personal: { text: 'shelter' },
    };
    spec
      .given(withConsent())
      .when(command)
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
      .given(withConsent())
      .when({ ...command, from: '2026-06-01', until: '2026-06-01' })
      .thenAccepted();
    expect(dated!.data).toMatchObject({ from: '2026-06-01', until: '2026-06-01' });
  });

  it.each([
    ['an until before from', { from: '2026-06-02', until: '2026-06-01' }],
    ['an invalid until', { until: '2026-06-31' }],
    ['an invalid from', { from: 'yesterday' }],
    ['an unknown type', { assistanceType: 'Yoga' }],
    ['an empty id', { assistanceId: '' }],
  ])('rejects assistance with %s', (_, patch) => {
    spec
      .given(withConsent())
      .when({
        type: 'ProvideAssistance',
        actor: caseworker,
        assistanceId: 'a-1',
        assistanceType: 'Accommodation',
        personal: {},
        ...patch,
      } as never)
      .thenRejects('INVALID_INPUT');
  });

  it('a closed case rejects new assistance until reopened', () => {
    const closed = extend(withConsent(), [
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
