import {
  evolveAll,
  initialState,
  PERSONAL_FOLDED_EVENTS,
  readableState,
  upcast,
  type CaseEvent,
  type CaseState,
  type RawEvent,
} from '@remedy/case-domain';
import type {
  EventStore,
  ReadStreamOptions,
  RecordedEvent,
  SnapshotKind,
  SnapshotRead,
} from '@remedy/event-store';
import { openEvent, openPersonal, type PersonalDecrypter, type PersonalSealer } from './personal';
import { caseStreamId } from './stream-id';

/** One stored case event brought to its current schema version (its personal part as stored). */
export const caseEventOf = (recorded: RawEvent): CaseEvent =>
  upcast({ type: recorded.type, schemaVersion: recorded.schemaVersion, data: recorded.data });

/**
 * The case fold kept in snapshots (`stream_snapshots`, kind `case`). Bump `version` whenever what
 * a history folds to changes (`evolve`, `readableState`, an upcaster, CaseState's shape): snapshots
 * of another version are ignored and rebuilt by the next reads.
 */
export const CASE_FOLD: SnapshotKind = Object.freeze({ kind: 'case', version: 1 });

/**
 * A read that finds more than this many events after the latest snapshot writes a new one (lazily,
 * at the revision it read), so a read folds at most about this many events whatever the history's
 * length (issue 18 item 1).
 */
export const SNAPSHOT_AFTER = 50;

/**
 * What a case snapshot holds (JSON in `stream_snapshots.state`): the readable fold (personal parts
 * read as erased: no personal data) and the decision state (the fold with personal parts opened:
 * the birth date) sealed with the case's data key, so erasure (the key shredded) leaves nothing
 * personal readable.
 */
export interface CaseSnapshotState {
  readonly readable: CaseState;
  readonly sealedDecision: string;
}

/** The prefix a stream was read from: its last revision and fold (see CaseSnapshotState). */
export interface CaseSnapshotBase extends CaseSnapshotState {
  readonly revision: bigint;
  /** The latest recording instant of the prefix (ms precision). */
  readonly lastRecordedAt: Date;
}

const isSnapshotState = (value: unknown): value is CaseSnapshotState =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as CaseSnapshotState).readable === 'object' &&
  typeof (value as CaseSnapshotState).sealedDecision === 'string';

/**
 * One case's stream as read: the stored events, the same upcast to the current schema, the
 * revision, and the two folds of the pure domain over them (@remedy/case-domain):
 * - `readableState()`: the readable facts only, personal parts read as erased (access decisions,
 *   retention, erasure: nothing is decrypted);
 * - `opened(cipher)`: the history with personal parts opened and the state decisions are taken on.
 *
 * Read from a snapshot (`readCase(…, { snapshot: true })`), `recorded` holds only the events after
 * the snapshot's revision (`base`), and the folds start from the snapshot: only those events are
 * upcast, folded and decrypted.
 */
export class CaseStream {
  private upcast?: readonly CaseEvent[];
  private readable?: CaseState;
  private openedMemo?: {
    readonly cipher: PersonalDecrypter;
    readonly result: Promise<{ history: readonly CaseEvent[]; state: CaseState }>;
  };

  constructor(
    readonly caseId: string,
    readonly recorded: readonly RecordedEvent[],
    /** The snapshot the events follow; undefined: `recorded` is the whole history (or the cut). */
    readonly base?: CaseSnapshotBase,
    /** The last event of an already-appended command, looked up by id (`findAppendOf`). */
    readonly found?: RecordedEvent,
  ) {}

  /** False when the case has no stream (never opened). */
  get exists(): boolean {
    return this.base !== undefined || this.recorded.length > 0;
  }

  /** True when `recorded` holds every event (no snapshot was used). */
  get complete(): boolean {
    return this.base === undefined;
  }

  /** Revision of the last event, undefined when there is none. */
  get revision(): bigint | undefined {
    return this.recorded[this.recorded.length - 1]?.revision ?? this.base?.revision;
  }

  /** The events read upcast to the current schema (after the snapshot), personal parts still sealed. */
  get events(): readonly CaseEvent[] {
    return (this.upcast ??= this.recorded.map(caseEventOf));
  }

  /** The case folded from its readable facts only (personal parts read as erased). */
  readableState(): CaseState {
    return (this.readable ??= readableState(this.recorded, this.base?.readable ?? initialState));
  }

  /**
   * The events read and the decision state: the snapshot's sealed decision state (one decryption)
   * evolved by them. Only the personal parts the fold reads are opened (`ERASED` once shredded):
   * those of PERSONAL_FOLDED_EVENTS (the opening, an age verification, a birth-date correction);
   * the others stay sealed (a short stream of notes decrypts its opening only).
   */
  opened(
    cipher: PersonalDecrypter,
  ): Promise<{ readonly history: readonly CaseEvent[]; readonly state: CaseState }> {
    if (this.openedMemo?.cipher !== cipher) {
      this.openedMemo = { cipher, result: this.open(cipher) };
    }
    return this.openedMemo.result;
  }

  private async open(
    cipher: PersonalDecrypter,
  ): Promise<{ history: readonly CaseEvent[]; state: CaseState }> {
    const [from, history] = await Promise.all([
      this.base ? this.baseDecision(cipher, this.base) : initialState,
      Promise.all(
        this.events.map((e) =>
          PERSONAL_FOLDED_EVENTS.has(e.type) ? openEvent(cipher, this.caseId, e) : e,
        ),
      ),
    ]);
    return { history, state: evolveAll(history, from) };
  }

  private async baseDecision(
    cipher: PersonalDecrypter,
    base: CaseSnapshotBase,
  ): Promise<CaseState> {
    const opened = await openPersonal<CaseState>(cipher, this.caseId, {
      sealed: base.sealedDecision,
    });
    // Erased (the key shredded): the fold with every personal part read as erased.
    return typeof opened === 'object' && 'lifecycle' in opened ? opened : base.readable;
  }

  /** The prefix's latest recording instant (for a snapshot at this stream's revision). */
  lastRecordedAt(): Date | undefined {
    let last = this.base?.lastRecordedAt;
    for (const e of this.recorded) if (!last || e.recordedAt > last) last = e.recordedAt;
    return last;
  }

  /** True when `recorded` follows `base` (or starts the stream) without a gap. */
  contiguous(): boolean {
    let expected = this.base ? this.base.revision + 1n : 0n;
    for (const e of this.recorded) {
      if (e.revision !== expected) return false;
      expected++;
    }
    return true;
  }
}

export interface CaseReadOptions extends ReadStreamOptions {
  /**
   * Read from the latest usable snapshot (events after it only) when the store keeps snapshots;
   * else (and by default) the whole stream up to the cut.
   */
  readonly snapshot?: boolean;
  /**
   * With `snapshot`: the cipher that writes a new snapshot when more than SNAPSHOT_AFTER events
   * follow the one read (both halves: it opens those events and seals the decision state). Without
   * one no snapshot is written.
   */
  readonly cipher?: PersonalDecrypter & Partial<PersonalSealer>;
  /** With `snapshot`: the request the read is for. A latest read is made once per request. */
  readonly scope?: object;
  /** With `snapshot`: see SnapshotReadOptions.findAppendOf (answered in `found`). */
  readonly findAppendOf?: string;
}

/** The latest reads made for a request (its object as key): at most one per case. */
const heldReads = new WeakMap<object, Map<string, Promise<CaseStream>>>();

/** The latest read of the case already made for this request, if any. */
export function heldCaseRead(
  scope: object | undefined,
  caseId: string,
): Promise<CaseStream> | undefined {
  return scope ? heldReads.get(scope)?.get(caseId.toLowerCase()) : undefined;
}

/** Forgets the request's read of the case (after the request appended to it). */
export function forgetCaseRead(scope: object | undefined, caseId: string): void {
  if (scope) heldReads.get(scope)?.delete(caseId.toLowerCase());
}

/** Keeps a read as the request's latest read of the case. */
export function holdCaseRead(scope: object | undefined, stream: CaseStream): void {
  if (!scope) return;
  let reads = heldReads.get(scope);
  if (!reads) heldReads.set(scope, (reads = new Map()));
  reads.set(stream.caseId.toLowerCase(), Promise.resolve(stream));
}

/**
 * Reads one case's stream (all of it, or up to a revision or a recording instant); with
 * `snapshot`, from the latest snapshot of its prefix (one statement: the snapshot and the events
 * after it), once per request (`scope`) for a latest read.
 */
export async function readCase(
  store: Pick<EventStore, 'readStream'> & Partial<Pick<EventStore, 'snapshots'>>,
  caseId: string,
  options: CaseReadOptions = {},
): Promise<CaseStream> {
  const { snapshot, cipher, scope, findAppendOf, ...cut } = options;
  if (!snapshot) return new CaseStream(caseId, await store.readStream(caseStreamId(caseId), cut));
  const latest = cut.toRevision === undefined && cut.recordedUntil === undefined;
  const holds = latest && findAppendOf === undefined && scope !== undefined;
  if (holds) {
    const held = heldCaseRead(scope, caseId);
    if (held) return held;
  }
  const read = readFromSnapshot(store, caseId, cut, cipher, findAppendOf);
  if (holds) {
    let reads = heldReads.get(scope);
    if (!reads) heldReads.set(scope, (reads = new Map()));
    const key = caseId.toLowerCase();
    reads.set(key, read);
    read.catch(() => reads.get(key) === read && reads.delete(key));
  }
  return read;
}

async function readFromSnapshot(
  store: Pick<EventStore, 'readStream'> & Partial<Pick<EventStore, 'snapshots'>>,
  caseId: string,
  cut: ReadStreamOptions,
  cipher: (PersonalDecrypter & Partial<PersonalSealer>) | undefined,
  findAppendOf: string | undefined,
): Promise<CaseStream> {
  const streamId = caseStreamId(caseId);
  if (!store.snapshots) {
    // A store without snapshots (EventStoreDB): the whole stream; an append found by scanning.
    const recorded = await store.readStream(streamId, cut);
    return new CaseStream(caseId, recorded, undefined, findScanning(recorded, findAppendOf));
  }
  const read = await store.snapshots.read(streamId, { ...cut, ...CASE_FOLD, findAppendOf });
  if (read.snapshot && !isSnapshotState(read.snapshot.state)) {
    // Not a snapshot this code wrote (same kind and version, another shape): read in full.
    const recorded = await store.readStream(streamId, cut);
    return new CaseStream(caseId, recorded, undefined, findScanning(recorded, findAppendOf));
  }
  const stream = caseStreamOf(caseId, read);
  if (cipher?.encryptJsonForCase && stream.recorded.length > SNAPSHOT_AFTER) {
    await writeSnapshot(store.snapshots, stream, cipher as PersonalDecrypter & PersonalSealer);
  }
  return stream;
}

/** A CaseStream from a snapshot read (its snapshot, if any, of the case fold's shape). */
export function caseStreamOf(caseId: string, read: SnapshotRead): CaseStream {
  const s = read.snapshot && isSnapshotState(read.snapshot.state) ? read.snapshot : undefined;
  const base: CaseSnapshotBase | undefined = s
    ? {
        ...(s.state as CaseSnapshotState),
        revision: s.revision,
        lastRecordedAt: s.lastRecordedAt ?? new Date(0),
      }
    : undefined;
  return new CaseStream(caseId, read.events, base, read.found);
}

/** Writes the snapshot of the stream as read (its prefix up to `revision`), when contiguous. */
async function writeSnapshot(
  snapshots: NonNullable<EventStore['snapshots']>,
  stream: CaseStream,
  cipher: PersonalDecrypter & PersonalSealer,
): Promise<void> {
  const revision = stream.revision;
  const lastRecordedAt = stream.lastRecordedAt();
  // Only a prefix (no revision missing: an as-of read may skip a late-recorded one) is kept.
  if (revision === undefined || !lastRecordedAt || !stream.contiguous()) return;
  const { state } = await stream.opened(cipher);
  const snapshot: CaseSnapshotState = {
    readable: stream.readableState(),
    sealedDecision: await cipher.encryptJsonForCase(stream.caseId, state),
  };
  try {
    await snapshots.write(caseStreamId(stream.caseId), CASE_FOLD, {
      revision,
      lastRecordedAt,
      state: snapshot,
    });
  } catch {
    // A snapshot is an optimisation: the read stands, the next one writes it.
  }
}

function findScanning(
  recorded: readonly RecordedEvent[],
  firstEventId: string | undefined,
): RecordedEvent | undefined {
  if (firstEventId === undefined) return undefined;
  const id = firstEventId.toLowerCase();
  const first = recorded.find((r) => r.id.toLowerCase() === id);
  if (!first) return undefined;
  let last = first;
  for (const r of recorded)
    if (
      r.revision > last.revision &&
      r.metadata.causationId === first.metadata.causationId &&
      r.position.commit === first.position.commit
    )
      last = r;
  return last;
}

/**
 * Several cases' streams, each from its latest snapshot, in one statement (a store without
 * snapshots: one full read per case, a few at a time). Unknown cases read as not existing.
 */
export async function readCases(
  store: Pick<EventStore, 'readStream'> & Partial<Pick<EventStore, 'snapshots'>>,
  caseIds: readonly string[],
): Promise<Map<string, CaseStream>> {
  const streams = new Map<string, CaseStream>();
  if (!store.snapshots) {
    for (let i = 0; i < caseIds.length; i += 8) {
      const chunk = caseIds.slice(i, i + 8);
      const read = await Promise.all(chunk.map((id) => readCase(store, id)));
      chunk.forEach((id, k) => streams.set(id, read[k]!));
    }
    return streams;
  }
  const reads = await store.snapshots.readMany(caseIds.map(caseStreamId), CASE_FOLD);
  for (const id of caseIds) {
    const read = reads.get(caseStreamId(id));
    streams.set(id, read ? caseStreamOf(id, read) : new CaseStream(id, []));
  }
  return streams;
}
