import type { ConsentPurpose, LanguageCode } from '../code-lists';
import type { EventOf } from './meta';

export interface ConsentScope {
  readonly purpose: ConsentPurpose;
  /** The organisation the case may be shared with; required for referral, transfer and legal aid access. */
  readonly receivingOrganisationId?: string;
}

export type ConsentGiven = EventOf<
  'ConsentGiven',
  ConsentScope & {
    /** How the consent was obtained: in which language, with an interpreter or not. */
    readonly obtainedInLanguage: LanguageCode;
    readonly interpreterUsed: boolean;
  }
>;

export type ConsentWithdrawn = EventOf<'ConsentWithdrawn', ConsentScope>;

/** The person objects to the case being counted in statistical releases made from now on. */
export type StatisticalUseObjectionRecorded = EventOf<'StatisticalUseObjectionRecorded', object>;
export type StatisticalUseObjectionWithdrawn = EventOf<'StatisticalUseObjectionWithdrawn', object>;
