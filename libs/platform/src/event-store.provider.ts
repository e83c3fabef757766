import { Inject, Injectable, Logger, OnApplicationShutdown, Provider } from '@nestjs/common';
import { REMEDY_CONFIG, RemedyConfig } from '@remedy/config';
import {
  EVENT_STORE,
  EventStore,
  EventStoreDbEventStore,
  PostgresEventStore,
} from '@remedy/event-store';
import { METRICS, withAppendMetrics, type Metrics } from '@remedy/observability';

/** The event store chosen by configuration: EventStoreDB when a connection string is set, else PostgreSQL. */
export function createEventStore(config: RemedyConfig): EventStore {
  if (config.eventStoreConnectionString) {
    return new EventStoreDbEventStore({ connectionString: config.eventStoreConnectionString });
  }
  return new PostgresEventStore({ connectionString: config.databaseUrl!, poolSize: 10 });
}

/** Appends are counted in `/metrics` when the app imports MetricsModule. */
export const eventStoreProvider: Provider = {
  provide: EVENT_STORE,
  inject: [REMEDY_CONFIG, { token: METRICS, optional: true }],
  useFactory: (config: RemedyConfig, metrics?: Metrics) => {
    const store = createEventStore(config);
    return metrics ? withAppendMetrics(store, metrics) : store;
  },
};

@Injectable()
export class EventStoreCloser implements OnApplicationShutdown {
  private readonly logger = new Logger('EventStore');
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async onApplicationShutdown(): Promise<void> {
    await this.store.close().catch((e: Error) => this.logger.warn(`close failed: ${e.name}`));
  }
}
