export * from './port';
export * from './postgres';
export { EventStoreDbEventStore, createEventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store';
export type { EventStoreDbOptions } from './eventstoredb/eventstoredb-event-store';
