export {
  EventStoreDbEventStore,
  createEventStoreDbEventStore,
  type EventStoreDbOptions,
} from './eventstoredb-event-store';
export { MalformedEventError } from './mapping';
