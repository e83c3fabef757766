import { ERASED } from './events/meta';
import { withPersonalData } from './events';
import { upcast, type RawEvent } from './events/upcast';
import { evolveAll, initialState, type CaseState } from './state';

/**
 * A case's state from its stored events without decrypting anything: each event is upcast and its
 * personal part read as erased, so only the readable facts are folded. What an access decision,
 * a retention check or an erasure needs; never personal data. `from`: the readable state of the
 * events before these (a snapshot of the stream's prefix).
 */
export const readableState = (
  events: readonly RawEvent[],
  from: CaseState = initialState,
): CaseState =>
  evolveAll(
    events.map((e) =>
      withPersonalData(
        upcast({ type: e.type, schemaVersion: e.schemaVersion, data: e.data }),
        ERASED,
      ),
    ),
    from,
  );
