import type { EntityManager, EntitySchema } from 'typeorm';
import type { RecordedEvent } from '@remedy/event-store';

/**
 * A projection: a plain object, not a class hierarchy.
 *
 * - `name` is stable (it keys the checkpoint row and the advisory lock): lower-case letters,
 *   digits, `_`, `.`, `-`; renaming a projection means a new projection (rebuilt from scratch).
 * - `eventTypes` are the only types the runner subscribes to (the store filters; the runner
 *   checks again). The checkpoint still advances over other events.
 * - `apply` writes the read model for one batch (events in global order) through `em`, which is
 *   bound to the batch's transaction: the same transaction stores the checkpoint, so a crash at
 *   any point either keeps the whole batch and its checkpoint, or neither. Never open another
 *   connection or transaction in `apply`, and never perform side effects outside the database
 *   (send mail, enqueue jobs): those belong to process managers, not projections.
 * - `clear` deletes every row the projection owns (for rebuilds); `entities` lists the TypeORM
 *   entities (classes or `EntitySchema`s) it owns, so the app's DataSource can register them.
 *   Their tables are created by migrations (never `synchronize`).
 *
 * Idempotency by stream revision (the pattern every projection follows): each read-model row
 * derived from one stream stores the revision of the last event of that stream it applied
 * (`last_revision`), and `apply` skips an event whose revision is not greater. The runner's
 * atomic checkpoint already guarantees exactly-once application; the revision guard is the
 * second line of defence that keeps a read model right if a batch is ever replayed on top of
 * existing rows (a checkpoint restored from a backup older than the rows, a manual reset
 * without a clear). See `test/projections/support/counter-projection.ts` for an example:
 *
 *   INSERT ... ON CONFLICT (stream_id) DO UPDATE SET ..., last_revision = EXCLUDED.last_revision
 *   WHERE read_model.last_revision < EXCLUDED.last_revision
 *
 * Personal data: a read model that holds personal data must be erasable (the erasure event is
 * itself projected); error messages thrown from `apply` are logged, so they must carry opaque
 * ids only.
 */
export interface ProjectionDefinition {
  readonly name: string;
  readonly eventTypes: readonly string[];
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own entity type
  readonly entities: readonly (Function | EntitySchema<any>)[];
  apply(events: readonly RecordedEvent[], em: EntityManager): Promise<void>;
  clear(em: EntityManager): Promise<void>;
  /** Events per batch (and per transaction); default 500. */
  readonly batchSize?: number;
  /**
   * Its rows carry consent-based grants that row-level security reads (who may see a row besides
   * its holder): commands that grant access wait for it before answering (`@GrantsAccess()` of
   * @remedy/http, fed by PlatformModule), so the receiver's next read sees the grant.
   */
  readonly carriesAccess?: boolean;
}

const NAME = /^[a-z][a-z0-9_.-]{0,62}$/;

/** Checks a definition once, where it is declared, and returns it unchanged. */
export function defineProjection<P extends ProjectionDefinition>(projection: P): P {
  if (!NAME.test(projection.name)) {
    throw new Error(
      `Projection name "${projection.name}" is invalid: use 1-63 characters of a-z, 0-9, "_", ".", "-", starting with a letter`,
    );
  }
  if (projection.eventTypes.length === 0) {
    throw new Error(`Projection ${projection.name} handles no event types`);
  }
  if (
    projection.batchSize !== undefined &&
    (!Number.isInteger(projection.batchSize) || projection.batchSize < 1)
  ) {
    throw new Error(`Projection ${projection.name}: batchSize must be a positive integer`);
  }
  return projection;
}

/** Every entity owned by these projections: pass to the DataSource (or TypeOrmModule) options. */
export function projectionEntities(projections: readonly ProjectionDefinition[]) {
  return projections.flatMap((p) => [...p.entities]);
}
