/** The LegalAidQueries instance of the Nest module. */
export const LEGAL_AID_QUERIES = Symbol('LEGAL_AID_QUERIES');
/** The LegalAidClaimQueries instance of the Nest module. */
export const LEGAL_AID_CLAIM_QUERIES = Symbol('LEGAL_AID_CLAIM_QUERIES');
/** The legal-aid view's CaseReachResolver (the access policy's guard, `@Policy.case`). */
export const LEGAL_AID_REACH = Symbol('LEGAL_AID_REACH');
