export { defineProjection, projectionEntities } from './projection';
export { bulkUpsertSql, populateRowsJson, SMALL_BATCH_ROWS } from './set-based';
export { copyInsert, copyObjects, copyUpsert, pgTextArray } from './copy';
export type { CopyValue } from './copy';
export type { ProjectionDefinition } from './projection';
export {
  CHECKPOINT_CHANNEL,
  CHECKPOINT_TABLE,
  CheckpointMovedError,
  CONTROL_CHANNEL,
  ProjectionHandlerError,
} from './checkpoint';
export { ProjectionRunner } from './runner';
export { DEFAULT_CATCH_UP_MIN_LAG, startCatchUp } from './catch-up';
export type { CatchUp, CatchUpOptions } from './catch-up';
export type {
  ProjectionLogger,
  ProjectionRunnerOptions,
  RunnerState,
  RunnerStatus,
} from './runner';
export {
  clearProjection,
  formatRebuildProgress,
  rebuildAllProjections,
  rebuildConnections,
  rebuildProjection,
  rebuildProjections,
} from './rebuild';
export type { RebuildManyOptions, RebuildOptions, RebuildProgress, RebuildReport } from './rebuild';
export { CheckpointWaiter, MAX_WAIT_MS, readCheckpoints, waitForProjection } from './wait';
export type { CheckpointSource } from './wait';
export { projectionStatus } from './status';
export type { ProjectionLag } from './status';
export { PROJECTIONS, ProjectionRunners, ProjectionsModule } from './projections.module';
export type { ProjectionsModuleOptions, RunnerSettings } from './projections.module';
