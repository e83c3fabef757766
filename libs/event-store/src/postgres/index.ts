export {
  createPostgresEventStore,
  DEFAULT_LIVE_DELIVERY,
  eventStorePoolConfig,
  PostgresEventStore,
} from './postgres-event-store';
export type { LiveDelivery, PostgresEventStoreOptions } from './postgres-event-store';
export { isConnectionFailure, mapPgError } from './errors';
