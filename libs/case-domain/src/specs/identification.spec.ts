import type { ReflectionPeriodGranted, VictimIdentified, VictimStatusChanged } from '../events';
import { createJurisdictionPolicy } from '../rules/policy';
import {
  caseworker,
  history,
  identify,
  openCase,
  outsider,
  presumedVictimFacts,
  recorded,
  spec,
} from '../testing/fixtures';

describe('Victim identified / status changed', () => {
  const opened = () => history([openCase()]);

  it('given an open case, when the first status is recorded, then VictimIdentified with age group and year at identification', () => {
    spec
      .given(opened())
      .when(identify())
      .then([
        recorded('VictimIdentified', {
          ...presumedVictimFacts,
          exploitationFromYear: undefined,
          exploitationToYear: undefined,
          ageGroupAtIdentification: { category: 'adult', bracket: '35-44' },
          yearOfIdentification: 2026,
          personal: { text: 'described by the person' },
        }),
      ]);
  });

  it('computes the age group on the decision date, not on the recording date', () => {
    // born 2008-06-12: 17 on 2026-06-10 (decision), 18 on NOW (2026-06-15)
    const events = history([openCase({ personal: { birthDate: '2008-06-12' } })]);
    const [identified] = spec.given(events).when(identify()).thenAccepted() as VictimIdentified[];
    expect(identified!.data.ageGroupAtIdentification).toEqual({
      category: 'child',
      bracket: '12-17',
    });
  });

  it('given a status, when another is recorded, then VictimStatusChanged, including to "not a victim"', () => {
    const given = history([openCase(), identify()]);
    const [changed] = spec
      .given(given)
      .when(
        identify({
          status: 'NotAVictimOfTrafficking',
          decidingBody: 'CourtOrProsecution',
          exploitationFromYear: 2024,
          exploitationToYear: 2025,
        }),
      )
      .thenAccepted() as VictimStatusChanged[];
    expect(changed!.type).toBe('VictimStatusChanged');
    expect(changed!.data).toMatchObject({
      status: 'NotAVictimOfTrafficking',
      previousStatus: 'PossibleVictimOfTrafficking',
      decidingBody: 'CourtOrProsecution',
      exploitationFromYear: 2024,
      exploitationToYear: 2025,
    });
  });

  it('the first decision cannot be "not a victim"', () => {
    spec
      .given(opened())
      .when(identify({ status: 'NotAVictimOfTrafficking' }))
      .thenRejects('STATUS_FIRST_MUST_BE_PRESUMED_OR_IDENTIFIED');
  });

  it.each([
    ['status', identify({ status: 'Victim' as never })],
    ['decidingBody', identify({ decidingBody: 'Army' as never })],
    ['decidedOn in the future', identify({ decidedOn: '2026-06-16' })],
    ['decidedOn not a date', identify({ decidedOn: '10/06/2026' })],
    ['formsOfExploitation', identify({ formsOfExploitation: ['Trafficking' as never] })],
    ['sectors', identify({ sectors: ['Z_Nothing' as never] })],
    ['countriesOfRecruitment', identify({ countriesOfRecruitment: ['XX' as never] })],
    ['countriesOfTransit', identify({ countriesOfTransit: ['XX' as never] })],
    ['countriesOfExploitation', identify({ countriesOfExploitation: ['XX' as never] })],
    ['meansOfControl', identify({ meansOfControl: ['Magic' as never] })],
    ['exploitationFromYear', identify({ exploitationFromYear: 1899 })],
    ['exploitationToYear', identify({ exploitationToYear: 20251 })],
    ['a non-array list', identify({ sectors: 'F_Construction' as never })],
  ])('rejects an invalid %s', (_, command) => {
    spec.given(opened()).when(command).thenRejects('INVALID_INPUT');
  });

  it('accepts decidedOn today and the boundary years', () => {
    spec
      .given(opened())
      .when(
        identify({ decidedOn: '2026-06-15', exploitationFromYear: 1900, exploitationToYear: 9999 }),
      )
      .thenAccepted();
  });

  it('only the holding organisation records a status', () => {
    spec
      .given(opened())
      .when(identify({ actor: outsider }))
      .thenRejects('ACCESS_NOT_HOLDING_ORGANISATION');
  });
});

describe('Recovery and reflection period granted (rule 4)', () => {
  const presumed = () => history([openCase(), identify()]);

  it('given a presumed victim, when a period is granted, then its end and reminder dates are calendar dates', () => {
    const [granted] = spec
      .given(presumed())
      .when({ type: 'GrantReflectionPeriod', actor: caseworker, startsOn: '2026-06-12', days: 45 })
      .thenAccepted() as ReflectionPeriodGranted[];
    expect(granted!.data).toMatchObject({
      startsOn: '2026-06-12',
      days: 45,
      endsOn: '2026-07-26',
      remindOn: '2026-07-19',
    });
  });

  it('defaults to the jurisdiction minimum, starting today in the jurisdiction time zone', () => {
    const lateEvening = new Date('2026-06-14T22:30:00Z'); // already 15 June in Vienna
    const [granted] = spec
      .given(presumed())
      .when({ type: 'GrantReflectionPeriod', actor: caseworker }, { now: lateEvening })
      .thenAccepted() as ReflectionPeriodGranted[];
    expect(granted!.data).toMatchObject({ startsOn: '2026-06-15', days: 30, endsOn: '2026-07-14' });
  });

  it('an identified victim is entitled too', () => {
    spec
      .given(history([openCase(), identify({ status: 'ActualVictimOfTrafficking' })]))
      .when({ type: 'GrantReflectionPeriod', actor: caseworker })
      .thenAccepted();
  });

  it.each([
    ['a period shorter than 30 days', { days: 29 }, 'RULE_4_REFLECTION_PERIOD_TOO_SHORT'],
    ['a fractional number of days', { days: 30.5 }, 'RULE_4_REFLECTION_PERIOD_TOO_SHORT'],
    ['an invalid start date', { startsOn: '2026-02-30' }, 'INVALID_INPUT'],
  ] as const)('rejects %s', (_, patch, rule) => {
    spec
      .given(presumed())
      .when({ type: 'GrantReflectionPeriod', actor: caseworker, ...patch })
      .thenRejects(rule);
  });

  it('rejects a period shorter than a longer jurisdiction minimum', () => {
    const policy = createJurisdictionPolicy({ timeZone: 'Europe/Oslo', minimumReflectionDays: 45 });
    spec
      .given(presumed())
      .when({ type: 'GrantReflectionPeriod', actor: caseworker, days: 44 }, { policy })
      .thenRejects('RULE_4_REFLECTION_PERIOD_TOO_SHORT');
    const [granted] = spec
      .given(presumed())
      .when({ type: 'GrantReflectionPeriod', actor: caseworker }, { policy })
      .thenAccepted() as ReflectionPeriodGranted[];
    expect(granted!.data.days).toBe(45);
  });

  it('needs a presumed or identified victim', () => {
    spec
      .given(history([openCase()]))
      .when({ type: 'GrantReflectionPeriod', actor: caseworker })
      .thenRejects('RULE_4_REFLECTION_PERIOD_NEEDS_VICTIM_STATUS');
    const notAVictim = history([
      openCase(),
      identify(),
      identify({ status: 'NotAVictimOfTrafficking' }),
    ]);
    spec
      .given(notAVictim)
      .when({ type: 'GrantReflectionPeriod', actor: caseworker })
      .thenRejects('RULE_4_REFLECTION_PERIOD_NEEDS_VICTIM_STATUS');
  });
});
