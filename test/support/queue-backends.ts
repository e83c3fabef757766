import type { QueueBackend } from '@remedy/queue';

/** A BullMQ backend a test runs on, by the queue URL it is given (the test database's for PostgreSQL). */
export interface QueueBackendCase {
  readonly label: string;
  readonly backend: (url: string) => QueueBackend;
}

/** The queue backends to run a test on: PostgreSQL always, Redis when REDIS_URL names a server. */
export function queueBackends(): QueueBackendCase[] {
  const backends: QueueBackendCase[] = [
    { label: 'PostgreSQL queue backend', backend: (url) => ({ kind: 'postgres', url }) },
  ];
  if (process.env.REDIS_URL)
    backends.push({
      label: 'Redis queue backend',
      backend: () => ({ kind: 'redis', url: process.env.REDIS_URL! }),
    });
  return backends;
}
