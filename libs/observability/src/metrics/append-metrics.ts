import {
  EventStoreUnavailableError,
  WrongExpectedVersionError,
  type EventStore,
} from '@remedy/event-store';
import type { AppendFailureReason, Metrics } from './metrics';

function failureReason(error: unknown): AppendFailureReason {
  if (error instanceof WrongExpectedVersionError) return 'wrong_expected_version';
  if (error instanceof EventStoreUnavailableError) return 'unavailable';
  return 'error';
}

/**
 * The same event store, counting what it appends: `remedy_events_appended_total{type}` after each
 * successful append (an idempotent re-send of the same events counts again), and
 * `remedy_event_append_failures_total{reason}` when one fails. Reads and subscriptions pass
 * through untouched.
 *
 *   { provide: EVENT_STORE, inject: [METRICS, ...], useFactory: (metrics, ...) => withAppendMetrics(store, metrics) }
 */
export function withAppendMetrics(
  store: EventStore,
  metrics: Pick<Metrics, 'recordAppend' | 'recordAppendFailure'>,
): EventStore {
  return {
    async append(streamId, events, expected, options) {
      try {
        const result = await store.append(streamId, events, expected, options);
        metrics.recordAppend(events.map((e) => e.type));
        return result;
      } catch (error) {
        metrics.recordAppendFailure(failureReason(error));
        throw error;
      }
    },
    readStream: (streamId, options) => store.readStream(streamId, options),
    readAll: (options) => store.readAll(options),
    subscribeToAll: (options, handler) => store.subscribeToAll(options, handler),
    headPosition: () => store.headPosition(),
    close: () => store.close(),
    ...(store.snapshots ? { snapshots: store.snapshots } : {}),
    ...(store.writesAlongside ? { writesAlongside: true } : {}),
  };
}
