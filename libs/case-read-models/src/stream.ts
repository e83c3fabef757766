/**
 * The event stream of one case. Stream ids carry the opaque case id only. Must agree with the
 * command side (libs/case-commands), which appends to it.
 */
export const caseStreamId = (caseId: string): string => `case-${caseId}`;
