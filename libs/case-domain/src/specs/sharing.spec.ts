import type { CaseCommand } from '../commands';
import { evolveAll } from '../state';
import {
  LEGAL_ORG,
  ORG,
  OTHER_ORG,
  assist,
  caseworker,
  consent,
  extend,
  history,
  identify,
  lawyer,
  openCase,
  outsider,
  receiver,
  receiverSupervisor,
  recorded,
  refer,
  sharingConsents,
  spec,
  supervisor,
  transfer,
} from '../testing/fixtures';

const consented = () => history([openCase(), identify(), ...sharingConsents()]);
const referred = () => extend(consented(), [refer()]);
const accept = (actor = receiver): CaseCommand => ({
  type: 'AcceptReferral',
  actor,
  referralId: 'ref-1',
});
const decline = (actor = receiver): CaseCommand => ({
  type: 'DeclineReferral',
  actor,
  referralId: 'ref-1',
  personal: { text: 'no capacity' },
});
const complete = (actor = receiver): CaseCommand => ({
  type: 'CompleteReferral',
  actor,
  referralId: 'ref-1',
});
const revoke = (actor = caseworker, referralId = 'ref-1'): CaseCommand => ({
  type: 'RevokeReferral',
  actor,
  referralId,
  personal: {},
});
const closeAll: CaseCommand[] = [
  { type: 'RequestClosure', actor: caseworker, reason: 'assistance_completed', personal: {} },
  { type: 'ApproveClosure', actor: supervisor, personal: {} },
];

describe('Case referred and the referral lifecycle', () => {
  it('given consent, when a case is referred, then CaseReferred names the receiver and the service', () => {
    spec
      .given(consented())
      .when(refer())
      .then([
        recorded('CaseReferred', {
          referralId: 'ref-1',
          toOrganisationId: OTHER_ORG,
          service: 'Accommodation',
          personal: { text: 'why' },
        }),
      ]);
  });

  it('rejects a duplicate referral id, a referral to the holder itself, an unknown service or an empty id', () => {
    spec.given(referred()).when(refer()).thenRejects('REFERRAL_ALREADY_EXISTS');
    spec
      .given(consented())
      .when(refer('ref-1', ORG))
      .thenRejects('SHARE_WITH_HOLDING_ORGANISATION');
    spec
      .given(consented())
      .when({ ...refer(), service: 'Spa' } as never)
      .thenRejects('INVALID_INPUT');
    spec.given(consented()).when(refer('')).thenRejects('INVALID_INPUT');
    spec.given(consented()).when(refer('ref-1', '')).thenRejects('INVALID_INPUT');
  });

  it('pending → accepted → completed, answered by the receiver only', () => {
    spec
      .given(referred())
      .when(accept())
      .then([
        recorded(
          'ReferralAccepted',
          {
            referralId: 'ref-1',
          },
          receiver,
        ),
      ]);
    const accepted = extend(referred(), [accept()]);
    spec.given(accepted).when(complete(receiverSupervisor)).thenAccepted();
    expect(evolveAll(extend(accepted, [complete()])).referrals['ref-1']!.status).toBe('completed');
  });

  it('a pending referral can be declined, with a reason', () => {
    const [declined] = spec.given(referred()).when(decline()).thenAccepted();
    expect(declined).toMatchObject({
      type: 'ReferralDeclined',
      data: { referralId: 'ref-1', personal: { text: 'no capacity' } },
    });
  });

  it('only the receiver answers, and only its caseworkers and supervisors', () => {
    spec.given(referred()).when(accept(caseworker)).thenRejects('REFERRAL_RECEIVER_ONLY');
    spec.given(referred()).when(decline(outsider)).thenRejects('REFERRAL_RECEIVER_ONLY');
    spec
      .given(referred())
      .when(accept({ ...receiver, role: 'administrator' }))
      .thenRejects('ROLE_CASEWORKER_OR_SUPERVISOR_REQUIRED');
    spec
      .given(extend(referred(), [accept()]))
      .when(complete(caseworker))
      .thenRejects('REFERRAL_RECEIVER_ONLY');
  });

  it('impossible transitions are rejected', () => {
    spec.given(consented()).when(accept()).thenRejects('REFERRAL_UNKNOWN');
    spec.given(consented()).when(complete()).thenRejects('REFERRAL_UNKNOWN');
    spec.given(referred()).when(complete()).thenRejects('REFERRAL_NOT_ACCEPTED');
    const accepted = extend(referred(), [accept()]);
    spec.given(accepted).when(accept()).thenRejects('REFERRAL_NOT_PENDING');
    spec.given(accepted).when(decline()).thenRejects('REFERRAL_NOT_PENDING');
    const declined = extend(referred(), [decline()]);
    spec.given(declined).when(accept()).thenRejects('REFERRAL_NOT_PENDING');
    spec.given(declined).when(revoke()).thenRejects('REFERRAL_NOT_ACTIVE');
    const completed = extend(accepted, [complete()]);
    spec.given(completed).when(revoke()).thenRejects('REFERRAL_NOT_ACTIVE');
    spec.given(completed).when(complete()).thenRejects('REFERRAL_NOT_ACCEPTED');
  });

  it('the referrer revokes a pending or an accepted referral', () => {
    const [revoked] = spec.given(referred()).when(revoke()).thenAccepted();
    expect(revoked).toMatchObject({
      type: 'ReferralRevoked',
      data: { referralId: 'ref-1', cause: 'by_referrer' },
    });
    spec
      .given(extend(referred(), [accept()]))
      .when(revoke(supervisor))
      .thenAccepted();
    spec
      .given(extend(referred(), [revoke()]))
      .when(revoke())
      .thenRejects('REFERRAL_NOT_ACTIVE');
    spec
      .given(extend(referred(), [revoke()]))
      .when(accept())
      .thenRejects('REFERRAL_NOT_PENDING');
  });

  it('only the referring organisation revokes', () => {
    spec.given(referred()).when(revoke(receiver)).thenRejects('REFERRAL_REFERRER_ONLY');
    spec.given(referred()).when(revoke(caseworker, 'ref-unknown')).thenRejects('REFERRAL_UNKNOWN');
    spec
      .given(referred())
      .when(revoke({ ...caseworker, role: 'administrator' }))
      .thenRejects('ROLE_CASEWORKER_OR_SUPERVISOR_REQUIRED');
  });

  it('on a closed case, referrals cannot be answered but can still be revoked', () => {
    const closed = extend(referred(), closeAll);
    spec.given(closed).when(accept()).thenRejects('CASE_CLOSED');
    spec.given(closed).when(revoke()).thenAccepted();
  });

  it('a receiver that accepted the referral provides assistance under its own name', () => {
    const accepted = extend(referred(), [accept()]);
    const [provided] = spec.given(accepted).when(assist('Psychological', receiver)).thenAccepted();
    expect(provided!.data).toMatchObject({
      providedByOrganisationId: OTHER_ORG,
      organisationId: OTHER_ORG,
    });
    spec
      .given(referred())
      .when(assist('Psychological', receiver))
      .thenRejects('ACCESS_NOT_HOLDING_ORGANISATION');
    spec
      .given(accepted)
      .when(assist('Psychological', { ...receiver, role: 'legal_aid_lawyer' }))
      .thenRejects('ROLE_CASEWORKER_OR_SUPERVISOR_REQUIRED');
  });
});

describe('Legal aid access', () => {
  const grant = (actor = caseworker, legalAidOrganisationId = LEGAL_ORG): CaseCommand => ({
    type: 'GrantLegalAidAccess',
    actor,
    legalAidOrganisationId,
  });
  const revokeAccess = (actor = caseworker, legalAidOrganisationId = LEGAL_ORG): CaseCommand => ({
    type: 'RevokeLegalAidAccess',
    actor,
    legalAidOrganisationId,
  });
  const withConsent = () => extend(consented(), [consent('legal_aid_access', LEGAL_ORG)]);

  it("given consent, when access is granted, then the lawyer's organisation has access", () => {
    const [granted] = spec.given(withConsent()).when(grant()).thenAccepted();
    expect(granted).toMatchObject({
      type: 'LegalAidAccessGranted',
      data: { legalAidOrganisationId: LEGAL_ORG },
    });
    expect(evolveAll([...withConsent(), granted!]).legalAidOrganisations).toEqual([LEGAL_ORG]);
  });

  it.each([
    ['twice', () => extend(withConsent(), [grant()]), grant(), 'LEGAL_AID_ACCESS_ALREADY_GRANTED'],
    ['to the holder', withConsent, grant(caseworker, ORG), 'SHARE_WITH_HOLDING_ORGANISATION'],
    ['by another organisation', withConsent, grant(outsider), 'ACCESS_NOT_HOLDING_ORGANISATION'],
  ] as const)('legal aid access cannot be granted %s', (_, given, command, rule) => {
    spec.given(given()).when(command).thenRejects(rule);
  });

  it('the holder revokes it; revoking what was not granted is rejected', () => {
    const granted = extend(withConsent(), [grant()]);
    const [revoked] = spec.given(granted).when(revokeAccess()).thenAccepted();
    expect(revoked).toMatchObject({
      type: 'LegalAidAccessRevoked',
      data: { legalAidOrganisationId: LEGAL_ORG, cause: 'by_holder' },
    });
    expect(evolveAll([...granted, revoked!]).legalAidOrganisations).toEqual([]);
    spec.given(withConsent()).when(revokeAccess()).thenRejects('LEGAL_AID_ACCESS_NOT_GRANTED');
    spec
      .given(granted)
      .when(revokeAccess(lawyer))
      .thenRejects('ROLE_CASEWORKER_OR_SUPERVISOR_REQUIRED');
  });

  it('revoking one organisation leaves the others', () => {
    const twoOrgs = extend(withConsent(), [
      consent('legal_aid_access', 'org-legal-2'),
      grant(),
      grant(caseworker, 'org-legal-2'),
    ]);
    expect(evolveAll(extend(twoOrgs, [revokeAccess()])).legalAidOrganisations).toEqual([
      'org-legal-2',
    ]);
  });
});

describe('Case transferred', () => {
  it('given consent, when a supervisor transfers, then the receiver holds the case under its own reference', () => {
    spec
      .given(consented())
      .when(transfer())
      .then([
        recorded(
          'CaseTransferred',
          {
            fromOrganisationId: ORG,
            toOrganisationId: OTHER_ORG,
            caseReference: 'RCV-2026-00007',
            personal: { text: 'moving region' },
          },
          supervisor,
        ),
      ]);
    const moved = extend(consented(), [
      { type: 'AssignCaseworker', actor: caseworker, caseworkerId: 'user-caseworker' },
      { type: 'RequestClosure', actor: caseworker, reason: 'other', personal: {} },
      transfer(),
    ]);
    const state = evolveAll(moved);
    expect(state).toMatchObject({
      holdingOrganisationId: OTHER_ORG,
      caseReference: 'RCV-2026-00007',
      caseworkerId: undefined,
      closureRequest: undefined,
    });
    spec
      .given(moved)
      .when({ type: 'AddNote', actor: caseworker, noteId: 'n', personal: { text: 'x' } })
      .thenRejects('ACCESS_NOT_HOLDING_ORGANISATION');
    spec
      .given(moved)
      .when({ type: 'AddNote', actor: receiver, noteId: 'n', personal: { text: 'x' } })
      .thenAccepted();
  });

  it('needs a supervisor, another organisation and a valid reference', () => {
    spec.given(consented()).when(transfer(caseworker)).thenRejects('ROLE_SUPERVISOR_REQUIRED');
    spec
      .given(consented())
      .when(transfer(supervisor, ORG))
      .thenRejects('SHARE_WITH_HOLDING_ORGANISATION');
    spec
      .given(consented())
      .when({ ...transfer(), caseReference: 'nope' } as never)
      .thenRejects('INVALID_INPUT');
  });
});
