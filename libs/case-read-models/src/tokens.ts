/** The CaseQueries instance of the Nest module. */
export const CASE_QUERIES = Symbol('CASE_QUERIES');
