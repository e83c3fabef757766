import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { REMEDY_CONFIG, RemedyConfig } from '@remedy/config';
import { EVENT_STORE, EventStore, formatPosition } from '@remedy/event-store';
import { PROJECTIONS, ProjectionDefinition, projectionStatus } from '@remedy/projections';
import { QueueKit } from '@remedy/queue';
import { QUEUE_KIT } from './tokens';

export interface DependencyHealth {
  readonly status: 'up' | 'down';
  readonly kind: string;
  readonly detail?: string;
}

export interface ProjectionHealth {
  readonly name: string;
  readonly position: string | null;
  readonly eventsBehind: number | null;
  readonly secondsBehind: number | null;
  readonly status: 'ok' | 'lagging' | 'unknown';
}

export interface HealthReport {
  readonly status: 'ok' | 'degraded';
  readonly database: DependencyHealth;
  readonly eventStore: DependencyHealth & { readonly head?: string };
  readonly queue: DependencyHealth;
  readonly projections: readonly ProjectionHealth[];
}

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout<T>(p: Promise<T>, ms = CHECK_TIMEOUT_MS): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref(),
    ),
  ]);
}

const reason = (e: unknown) =>
  e instanceof Error ? (e.name === 'Error' ? e.message : e.name) : 'error';

/**
 * Health of every dependency and projection, computed from the stores on each call. The details
 * (kinds, event store head, positions, lag) are for operators: the internal listener serves them
 * (InternalListenerModule); the public `/health` answers the status only.
 */
@Injectable()
export class HealthService {
  constructor(
    @Inject(REMEDY_CONFIG) private readonly config: RemedyConfig,
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(QUEUE_KIT) private readonly queues: QueueKit,
    @Inject(PROJECTIONS) private readonly projections: readonly ProjectionDefinition[],
  ) {}

  async report(): Promise<HealthReport> {
    const [database, eventStore, queue, projections] = await Promise.all([
      this.database(),
      this.eventStoreHealth(),
      this.queue(),
      this.projectionHealth(),
    ]);
    const ok =
      database.status === 'up' &&
      eventStore.status === 'up' &&
      queue.status === 'up' &&
      projections.every((p) => p.status === 'ok');
    return { status: ok ? 'ok' : 'degraded', database, eventStore, queue, projections };
  }

  /** Ready to serve: every dependency up and no projection lagging beyond PROJECTION_READY_MAX_LAG_SECONDS. */
  static isReady(report: HealthReport): boolean {
    return (
      report.database.status === 'up' &&
      report.eventStore.status === 'up' &&
      report.queue.status === 'up' &&
      !report.projections.some((p) => p.status === 'lagging')
    );
  }

  private async database(): Promise<DependencyHealth> {
    const kind =
      this.config.deployment.database === 'embedded' ? 'postgresql (embedded)' : 'postgresql';
    try {
      await withTimeout(this.dataSource.query('SELECT 1'));
      return { status: 'up', kind };
    } catch (e) {
      return { status: 'down', kind, detail: reason(e) };
    }
  }

  private async eventStoreHealth(): Promise<DependencyHealth & { head?: string }> {
    const kind = this.config.deployment.eventStore;
    try {
      const head = await withTimeout(this.eventStore.headPosition());
      return { status: 'up', kind, head: formatPosition(head) };
    } catch (e) {
      return { status: 'down', kind, detail: reason(e) };
    }
  }

  private async queue(): Promise<DependencyHealth> {
    const kind = this.queues.backend;
    try {
      await withTimeout(this.queues.ping());
      return { status: 'up', kind };
    } catch (e) {
      return { status: 'down', kind, detail: reason(e) };
    }
  }

  private async projectionHealth(): Promise<ProjectionHealth[]> {
    const maxLag = this.config.projectionReadyMaxLagSeconds;
    try {
      const lags = await withTimeout(
        projectionStatus(this.dataSource, this.projections, { maxCount: 100_000 }),
      );
      return lags.map((l) => ({
        name: l.projection,
        position: l.checkpoint ? formatPosition(l.checkpoint) : null,
        eventsBehind: l.eventsBehind ?? null,
        secondsBehind: l.secondsBehind ?? null,
        status:
          l.secondsBehind === undefined
            ? l.checkpoint
              ? 'ok'
              : 'unknown'
            : l.secondsBehind > maxLag
              ? 'lagging'
              : 'ok',
      }));
    } catch {
      return this.projections.map((p) => ({
        name: p.name,
        position: null,
        eventsBehind: null,
        secondsBehind: null,
        status: 'unknown' as const,
      }));
    }
  }
}
