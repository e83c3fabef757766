/** The LegalAidQueries instance of the Nest module. */
export const LEGAL_AID_QUERIES = Symbol('LEGAL_AID_QUERIES');
