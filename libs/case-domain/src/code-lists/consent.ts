/**
 * Purposes a consent is given for. `assistance` and `cross_organisation_matching` name no
 * receiving organisation; the three sharing purposes each name the receiving organisation (rule 2).
 * `cross_organisation_matching`: the holder may be told that the case probably matches a case of
 * another organisation (record linkage; nothing about the other case is told). The objection to
 * statistical use is not a consent purpose: it has its own events.
 */
export const CONSENT_PURPOSES = [
  'assistance',
  'referral',
  'transfer',
  'legal_aid_access',
  'cross_organisation_matching',
] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

export const SHARING_PURPOSES = ['referral', 'transfer', 'legal_aid_access'] as const;
export type SharingPurpose = (typeof SHARING_PURPOSES)[number];
