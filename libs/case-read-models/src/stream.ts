/**
 * The event stream of one case. Stream ids carry the opaque case id only. Must agree with the
 * command side (libs/case-commands `caseStreamId`), which appends to it; case ids are
 * lower-case uuids there.
 */
export const caseStreamId = (caseId: string): string => `case-${caseId.toLowerCase()}`;
