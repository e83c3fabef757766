import { evolveAll } from '../state';
import {
  LEGAL_ORG,
  ORG,
  OTHER_ORG,
  caseworker,
  consent,
  extend,
  openAdultCase,
  receiver,
  refer,
  transfer,
  withdraw,
} from '../testing/fixtures';
import { caseReachOf, readsWholeCase } from './access';

const reach = (events: Parameters<typeof evolveAll>[0], org: string) =>
  caseReachOf(evolveAll(events), org);

describe('caseReachOf: who reaches a case (rule 2)', () => {
  const referred = extend(openAdultCase(), [consent('referral', OTHER_ORG), refer('ref-1')]);

  it('reaches the holder (any letter case) and nobody before the case is opened', () => {
    expect(reach([], ORG)).toBeUndefined();
    expect(reach(openAdultCase(), ORG)).toBe('holder');
    expect(reach(openAdultCase(), ORG.toUpperCase())).toBe('holder');
    expect(reach(openAdultCase(), OTHER_ORG)).toBeUndefined();
  });

  it('reaches the receiver of a pending or accepted referral while the referral consent is live', () => {
    expect(reach(referred, OTHER_ORG)).toBe('referral');
    const accepted = extend(referred, [
      { type: 'AcceptReferral', actor: receiver, referralId: 'ref-1' },
    ]);
    expect(reach(accepted, OTHER_ORG)).toBe('referral');
    expect(readsWholeCase(reach(accepted, OTHER_ORG))).toBe(true);
    expect(reach(accepted, LEGAL_ORG)).toBeUndefined();
  });

  it('gives nothing for a consent alone, nor to a consented organisation another one was referred to', () => {
    expect(
      reach(extend(openAdultCase(), [consent('referral', OTHER_ORG)]), OTHER_ORG),
    ).toBeUndefined();
    const twoConsents = extend(openAdultCase(), [
      consent('referral', OTHER_ORG),
      consent('referral', LEGAL_ORG),
      refer('ref-1', OTHER_ORG),
    ]);
    expect(reach(twoConsents, LEGAL_ORG)).toBeUndefined();
    expect(reach(twoConsents, OTHER_ORG.toUpperCase())).toBe('referral');
    expect(reach([], '')).toBeUndefined();
  });

  it('cuts the receiver off when the consent is withdrawn, or the referral is declined, completed or revoked', () => {
    expect(reach(extend(referred, [withdraw('referral', OTHER_ORG)]), OTHER_ORG)).toBeUndefined();
    const declined = extend(referred, [
      { type: 'DeclineReferral', actor: receiver, referralId: 'ref-1', personal: {} },
    ]);
    expect(reach(declined, OTHER_ORG)).toBeUndefined();
    const completed = extend(referred, [
      { type: 'AcceptReferral', actor: receiver, referralId: 'ref-1' },
      { type: 'CompleteReferral', actor: receiver, referralId: 'ref-1' },
    ]);
    expect(reach(completed, OTHER_ORG)).toBeUndefined();
  });

  it('gives legal aid its own reach (not the whole case) while access and consent are live', () => {
    const granted = extend(openAdultCase(), [
      consent('legal_aid_access', LEGAL_ORG),
      { type: 'GrantLegalAidAccess', actor: caseworker, legalAidOrganisationId: LEGAL_ORG },
    ]);
    expect(reach(granted, LEGAL_ORG)).toBe('legal_aid');
    expect(readsWholeCase(reach(granted, LEGAL_ORG))).toBe(false);
    expect(
      reach(extend(granted, [withdraw('legal_aid_access', LEGAL_ORG)]), LEGAL_ORG),
    ).toBeUndefined();
  });

  it('moves the holder reach with a transfer', () => {
    const moved = extend(openAdultCase(), [consent('transfer', OTHER_ORG), transfer()]);
    expect(reach(moved, OTHER_ORG)).toBe('holder');
    expect(reach(moved, ORG)).toBeUndefined();
  });
});
