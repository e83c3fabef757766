export const LINKAGE_QUERIES = Symbol('LINKAGE_QUERIES');
export const LINKAGE_SECRET = Symbol('LINKAGE_SECRET');
export const LINKAGE_ENCODER = Symbol('LINKAGE_ENCODER');
