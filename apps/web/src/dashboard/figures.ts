import type { operations } from '@remedy/api-client';

type ListQuery = NonNullable<operations['CasesController_list']['parameters']['query']>;
/** A figure of the dashboard that stands for a list of cases (GET /cases?figure=). */
export type Figure = NonNullable<ListQuery['figure']>;
export const FIGURES: readonly Figure[] = [
  'open',
  'unassigned',
  'assisted',
  'reflection_7',
  'reflection_30',
  'assessment_awaited',
  'referred_out',
  'closure_requested',
  'reminders_overdue',
];

/** The path of the cases behind a figure (a figure name, an opaque id, a code-list value). */
export function figurePath(
  figure: Figure,
  more: { caseworkerId?: string | null; identificationStatus?: string } = {},
): string {
  const query = new URLSearchParams({ figure });
  if (more.caseworkerId) query.set('caseworkerId', more.caseworkerId);
  if (more.identificationStatus) query.set('identificationStatus', more.identificationStatus);
  return `/console/dashboard/cases?${query.toString()}`;
}
