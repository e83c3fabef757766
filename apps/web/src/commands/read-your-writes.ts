import type { RemedyClient } from '@remedy/api-client';
import { dataOf } from '../api';

/**
 * Read your writes: the position of the last command this console recorded on each case (an
 * opaque number pair, never personal data; in memory only). Reads of that case send it as
 * `X-Min-Position`, so the screen never shows the case as it was before the person's own change.
 */
const positions = new Map<string, string>();
/** The position of the last command this console recorded, on any case (lists read with it). */
let latest: string | undefined;

export function rememberPosition(caseId: string, position: string | undefined): void {
  if (!position) return;
  positions.set(caseId, position);
  latest = position;
}

/**
 * The `X-Min-Position` header for reads across cases (the legal-aid lists): after the person's
 * last command (empty when this console wrote nothing). Part of those queries' keys, so a new
 * command reads them anew.
 */
export function latestPositionHeader(): { 'X-Min-Position'?: string } {
  return latest ? { 'X-Min-Position': latest } : {};
}

/** The `X-Min-Position` header for reads of `caseId` (empty when this console wrote nothing). */
export function minPositionHeader(caseId: string): { 'X-Min-Position'?: string } {
  const position = positions.get(caseId);
  return position ? { 'X-Min-Position': position } : {};
}

/** Forgets every position (the session ended). */
export function forgetPositions(): void {
  positions.clear();
  latest = undefined;
}

/** The query key of one case (GET /cases/{caseId}); its reads (timeline, ...) start with it. */
export const caseKey = (caseId: string) => ['case', caseId] as const;

/** GET /cases/{caseId} as a query: the case page and the commands' "what changed" share it. */
export function caseQuery(api: RemedyClient, caseId: string) {
  return {
    queryKey: caseKey(caseId),
    queryFn: async () =>
      dataOf(
        await api.GET('/cases/{caseId}', {
          params: { path: { caseId }, header: minPositionHeader(caseId) },
        }),
      ),
  };
}
