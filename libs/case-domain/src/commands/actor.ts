import type { ActorRole } from '../code-lists';

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
