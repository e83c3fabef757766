import type { LawEnforcementCooperation, RemedyAvenue, RemedyType } from '../code-lists';
import type { EventOf, FreeText, Personal } from './meta';

/** Information only, for statistics: no rule reads it (rule 1). */
export type LawEnforcementCooperationRecorded = EventOf<
  'LawEnforcementCooperationRecorded',
  { readonly cooperation: LawEnforcementCooperation }
>;

export type RemedySought = EventOf<
  'RemedySought',
  {
    readonly remedyId: string;
    readonly remedyType: RemedyType;
    readonly avenue: RemedyAvenue;
    readonly personal: Personal<FreeText>;
  }
>;

export type NonPunishmentFlagRaised = EventOf<
  'NonPunishmentFlagRaised',
  { readonly flagId: string; readonly personal: Personal<FreeText> }
>;

export const NON_PUNISHMENT_RESOLUTIONS = [
  'no_charges_brought',
  'charges_dropped',
  'acquitted',
  'non_punishment_not_applied',
  'other',
] as const;
export type NonPunishmentResolution = (typeof NON_PUNISHMENT_RESOLUTIONS)[number];

export type NonPunishmentFlagResolved = EventOf<
  'NonPunishmentFlagResolved',
  {
    readonly flagId: string;
    readonly resolution: NonPunishmentResolution;
    readonly personal: Personal<FreeText>;
  }
>;
