import type {
  CountryCode,
  DecidingBody,
  FormOfExploitation,
  MeansOfControl,
  Sector,
  VictimStatus,
} from '../code-lists';
import type { CalendarDate } from '../rules/calendar';
import type { EventOf, FreeText, Personal } from './meta';
import type { AgeGroup } from './opening';

export interface VictimStatusFacts {
  readonly status: VictimStatus;
  readonly decidingBody: DecidingBody;
  readonly decidedOn: CalendarDate;
  readonly formsOfExploitation: readonly FormOfExploitation[];
  readonly sectors: readonly Sector[];
  readonly countriesOfRecruitment: readonly CountryCode[];
  readonly countriesOfTransit: readonly CountryCode[];
  readonly countriesOfExploitation: readonly CountryCode[];
  readonly meansOfControl: readonly MeansOfControl[];
  /** Years of the exploitation (readable); exact dates, if any, belong in the personal description. */
  readonly exploitationFromYear?: number;
  readonly exploitationToYear?: number;
}

export interface StatusDerivedFacts {
  /** Age group on the decision date, or undefined when no age is known (readable, for statistics). */
  readonly ageGroupAtIdentification?: AgeGroup;
  readonly yearOfIdentification: number;
}

export interface VictimStatusPersonal extends FreeText {
  readonly exploitationStartedOn?: CalendarDate;
  readonly exploitationEndedOn?: CalendarDate;
}

type StatusData = VictimStatusFacts &
  StatusDerivedFacts & { readonly personal: Personal<VictimStatusPersonal> };

/** First status decision: presumed (possible) or identified (actual) victim. */
export type VictimIdentified = EventOf<'VictimIdentified', StatusData>;
/** A later status decision, including "not a victim". */
export type VictimStatusChanged = EventOf<
  'VictimStatusChanged',
  StatusData & { readonly previousStatus: VictimStatus }
>;

export type ReflectionPeriodGranted = EventOf<
  'ReflectionPeriodGranted',
  {
    readonly startsOn: CalendarDate;
    readonly days: number;
    readonly endsOn: CalendarDate;
    readonly remindOn: CalendarDate;
  }
>;
