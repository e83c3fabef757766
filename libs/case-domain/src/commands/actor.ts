import type { ActorRole } from '../code-lists';
import type { CaseEventType, ErasedPersonalData, EventData } from '../events';

/** Who issues a command: opaque ids and a role, as authenticated by the application. */
export interface Actor {
  readonly userId: string;
  readonly organisationId: string;
  readonly role: ActorRole;
}

/** A command: a type tag, the actor, when it happened (ISO instant; defaults to `now`), and its facts. */
export type CommandOf<Type extends string, Data = object> = {
  readonly type: Type;
  readonly actor: Actor;
  readonly occurredAt?: string;
} & Data;

/**
 * The facts of a command that records them as given: the data of the event of type `T` it records, with
 * the personal fields in clear (a command never carries `ERASED`). A fact added to that event is a fact
 * of the command too. Commands whose event holds derived facts (totals, dates defaulting to today, the
 * deciding organisation) declare their own.
 */
export type FactsOf<T extends CaseEventType> = {
  readonly [K in keyof EventData<T>]: K extends 'personal'
    ? Exclude<EventData<T>[K], ErasedPersonalData>
    : EventData<T>[K];
};

/**
 * The facts of a command for a step taken on a date: those of the event of type `T` less the ones the
 * domain derives (`Derived`), with the date field `D` optional (it defaults to today).
 */
export type DatedFactsOf<
  T extends CaseEventType,
  D extends keyof FactsOf<T>,
  Derived extends keyof FactsOf<T> = never,
> = Omit<FactsOf<T>, D | Derived> & { readonly [K in D]?: FactsOf<T>[K] };
