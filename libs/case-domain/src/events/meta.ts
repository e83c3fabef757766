/**
 * PERSONAL DATA. Every event keeps its personal fields (identifying data and free text written by a
 * person) in one sub-object, `data.personal`, and nowhere else. The domain sees those fields in clear
 * in memory; the application layer MUST encrypt `data.personal` with the case's data key before the
 * first append and decrypt it when it reads the stream (see `personalDataOf` / `withPersonalData`).
 * When the key has been shredded (erasure), the application substitutes `ERASED` for `data.personal`;
 * the domain then falls back on the readable facts.
 *
 * All other fields are readable: opaque ids, code-list values, years, age groups, calendar dates of
 * decisions, counts. They must never hold a name, a contact, a document number or free text.
 */
export interface ErasedPersonalData {
  readonly erased: true;
}

export const ERASED: ErasedPersonalData = Object.freeze({ erased: true as const });

/** Personal fields of an event: clear in the domain, sealed in the store, `ERASED` once shredded. */
export type Personal<T> = T | ErasedPersonalData;

export const isErased = (value: Personal<object>): value is ErasedPersonalData =>
  (value as Partial<ErasedPersonalData>).erased === true;

/** The facts every case event carries: who (opaque ids), which case, when it happened and when recorded. */
export interface EventMeta {
  readonly caseId: string;
  /** The organisation of the user who acted. */
  readonly organisationId: string;
  /** The user who acted. */
  readonly actorId: string;
  /** When it happened in the world (ISO 8601 instant; may be in the past). */
  readonly occurredAt: string;
  /** When the system recorded it (the decision's `now`). */
  readonly recordedAt: string;
}

/** A case event: a type tag, its schema version and its data (Emmett-style plain object). */
export interface EventOf<Type extends string, Data, Version extends number = 1> {
  readonly type: Type;
  readonly schemaVersion: Version;
  readonly data: EventMeta & Data;
}

/** Free text written by a person (always personal). */
export interface FreeText {
  readonly text?: string;
}
