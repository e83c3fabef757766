export const STATISTICS_RELEASES = Symbol('STATISTICS_RELEASES');
export const RELEASE_SIGNER = Symbol('RELEASE_SIGNER');
export const HTCDS_CIPHER = Symbol('HTCDS_CIPHER');
