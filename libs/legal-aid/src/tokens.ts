/** The LegalAidQueries instance of the Nest module. */
export const LEGAL_AID_QUERIES = Symbol('LEGAL_AID_QUERIES');
/** The LegalAidClaimQueries instance of the Nest module. */
export const LEGAL_AID_CLAIM_QUERIES = Symbol('LEGAL_AID_CLAIM_QUERIES');
