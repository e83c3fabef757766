/**
 * The event stream of one case: `case-<case id>`, the opaque case id in lower case (case ids are
 * uuids). The only place a case stream id is built or taken apart.
 */
export const CASE_STREAM_PREFIX = 'case-';

export const caseStreamId = (caseId: string): string =>
  `${CASE_STREAM_PREFIX}${caseId.toLowerCase()}`;

/** The case id a case stream id names. */
export const caseIdOfStream = (streamId: string): string =>
  streamId.slice(CASE_STREAM_PREFIX.length);
