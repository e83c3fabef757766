import type { CaseCommand } from '../commands';
import type { ConsentPurpose } from '../code-lists';
import { evolveAll } from '../state';
import {
  LEGAL_ORG,
  OTHER_ORG,
  administrator,
  assist,
  caseworker,
  consent,
  extend,
  history,
  identify,
  openCase,
  outsider,
  receiver,
  recorded,
  refer,
  spec,
  supervisor,
  transfer,
  withdraw,
} from '../testing/fixtures';

const opened = () => history([openCase(), identify()]);

describe('Rule 2: informed consent — consent given / withdrawn', () => {
  it('given an open case, when consent to referral naming an organisation is given, then ConsentGiven records how it was obtained', () => {
    spec
      .given(opened())
      .when(consent('referral', OTHER_ORG))
      .then([
        recorded('ConsentGiven', {
          purpose: 'referral',
          receivingOrganisationId: OTHER_ORG,
          obtainedInLanguage: 'uk',
          interpreterUsed: true,
        }),
      ]);
  });

  it('consent to assistance names no organisation', () => {
    spec.given(opened()).when(consent('assistance')).thenAccepted();
    spec
      .given(opened())
      .when(consent('assistance', OTHER_ORG))
      .thenRejects('RULE_2_ASSISTANCE_CONSENT_NAMES_NO_ORGANISATION');
  });

  it('consent to cross-organisation matching (being told of a probable match elsewhere) names no organisation', () => {
    spec.given(opened()).when(consent('cross_organisation_matching')).thenAccepted();
    spec
      .given(opened())
      .when(consent('cross_organisation_matching', OTHER_ORG))
      .thenRejects('RULE_2_ASSISTANCE_CONSENT_NAMES_NO_ORGANISATION');
  });

  it.each(['referral', 'transfer', 'legal_aid_access'] as const)(
    'consent for %s must name the receiving organisation',
    (purpose) => {
      spec
        .given(opened())
        .when(consent(purpose))
        .thenRejects('RULE_2_RECEIVING_ORGANISATION_REQUIRED');
      spec
        .given(opened())
        .when(consent(purpose, ''))
        .thenRejects('RULE_2_RECEIVING_ORGANISATION_REQUIRED');
    },
  );

  it('rejects an unknown purpose, language or interpreter flag', () => {
    spec
      .given(opened())
      .when(consent('marketing' as never))
      .thenRejects('INVALID_INPUT');
    spec
      .given(opened())
      .when({ ...consent('assistance'), obtainedInLanguage: 'xx' } as never)
      .thenRejects('INVALID_INPUT');
    spec
      .given(opened())
      .when({ ...consent('assistance'), interpreterUsed: 'no' } as never)
      .thenRejects('INVALID_INPUT');
  });

  it('the same consent cannot be live twice; consent naming another organisation is separate', () => {
    const given = extend(opened(), [consent('referral', OTHER_ORG)]);
    spec
      .given(given)
      .when(consent('referral', OTHER_ORG))
      .thenRejects('RULE_2_CONSENT_ALREADY_LIVE');
    spec.given(given).when(consent('referral', LEGAL_ORG)).thenAccepted();
    spec.given(given).when(consent('transfer', OTHER_ORG)).thenAccepted();
  });

  it('after a withdrawal, consent can be given again', () => {
    const given = extend(opened(), [consent('assistance'), withdraw('assistance')]);
    spec.given(given).when(consent('assistance')).thenAccepted();
  });

  it('only the holding organisation records consent', () => {
    spec
      .given(opened())
      .when(consent('assistance', undefined, outsider))
      .thenRejects('ACCESS_NOT_HOLDING_ORGANISATION');
    spec
      .given(opened())
      .when(consent('assistance', undefined, administrator))
      .thenRejects('ROLE_CASEWORKER_OR_SUPERVISOR_REQUIRED');
  });

  it('withdrawing needs a live consent for that purpose and organisation', () => {
    spec.given(opened()).when(withdraw('assistance')).thenRejects('RULE_2_NO_LIVE_CONSENT');
    const given = extend(opened(), [consent('referral', OTHER_ORG)]);
    spec.given(given).when(withdraw('referral', LEGAL_ORG)).thenRejects('RULE_2_NO_LIVE_CONSENT');
    spec
      .given(given)
      .when(withdraw('referral'))
      .thenRejects('RULE_2_RECEIVING_ORGANISATION_REQUIRED');
    spec
      .given(given)
      .when(withdraw('referral', OTHER_ORG))
      .then([
        recorded('ConsentWithdrawn', {
          purpose: 'referral',
          receivingOrganisationId: OTHER_ORG,
        }),
      ]);
  });

  it('assistance needs a live consent to assistance; withdrawal stops it', () => {
    spec.given(opened()).when(assist()).thenRejects('RULE_2_ASSISTANCE_CONSENT_REQUIRED');
    const consented = extend(opened(), [consent('assistance')]);
    spec.given(consented).when(assist()).thenAccepted();
    spec
      .given(extend(consented, [withdraw('assistance')]))
      .when(assist())
      .thenRejects('RULE_2_ASSISTANCE_CONSENT_REQUIRED');
  });

  it.each<[ConsentPurpose, CaseCommand, ConsentPurpose]>([
    ['referral', refer(), 'transfer'],
    ['transfer', transfer(), 'referral'],
  ])(
    'a %s needs a live consent for that purpose naming the receiver; withdrawal blocks the next share',
    (purpose, share, otherPurpose) => {
      const refused = (given: readonly CaseCommand[]) =>
        spec
          .given(extend(opened(), given))
          .when(share)
          .thenRejects('RULE_2_SHARING_CONSENT_REQUIRED');
      refused([]);
      refused([consent(purpose, LEGAL_ORG)]);
      refused([consent(otherPurpose, OTHER_ORG)]);
      spec
        .given(extend(opened(), [consent(purpose, OTHER_ORG)]))
        .when(share)
        .thenAccepted();
      refused([consent(purpose, OTHER_ORG), withdraw(purpose, OTHER_ORG)]);
    },
  );

  it('legal aid access needs a live consent to legal aid access naming the organisation', () => {
    const grant = {
      type: 'GrantLegalAidAccess',
      actor: caseworker,
      legalAidOrganisationId: LEGAL_ORG,
    } as const;
    spec.given(opened()).when(grant).thenRejects('RULE_2_SHARING_CONSENT_REQUIRED');
    spec
      .given(extend(opened(), [consent('legal_aid_access', LEGAL_ORG)]))
      .when(grant)
      .thenAccepted();
  });

  it('given pending and accepted referrals to an organisation, when referral consent is withdrawn, then they are revoked at once', () => {
    const given = extend(opened(), [
      consent('referral', OTHER_ORG),
      consent('referral', LEGAL_ORG),
      refer('ref-pending'),
      refer('ref-accepted'),
      refer('ref-declined'),
      refer('ref-other', LEGAL_ORG),
      { type: 'AcceptReferral', actor: receiver, referralId: 'ref-accepted' },
      { type: 'DeclineReferral', actor: receiver, referralId: 'ref-declined', personal: {} },
    ]);
    const events = spec.given(given).when(withdraw('referral', OTHER_ORG)).thenAccepted();
    expect(events.map((e) => e.type)).toEqual([
      'ConsentWithdrawn',
      'ReferralRevoked',
      'ReferralRevoked',
    ]);
    expect(events.slice(1).map((e) => e.data)).toEqual([
      expect.objectContaining({
        referralId: 'ref-pending',
        cause: 'consent_withdrawn',
        personal: {},
      }),
      expect.objectContaining({
        referralId: 'ref-accepted',
        cause: 'consent_withdrawn',
        personal: {},
      }),
    ]);
    const state = evolveAll([...given, ...events]);
    expect(state.referrals['ref-pending']!.status).toBe('revoked');
    expect(state.referrals['ref-accepted']!.status).toBe('revoked');
    expect(state.referrals['ref-declined']!.status).toBe('declined');
    expect(state.referrals['ref-other']!.status).toBe('pending');
    // the receiver loses what it held through the referral: it can no longer act on it
    spec
      .given([...given, ...events])
      .when({ type: 'CompleteReferral', actor: receiver, referralId: 'ref-accepted' })
      .thenRejects('REFERRAL_NOT_ACCEPTED');
  });

  it('when legal aid consent is withdrawn, the organisation loses legal aid access at once', () => {
    const given = extend(opened(), [
      consent('legal_aid_access', LEGAL_ORG),
      { type: 'GrantLegalAidAccess', actor: caseworker, legalAidOrganisationId: LEGAL_ORG },
    ]);
    const events = spec.given(given).when(withdraw('legal_aid_access', LEGAL_ORG)).thenAccepted();
    expect(events.map((e) => e.type)).toEqual(['ConsentWithdrawn', 'LegalAidAccessRevoked']);
    expect(events[1]!.data).toMatchObject({
      legalAidOrganisationId: LEGAL_ORG,
      cause: 'consent_withdrawn',
    });
    expect(evolveAll([...given, ...events]).legalAidOrganisations).toEqual([]);
  });

  it.each([
    [
      'legal aid consent that was never used',
      [consent('legal_aid_access', LEGAL_ORG)],
      withdraw('legal_aid_access', LEGAL_ORG),
    ],
    [
      'transfer consent, beside a referral',
      [consent('transfer', OTHER_ORG), consent('referral', OTHER_ORG), refer()],
      withdraw('transfer', OTHER_ORG),
    ],
  ])('withdrawing %s revokes nothing else', (_, commands, withdrawal) => {
    expect(
      spec
        .given(extend(opened(), commands))
        .when(withdrawal)
        .thenAccepted()
        .map((e) => e.type),
    ).toEqual(['ConsentWithdrawn']);
  });

  it('consent can be withdrawn on a closed case', () => {
    const closed = extend(opened(), [
      consent('assistance'),
      { type: 'RequestClosure', actor: caseworker, reason: 'lost_contact', personal: {} },
      { type: 'ApproveClosure', actor: supervisor, personal: {} },
    ]);
    spec.given(closed).when(withdraw('assistance')).thenAccepted();
    spec.given(closed).when(consent('referral', OTHER_ORG)).thenRejects('CASE_CLOSED');
  });
});

describe('Objection to statistical use', () => {
  const object = { type: 'RecordStatisticalUseObjection', actor: caseworker } as const;
  const unobject = { type: 'WithdrawStatisticalUseObjection', actor: caseworker } as const;

  it('given no objection, when one is recorded, then later releases leave the case out', () => {
    const [recorded] = spec.given(opened()).when(object).thenAccepted();
    expect(recorded!.type).toBe('StatisticalUseObjectionRecorded');
    expect(evolveAll([...opened(), recorded!]).objectsToStatisticalUse).toBe(true);
  });

  it('cannot be recorded twice, nor withdrawn when absent', () => {
    spec
      .given(extend(opened(), [object]))
      .when(object)
      .thenRejects('STATISTICAL_OBJECTION_ALREADY_RECORDED');
    spec.given(opened()).when(unobject).thenRejects('STATISTICAL_OBJECTION_NOT_RECORDED');
  });

  it('can be withdrawn', () => {
    const events = extend(opened(), [object, unobject]);
    expect(events.at(-1)!.type).toBe('StatisticalUseObjectionWithdrawn');
    expect(evolveAll(events).objectsToStatisticalUse).toBe(false);
  });

  it('only the holder records it', () => {
    spec
      .given(opened())
      .when({ ...object, actor: outsider })
      .thenRejects('ACCESS_NOT_HOLDING_ORGANISATION');
    spec
      .given(extend(opened(), [object]))
      .when({ ...unobject, actor: outsider })
      .thenRejects('ACCESS_NOT_HOLDING_ORGANISATION');
  });
});
