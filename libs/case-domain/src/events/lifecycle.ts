import type {
  ClosureReason,
  CountryCode,
  LanguageCode,
  ReferralSource,
  SexGender,
} from '../code-lists';
import type { CalendarDate } from '../rules/calendar';
import type { EventOf, FreeText, Personal } from './meta';

export type ClosureRequested = EventOf<
  'ClosureRequested',
  { readonly reason: ClosureReason; readonly personal: Personal<FreeText> }
>;

/** Closure approved by a supervisor: the case is closed. */
export type ClosureApproved = EventOf<
  'ClosureApproved',
  {
    readonly reason: ClosureReason;
    readonly requestedBy: string;
    readonly personal: Personal<FreeText>;
  }
>;

export type CaseReopened = EventOf<'CaseReopened', { readonly personal: Personal<FreeText> }>;

export type CaseworkerAssigned = EventOf<'CaseworkerAssigned', { readonly caseworkerId: string }>;
export type CaseworkerReassigned = EventOf<
  'CaseworkerReassigned',
  { readonly previousCaseworkerId: string; readonly caseworkerId: string }
>;

export type NoteAdded = EventOf<
  'NoteAdded',
  { readonly noteId: string; readonly personal: Personal<FreeText> }
>;

/** An earlier fact was wrong: a new event states the right value; nothing is edited. */
export type Correction =
  | { readonly fact: 'sexGender'; readonly value: SexGender }
  | { readonly fact: 'citizenships'; readonly value: readonly CountryCode[] }
  | { readonly fact: 'languages'; readonly value: readonly LanguageCode[] }
  | { readonly fact: 'referralSource'; readonly value: ReferralSource }
  /** The exact date is personal (in `personal.birthDate`); the year stays readable. */
  | { readonly fact: 'birthDate'; readonly birthYear: number }
  | { readonly fact: 'estimatedAge'; readonly value: number; readonly estimatedOn: CalendarDate };

export type CorrectableFact = Correction['fact'];

export type FactCorrected = EventOf<
  'FactCorrected',
  {
    readonly correction: Correction;
    readonly personal: Personal<FreeText & { readonly birthDate?: CalendarDate }>;
  }
>;

/**
 * The person's personal data was erased. The application deletes the case's data key (crypto-shredding)
 * when it appends this event; afterwards every `data.personal` of the stream reads as `ERASED`.
 */
export type PersonalDataErased = EventOf<
  'PersonalDataErased',
  { readonly erasureRequestId: string }
>;
