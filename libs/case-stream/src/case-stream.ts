import {
  evolveAll,
  readableState,
  upcast,
  type CaseEvent,
  type CaseState,
  type RawEvent,
} from '@remedy/case-domain';
import type { EventStore, ReadStreamOptions, RecordedEvent } from '@remedy/event-store';
import { openEvent, type PersonalDecrypter } from './personal';
import { caseStreamId } from './stream-id';

/** One stored case event brought to its current schema version (its personal part as stored). */
export const caseEventOf = (recorded: RawEvent): CaseEvent =>
  upcast({ type: recorded.type, schemaVersion: recorded.schemaVersion, data: recorded.data });

/**
 * One case's stream as read: the stored events, the same upcast to the current schema, the
 * revision, and the two folds of the pure domain over them (@remedy/case-domain):
 * - `readableState()`: the readable facts only, personal parts read as erased (access decisions,
 *   retention, erasure: nothing is decrypted);
 * - `opened(cipher)`: the history with personal parts opened and the state decisions are taken on.
 */
export class CaseStream {
  private upcast?: readonly CaseEvent[];

  constructor(
    readonly caseId: string,
    readonly recorded: readonly RecordedEvent[],
  ) {}

  /** False when the case has no stream (never opened). */
  get exists(): boolean {
    return this.recorded.length > 0;
  }

  /** Revision of the last event, undefined when there is none. */
  get revision(): bigint | undefined {
    return this.recorded[this.recorded.length - 1]?.revision;
  }

  /** The events upcast to the current schema, personal parts still sealed. */
  get events(): readonly CaseEvent[] {
    return (this.upcast ??= this.recorded.map(caseEventOf));
  }

  /** The case folded from its readable facts only (personal parts read as erased). */
  readableState(): CaseState {
    return readableState(this.recorded);
  }

  /** The history with personal parts opened (`ERASED` once shredded) and its fold. */
  async opened(
    cipher: PersonalDecrypter,
  ): Promise<{ readonly history: readonly CaseEvent[]; readonly state: CaseState }> {
    const history = await Promise.all(this.events.map((e) => openEvent(cipher, this.caseId, e)));
    return { history, state: evolveAll(history) };
  }
}

/** Reads one case's stream (all of it, or up to a revision or a recording instant). */
export async function readCase(
  store: Pick<EventStore, 'readStream'>,
  caseId: string,
  options?: ReadStreamOptions,
): Promise<CaseStream> {
  return new CaseStream(caseId, await store.readStream(caseStreamId(caseId), options));
}
