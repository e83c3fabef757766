import { Inject, Injectable, Logger, OnApplicationShutdown, Provider } from '@nestjs/common';
import { REMEDY_CONFIG, RemedyConfig } from '@remedy/config';
import { EVENT_STORE, EventStore, EventStoreDbEventStore, PostgresEventStore } from '@remedy/event-store';

/** The event store chosen by configuration: EventStoreDB when a connection string is set, else PostgreSQL. */
export function createEventStore(config: RemedyConfig): EventStore {
  if (config.eventStoreConnectionString) {
    return new EventStoreDbEventStore({ connectionString: config.eventStoreConnectionString });
  }
  return new PostgresEventStore({ connectionString: config.databaseUrl!, poolSize: 10 });
}

export const eventStoreProvider: Provider = {
  provide: EVENT_STORE,
  inject: [REMEDY_CONFIG],
  useFactory: createEventStore,
};

@Injectable()
export class EventStoreCloser implements OnApplicationShutdown {
  private readonly logger = new Logger('EventStore');
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async onApplicationShutdown(): Promise<void> {
    await this.store.close().catch((e: Error) => this.logger.warn(`close failed: ${e.name}`));
  }
}
