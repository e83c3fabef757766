import type { CaseCommand } from '../commands';
import { ERASED, withPersonalData, type CaseEvent } from '../events';
import { isChild } from '../decider';
import { evolveAll } from '../state';
import {
  NOW,
  OTHER_ORG,
  approveClosure,
  caseworker,
  consent,
  extend,
  history,
  identify,
  openCase,
  outsider,
  policy,
  recorded,
  refer,
  requestClosure,
  secondSupervisor,
  spec,
  supervisor,
} from '../testing/fixtures';

const opened = () =>
  history([openCase(), identify(), consent('assistance'), consent('referral', OTHER_ORG)]);
const requested = () => extend(opened(), [requestClosure()]);
const closed = () => extend(requested(), [approveClosure()]);

describe('Closure requested by a caseworker, approved by a supervisor', () => {
  it('given an open case, when closure is requested, then ClosureRequested with its reason', () => {
    spec
      .given(opened())
      .when(requestClosure())
      .then([
        recorded('ClosureRequested', {
          reason: 'assistance_completed',
          personal: { text: 'done' },
        }),
      ]);
  });

  it('given a request, when a supervisor approves, then the case is closed with the requested reason', () => {
    spec
      .given(requested())
      .when(approveClosure())
      .then([
        recorded(
          'ClosureApproved',
          {
            reason: 'assistance_completed',
            requestedBy: caseworker.userId,
            personal: {},
          },
          supervisor,
        ),
      ]);
    expect(evolveAll(closed()).lifecycle).toBe('closed');
    expect(evolveAll(closed()).closureRequest).toBeUndefined();
  });

  it('a caseworker cannot approve', () => {
    spec
      .given(requested())
      .when(approveClosure(caseworker))
      .thenRejects('ROLE_SUPERVISOR_REQUIRED');
  });

  it('the requester cannot approve their own request (four eyes), another supervisor can', () => {
    const selfRequested = extend(opened(), [requestClosure(supervisor)]);
    spec.given(selfRequested).when(approveClosure(supervisor)).thenRejects('CLOSURE_FOUR_EYES');
    spec.given(selfRequested).when(approveClosure(secondSupervisor)).thenAccepted();
  });

  it.each([
    ['approving a closure never requested', opened, approveClosure(), 'CLOSURE_NOT_REQUESTED'],
    ['requesting closure twice', requested, requestClosure(), 'CLOSURE_ALREADY_REQUESTED'],
    ['approving closure of a closed case', closed, approveClosure(), 'CASE_CLOSED'],
    ['requesting closure of a closed case', closed, requestClosure(), 'CASE_CLOSED'],
    [
      'reopening an open case',
      opened,
      { type: 'ReopenCase', actor: caseworker, personal: {} },
      'CASE_NOT_CLOSED',
    ],
    [
      'closing for a reason outside the code list',
      opened,
      { ...requestClosure(), reason: 'bored' } as never,
      'INVALID_INPUT',
    ],
  ] as const)('impossible transition: %s is rejected', (_, given, command, rule) => {
    spec.given(given()).when(command).thenRejects(rule);
  });

  it('a closed case rejects new work until reopened', () => {
    spec.given(closed()).when(refer()).thenRejects('CASE_CLOSED');
    spec.given(closed()).when(identify()).thenRejects('CASE_CLOSED');
    spec
      .given(closed())
      .when({ type: 'AssignCaseworker', actor: caseworker, caseworkerId: 'u-2' })
      .thenRejects('CASE_CLOSED');
    const [reopened] = spec
      .given(closed())
      .when({ type: 'ReopenCase', actor: caseworker, personal: { text: 'back' } })
      .thenAccepted();
    expect(reopened).toEqual(
      recorded('CaseReopened', {
        personal: { text: 'back' },
      }),
    );
    expect(evolveAll([...closed(), reopened!]).lifecycle).toBe('open');
    spec
      .given([...closed(), reopened!])
      .when(refer())
      .thenAccepted();
    spec
      .given([...closed(), reopened!])
      .when(requestClosure())
      .thenAccepted();
  });

  it('only the holder reopens', () => {
    spec
      .given(closed())
      .when({ type: 'ReopenCase', actor: outsider, personal: {} })
      .thenRejects('ACCESS_NOT_HOLDING_ORGANISATION');
  });
});

describe('Caseworker assigned / reassigned', () => {
  const assign = (caseworkerId: string): CaseCommand => ({
    type: 'AssignCaseworker',
    actor: supervisor,
    caseworkerId,
  });

  it('first assignment, then reassignment naming the previous caseworker', () => {
    spec
      .given(opened())
      .when(assign('u-1'))
      .then([
        recorded(
          'CaseworkerAssigned',
          {
            caseworkerId: 'u-1',
          },
          supervisor,
        ),
      ]);
    const assigned = extend(opened(), [assign('u-1')]);
    spec
      .given(assigned)
      .when(assign('u-2'))
      .then([
        recorded(
          'CaseworkerReassigned',
          {
            previousCaseworkerId: 'u-1',
            caseworkerId: 'u-2',
          },
          supervisor,
        ),
      ]);
    expect(evolveAll(extend(assigned, [assign('u-2')])).caseworkerId).toBe('u-2');
  });

  it('rejects assigning the same caseworker again and an empty id', () => {
    spec
      .given(extend(opened(), [assign('u-1')]))
      .when(assign('u-1'))
      .thenRejects('CASEWORKER_ALREADY_ASSIGNED');
    spec.given(opened()).when(assign('')).thenRejects('INVALID_INPUT');
  });
});

describe('Note added', () => {
  const note = (text: string, actor = caseworker): CaseCommand => ({
    type: 'AddNote',
    actor,
    noteId: 'note-1',
    personal: { text },
  });

  it('keeps the free text in the personal part, also on a closed case', () => {
    spec
      .given(opened())
      .when(note('met at the shelter'))
      .then([
        recorded('NoteAdded', {
          noteId: 'note-1',
          personal: { text: 'met at the shelter' },
        }),
      ]);
    spec.given(closed()).when(note('follow-up')).thenAccepted();
  });

  it('rejects an empty note, an empty id and another organisation', () => {
    spec.given(opened()).when(note('')).thenRejects('INVALID_INPUT');
    spec
      .given(opened())
      .when({ type: 'AddNote', actor: caseworker, noteId: 'n', personal: {} })
      .thenRejects('INVALID_INPUT');
    spec
      .given(opened())
      .when({ type: 'AddNote', actor: caseworker, noteId: '', personal: { text: 'x' } })
      .thenRejects('INVALID_INPUT');
    spec.given(opened()).when(note('x', outsider)).thenRejects('ACCESS_NOT_HOLDING_ORGANISATION');
  });
});

describe('Fact corrected', () => {
  const correct = (
    correction: unknown,
    personal: object = { text: 'typo at intake' },
  ): CaseCommand =>
    ({ type: 'CorrectFact', actor: caseworker, correction, personal }) as CaseCommand;

  it.each([
    [{ fact: 'sexGender', value: 'TransgenderFeminine' }],
    [{ fact: 'citizenships', value: ['SY', 'STATELESS'] }],
    [{ fact: 'languages', value: ['ar'] }],
    [{ fact: 'referralSource', value: 'Embassy' }],
    [{ fact: 'estimatedAge', value: 30, estimatedOn: '2026-06-01' }],
  ])('records the correction %o as a new event', (correction) => {
    spec
      .given(opened())
      .when(correct(correction))
      .then([
        recorded('FactCorrected', {
          correction: correction as never,
          personal: { text: 'typo at intake' },
        }),
      ]);
  });

  it.each([
    [{ fact: 'sexGender', value: 'Woman' }],
    [{ fact: 'citizenships', value: ['ZZ'] }],
    [{ fact: 'languages', value: ['zz'] }],
    [{ fact: 'referralSource', value: 'Friend' }],
    [{ fact: 'estimatedAge', value: 30.5, estimatedOn: '2026-06-01' }],
    [{ fact: 'estimatedAge', value: -1, estimatedOn: '2026-06-01' }],
    [{ fact: 'estimatedAge', value: 131, estimatedOn: '2026-06-01' }],
    [{ fact: 'estimatedAge', value: 30, estimatedOn: 'June' }],
    [{ fact: 'name', value: 'x' }],
  ])('rejects the invalid correction %o', (correction) => {
    spec.given(opened()).when(correct(correction)).thenRejects('INVALID_INPUT');
  });

  it('a corrected birth date keeps the date personal, the year readable, and changes who is a child', () => {
    const [corrected] = spec
      .given(opened())
      .when(correct({ fact: 'birthDate' }, { birthDate: '2010-01-01' }))
      .thenAccepted();
    expect(corrected!.data).toMatchObject({
      correction: { fact: 'birthDate', birthYear: 2010 },
      personal: { birthDate: '2010-01-01' },
    });
    expect(isChild(evolveAll(opened()), NOW, policy)).toBe(false);
    expect(isChild(evolveAll([...opened(), corrected!]), NOW, policy)).toBe(true);
    spec
      .given([...opened(), corrected!])
      .when(refer())
      .thenRejects('RULE_3_BEST_INTERESTS_REQUIRED');
    spec
      .given(opened())
      .when(correct({ fact: 'birthDate' }, { birthDate: '2026-06-16' }))
      .thenRejects('INVALID_INPUT');
    spec
      .given(opened())
      .when(correct({ fact: 'birthDate' }, {}))
      .thenRejects('INVALID_INPUT');
  });

  it('a corrected estimate changes who is a child and the readable birth year', () => {
    const events = extend(opened(), [
      correct({ fact: 'estimatedAge', value: 15, estimatedOn: '2026-06-01' }),
    ]);
    expect(evolveAll(events).age).toEqual({
      presumedMinor: false,
      estimatedAge: 15,
      estimatedOn: '2026-06-01',
      birthYear: 2011,
    });
    expect(isChild(evolveAll(events), NOW, policy)).toBe(true);
  });

  it('other corrections leave the decision state as it was', () => {
    const events = extend(opened(), [correct({ fact: 'sexGender', value: 'NonConforming' })]);
    expect(evolveAll(events)).toEqual(evolveAll(opened()));
  });

  it('works on a closed case, not for another organisation', () => {
    spec
      .given(closed())
      .when(correct({ fact: 'languages', value: ['en'] }))
      .thenAccepted();
    spec
      .given(opened())
      .when({ ...correct({ fact: 'languages', value: ['en'] }), actor: outsider } as CaseCommand)
      .thenRejects('ACCESS_NOT_HOLDING_ORGANISATION');
  });
});

describe('Personal data erased (rule 7)', () => {
  const erase = (actor = supervisor): CaseCommand => ({
    type: 'ErasePersonalData',
    actor,
    erasureRequestId: 'erq-1',
  });

  it('a supervisor records the erasure', () => {
    spec
      .given(opened())
      .when(erase())
      .then([
        recorded(
          'PersonalDataErased',
          {
            erasureRequestId: 'erq-1',
          },
          supervisor,
        ),
      ]);
    spec.given(opened()).when(erase(caseworker)).thenRejects('ROLE_SUPERVISOR_REQUIRED');
    spec.given(opened()).when(erase(outsider)).thenRejects('ACCESS_NOT_HOLDING_ORGANISATION');
    spec
      .given(opened())
      .when({ type: 'ErasePersonalData', actor: supervisor, erasureRequestId: '' })
      .thenRejects('INVALID_INPUT');
  });

  it('after erasure the case accepts no further command, and the state holds no birth date', () => {
    const erased = extend(opened(), [erase()]);
    for (const command of [
      erase(),
      refer(),
      requestClosure(),
      { type: 'AddNote', actor: caseworker, noteId: 'n', personal: { text: 'x' } } as CaseCommand,
    ]) {
      spec.given(erased).when(command).thenRejects('RULE_7_CASE_ERASED');
    }
    expect(evolveAll(erased).age.birthDate).toBeUndefined();
    expect(evolveAll(erased).age.birthYear).toBe(1990);
    expect(evolveAll(erased).erased).toBe(true);
  });

  it('replaying a shredded stream (personal parts read as ERASED) keeps the readable facts', () => {
    const child = history([openCase({ personal: { birthDate: '2009-11-30' } })]);
    const shredded = child.map((e: CaseEvent) => withPersonalData(e, ERASED));
    const state = evolveAll(shredded);
    expect(state.age).toMatchObject({ birthDate: undefined, birthYear: 2009 });
    // only the year is left: a child until the end of the year they turn 18
    expect(isChild(state, new Date('2027-12-31T12:00:00Z'), policy)).toBe(true);
    expect(isChild(state, new Date('2028-01-01T12:00:00Z'), policy)).toBe(false);
  });
});
