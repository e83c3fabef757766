import { evolveAll } from './state';
import { readableState } from './readable-state';
import { OTHER_ORG, consent, extend, openAdultCase, refer } from './testing/fixtures';

describe('readableState: the case folded from stored events, personal data unread', () => {
  const events = extend(openAdultCase(), [consent('referral', OTHER_ORG), refer('ref-1')]);

  it('folds the same readable facts as the history itself', () => {
    const state = readableState(events);
    const full = evolveAll(events);
    expect(state.lifecycle).toBe(full.lifecycle);
    expect(state.holdingOrganisationId).toBe(full.holdingOrganisationId);
    expect(state.liveConsents).toEqual(full.liveConsents);
    expect(Object.keys(state.referrals)).toEqual(Object.keys(full.referrals));
  });
});
