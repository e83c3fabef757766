/**
 * Purposes a consent is given for. `assistance` names no receiving organisation; the three sharing
 * purposes each name the receiving organisation (rule 2). The objection to statistical use is not a
 * consent purpose: it has its own events.
 */
export const CONSENT_PURPOSES = ['assistance', 'referral', 'transfer', 'legal_aid_access'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

export const SHARING_PURPOSES = ['referral', 'transfer', 'legal_aid_access'] as const;
export type SharingPurpose = (typeof SHARING_PURPOSES)[number];
