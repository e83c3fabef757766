import type { Provider } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import {
  PROJECTION_STATUS_SOURCE,
  QUEUE_DEPTH_SOURCE,
  type ProjectionStatusSource,
  type QueueDepth,
  type QueueDepthSource,
} from '@remedy/observability';
import { PROJECTIONS, projectionStatus, type ProjectionDefinition } from '@remedy/projections';
import type { QueueKit } from '@remedy/queue';
import { QUEUE_KIT } from './tokens';

/** The job states `/metrics` reports per queue. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

/** Projection lag computed from the checkpoints and the events table at each scrape. */
export const projectionStatusSource = (
  dataSource: DataSource,
  projections: readonly ProjectionDefinition[],
): ProjectionStatusSource => {
  return async () =>
    (await projectionStatus(dataSource, projections))
      // With EventStoreDB the events are not in this database: no lag to report, rather than 0.
      .filter((l) => l.eventsBehind !== undefined)
      .map((l) => ({
        name: l.projection,
        lagEvents: l.eventsBehind ?? 0,
        lagSeconds: l.secondsBehind ?? 0,
      }));
};

/** Job counts per queue and state, asked of the queue backend at each scrape. */
export const queueDepthSource = (kit: QueueKit, names: readonly string[]): QueueDepthSource => {
  const queues = new Map<string, Queue>();
  return async () => {
    const depths: QueueDepth[] = [];
    for (const name of names) {
      let queue = queues.get(name);
      if (!queue) queues.set(name, (queue = kit.queue(name)));
      const counts = await queue.getJobCounts(...QUEUE_STATES);
      for (const state of QUEUE_STATES)
        depths.push({ queue: name, state, count: counts[state] ?? 0 });
    }
    return depths;
  };
};

export const metricsSourceProviders = (queueNames: readonly string[]): Provider[] => [
  {
    provide: PROJECTION_STATUS_SOURCE,
    inject: [DataSource, PROJECTIONS],
    useFactory: projectionStatusSource,
  },
  {
    provide: QUEUE_DEPTH_SOURCE,
    inject: [QUEUE_KIT],
    useFactory: (kit: QueueKit) => queueDepthSource(kit, queueNames),
  },
];
