import type { AssistanceType } from '../code-lists';
import type { CalendarDate } from '../rules/calendar';
import type { EventOf, FreeText, Personal } from './meta';

export type NeedsAssessed = EventOf<
  'NeedsAssessed',
  { readonly needs: readonly AssistanceType[]; readonly personal: Personal<FreeText> }
>;

export type SupportPlanRecorded = EventOf<
  'SupportPlanRecorded',
  {
    readonly planId: string;
    readonly plannedAssistance: readonly AssistanceType[];
    readonly reviewOn?: CalendarDate;
    readonly personal: Personal<FreeText>;
  }
>;

export type AssistanceProvided = EventOf<
  'AssistanceProvided',
  {
    readonly assistanceId: string;
    readonly assistanceType: AssistanceType;
    readonly providedByOrganisationId: string;
    readonly from: CalendarDate;
    readonly until?: CalendarDate;
    readonly personal: Personal<FreeText>;
  }
>;
