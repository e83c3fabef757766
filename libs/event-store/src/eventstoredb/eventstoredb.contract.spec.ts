/**
 * The shared EventStore contract against a live EventStoreDB, when EVENTSTORE_CONNECTION_STRING
 * is set (e.g. `esdb://localhost:2113?tls=false` for `eventstore/eventstore:24.10 --insecure`).
 * Without it the suite is reported as skipped, with the reason in its title: no server is faked.
 */
import { describeEventStoreContract } from '../contract/event-store.contract';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

describeEventStoreContract(
  'EventStoreDB',
  connectionString
    ? async () => {
        const open = () => new EventStoreDbEventStore({ connectionString });
        const store = open();
        // Fail early and clearly when the server is not reachable.
        await store.headPosition();
        return {
          store,
          makeStore: async () => open(),
          teardown: () => store.close(),
        };
      }
    : null,
  'EVENTSTORE_CONNECTION_STRING is not set (no EventStoreDB server here); the adapter is unverified against a live server',
);
