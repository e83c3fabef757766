import type { VerifyAge } from '../commands';
import type { AgeVerified, VictimIdentified } from '../events';
import { isChild, needsGuardian } from '../decider';
import { evolveAll } from '../state';
import {
  NOW,
  OTHER_ORG,
  assist,
  approveClosure,
  bestInterests,
  caseworker,
  consent,
  extend,
  history,
  identify,
  openCase,
  openChildCase,
  policy,
  refer,
  requestClosure,
  sharingConsents,
  spec,
  supervisor,
  transfer,
} from '../testing/fixtures';

/** A child's open case with the consents every sharing decision needs. */
const childCase = () => history([openChildCase(), identify(), ...sharingConsents()]);
/** An adult (born 1990) with the same consents. */
const adultCase = () => history([openCase(), identify(), ...sharingConsents()]);

describe('Rule 3: children first — best-interests assessment before each decision', () => {
  const decisions = [
    ['referral', refer()],
    ['transfer', transfer()],
    ['return', assist('VoluntaryReturnSupport')],
  ] as const;

  describe.each(decisions)('%s', (decision, command) => {
    it(`given a child without an assessment for the ${decision}, then RULE_3_BEST_INTERESTS_REQUIRED`, () => {
      spec.given(childCase()).when(command).thenRejects('RULE_3_BEST_INTERESTS_REQUIRED');
    });

    it(`given an assessment for another decision only, then still RULE_3_BEST_INTERESTS_REQUIRED`, () => {
      const given = extend(childCase(), [bestInterests('closure')]);
      spec.given(given).when(command).thenRejects('RULE_3_BEST_INTERESTS_REQUIRED');
    });

    it(`given an assessment to proceed with the ${decision}, then the decision is taken`, () => {
      const given = extend(childCase(), [bestInterests(decision)]);
      spec.given(given).when(command).thenAccepted();
    });

    it(`given an assessment against the ${decision}, then RULE_3_BEST_INTERESTS_AGAINST_DECISION`, () => {
      const given = extend(childCase(), [bestInterests(decision, 'do_not_proceed')]);
      spec.given(given).when(command).thenRejects('RULE_3_BEST_INTERESTS_AGAINST_DECISION');
    });

    it('an adult needs no assessment', () => {
      spec.given(adultCase()).when(command).thenAccepted();
    });
  });

  it('an assessment serves one decision: the next referral needs a new one recorded after the previous referral', () => {
    const base = childCase();
    const withReferral = extend(base, [bestInterests('referral'), refer('ref-1')]);
    spec.given(withReferral).when(refer('ref-2')).thenRejects('RULE_3_BEST_INTERESTS_REQUIRED');
    const reassessed = extend(withReferral, [bestInterests('referral')]);
    spec.given(reassessed).when(refer('ref-2')).thenAccepted();
  });

  it('the latest assessment for a decision counts', () => {
    const base = childCase();
    const changedMind = extend(base, [
      bestInterests('referral'),
      { ...bestInterests('referral', 'do_not_proceed') },
    ]);
    spec.given(changedMind).when(refer()).thenRejects('RULE_3_BEST_INTERESTS_AGAINST_DECISION');
  });

  it('other assistance to a child needs no assessment', () => {
    spec.given(childCase()).when(assist('Accommodation')).thenAccepted();
  });

  it("closing a child's case needs an assessment for the closure, at approval", () => {
    const requested = extend(childCase(), [requestClosure()]);
    spec.given(requested).when(approveClosure()).thenRejects('RULE_3_BEST_INTERESTS_REQUIRED');
    const assessed = extend(requested, [bestInterests('closure')]);
    spec.given(assessed).when(approveClosure()).thenAccepted();
    const against = extend(requested, [bestInterests('closure', 'do_not_proceed')]);
    spec
      .given(against)
      .when(approveClosure())
      .thenRejects('RULE_3_BEST_INTERESTS_AGAINST_DECISION');
  });

  it('a child who turns 18 is an adult from that day (in the jurisdiction time zone)', () => {
    const events = history([
      openCase({ personal: { birthDate: '2008-06-16' } }),
      identify(),
      consent('referral', OTHER_ORG),
    ]);
    const dayBefore = new Date('2026-06-15T21:59:00Z'); // 23:59 on 15 June in Vienna
    const birthday = new Date('2026-06-15T22:00:00Z'); // 00:00 on 16 June in Vienna
    spec
      .given(events)
      .when(refer(), { now: dayBefore })
      .thenRejects('RULE_3_BEST_INTERESTS_REQUIRED');
    spec.given(events).when(refer(), { now: birthday }).thenAccepted();
    expect(isChild(evolveAll(events), dayBefore, policy)).toBe(true);
    expect(isChild(evolveAll(events), birthday, policy)).toBe(false);
  });

  it('a child by estimated age needs an assessment', () => {
    const events = history([
      openCase({ personal: {} }, { estimatedAge: 16, ageUncertain: true }),
      consent('referral', OTHER_ORG),
    ]);
    spec.given(events).when(refer()).thenRejects('RULE_3_BEST_INTERESTS_REQUIRED');
  });

  it('only a supervisor records a best-interests assessment', () => {
    spec
      .given(childCase())
      .when({ ...bestInterests('referral'), actor: caseworker })
      .thenRejects('ROLE_SUPERVISOR_REQUIRED');
  });

  it.each([
    ['decision', { decision: 'adoption' }],
    ['outcome', { outcome: 'maybe' }],
    ['guardianPresent', { guardianPresent: 'yes' }],
    ['assessmentId', { assessmentId: '' }],
  ])('rejects an assessment with an invalid %s', (_, patch) => {
    spec
      .given(childCase())
      .when({ ...bestInterests('referral'), ...patch } as never)
      .thenRejects('INVALID_INPUT');
  });

  it('records the assessment with its decision, outcome and whether a guardian was present', () => {
    const [recorded] = spec
      .given(childCase())
      .when(bestInterests('transfer', 'do_not_proceed'))
      .thenAccepted();
    expect(recorded).toMatchObject({
      type: 'BestInterestsAssessmentRecorded',
      data: {
        assessmentId: 'bia-transfer-do_not_proceed',
        decision: 'transfer',
        outcome: 'do_not_proceed',
        guardianPresent: true,
        actorId: supervisor.userId,
        personal: { text: 'assessment summary' },
      },
    });
  });
});

describe('Rule 3: presumption of minority and age verification', () => {
  const uncertain = () =>
    history([
      openCase({ personal: {} }, { estimatedAge: 19, ageUncertain: true }),
      consent('referral', OTHER_ORG),
    ]);
  const presume = {
    type: 'PresumeMinority',
    actor: caseworker,
    personal: { text: 'looks young, school documents' },
  } as const;
  const presumedMinor = () => extend(uncertain(), [presume]);
  /** A caseworker's age verification: method `other` and no birth date unless stated. */
  const verify = (facts: Partial<VerifyAge>): VerifyAge => ({
    type: 'VerifyAge',
    actor: caseworker,
    method: 'other',
    personal: {},
    ...facts,
  });

  it('given an uncertain age, when minority is presumed, then the person is a child until verified', () => {
    spec.given(uncertain()).when(refer()).thenAccepted();
    const presumed = presumedMinor();
    expect(presumed.at(-1)).toMatchObject({
      type: 'MinorityPresumed',
      data: { personal: { text: 'looks young, school documents' } },
    });
    spec.given(presumed).when(refer()).thenRejects('RULE_3_BEST_INTERESTS_REQUIRED');
    expect(isChild(evolveAll(presumed), NOW, policy)).toBe(true);
  });

  it('records the presumed minor as a child at identification', () => {
    const presumed = presumedMinor();
    const [identified] = spec.given(presumed).when(identify()).thenAccepted() as VictimIdentified[];
    expect(identified!.data.ageGroupAtIdentification).toEqual({ category: 'child' });
  });

  it('cannot presume minority when the age is not uncertain, nor twice', () => {
    spec
      .given(history([openCase()]))
      .when(presume)
      .thenRejects('RULE_3_AGE_NOT_UNCERTAIN');
    const presumed = presumedMinor();
    spec.given(presumed).when(presume).thenRejects('RULE_3_MINORITY_ALREADY_PRESUMED');
  });

  it('given a presumed minor, when the age is verified with a birth date, then the presumption ends', () => {
    const presumed = presumedMinor();
    const [verified] = spec
      .given(presumed)
      .when(verify({ method: 'identity_document', personal: { birthDate: '2000-01-01' } }))
      .thenAccepted() as AgeVerified[];
    expect(verified!.data).toMatchObject({
      method: 'identity_document',
      verifiedOn: '2026-06-15',
      birthYear: 2000,
      verifiedAge: undefined,
      personal: { birthDate: '2000-01-01' },
    });
    spec
      .given([...presumed, verified!])
      .when(refer())
      .thenAccepted();
    spec
      .given([...presumed, verified!])
      .when(presume)
      .thenRejects('RULE_3_AGE_NOT_UNCERTAIN');
  });

  it('a verification may establish an age instead of a date; a child stays a child', () => {
    const presumed = presumedMinor();
    const [verified] = spec
      .given(presumed)
      .when(verify({ method: 'multidisciplinary_assessment', verifiedAge: 16 }))
      .thenAccepted() as AgeVerified[];
    expect(verified!.data).toMatchObject({
      birthYear: 2010,
      verifiedAge: 16,
      verifiedOn: '2026-06-15',
    });
    spec
      .given([...presumed, verified!])
      .when(refer())
      .thenRejects('RULE_3_BEST_INTERESTS_REQUIRED');
    // ages from the verification date on: an adult two years later
    spec
      .given([...presumed, verified!])
      .when(refer(), { now: new Date('2028-06-15T10:00:00Z') })
      .thenAccepted();
  });

  it.each([
    ['no birth date and no age', { personal: {} }],
    ['a fractional age', { verifiedAge: 16.5, personal: {} }],
    ['a negative age', { verifiedAge: -1, personal: {} }],
    ['an age above 130', { verifiedAge: 131, personal: {} }],
    ['an impossible birth date', { personal: { birthDate: '2001-02-29' } }],
    ['a birth date in the future', { personal: { birthDate: '2026-06-16' } }],
    ['an unknown method', { method: 'x-ray', verifiedAge: 16, personal: {} }],
  ])('rejects a verification with %s', (_, patch) => {
    spec
      .given(uncertain())
      .when(verify(patch as never))
      .thenRejects('INVALID_INPUT');
  });

  it.each([0, 130])('accepts the boundary age %d', (verifiedAge) => {
    spec.given(uncertain()).when(verify({ verifiedAge })).thenAccepted();
  });

  it('an age that is not uncertain is corrected, not verified', () => {
    spec
      .given(history([openCase()]))
      .when(verify({ verifiedAge: 30 }))
      .thenRejects('RULE_3_AGE_NOT_UNCERTAIN');
  });
});

describe('Rule 3: a child gets a guardian or legal representative', () => {
  it('given a child without a guardian, the case needs one; when one is appointed, it no longer does', () => {
    const events = childCase();
    expect(needsGuardian(evolveAll(events), NOW, policy)).toBe(true);
    const [appointed] = spec
      .given(events)
      .when({
        type: 'AppointGuardian',
        actor: caseworker,
        kind: 'guardian',
        personal: { name: 'G', contact: 'c' },
      })
      .thenAccepted();
    expect(appointed).toMatchObject({
      type: 'GuardianAppointed',
      data: { kind: 'guardian', personal: { name: 'G', contact: 'c' } },
    });
    expect(needsGuardian(evolveAll([...events, appointed!]), NOW, policy)).toBe(false);
  });

  it('an adult or a closed case needs no guardian', () => {
    expect(needsGuardian(evolveAll(adultCase()), NOW, policy)).toBe(false);
    const base = childCase();
    const closed = extend(base, [requestClosure(), bestInterests('closure'), approveClosure()]);
    expect(needsGuardian(evolveAll(closed), NOW, policy)).toBe(false);
  });

  it('rejects an unknown kind of representative', () => {
    spec
      .given(childCase())
      .when({ type: 'AppointGuardian', actor: caseworker, kind: 'uncle' as never, personal: {} })
      .thenRejects('INVALID_INPUT');
  });
});
