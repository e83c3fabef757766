export {
  DATABASE_NAME,
  embeddedDatabaseUrl,
  embeddedPaths,
  startEmbeddedDatabase,
  type EmbeddedDatabase,
} from './embedded-database';
export {
  describeHolder,
  lockDataDir,
  readLockOwner,
  tryLockDataDir,
  type DataDirHolder,
  type DataDirLock,
} from './data-dir-lock';
export {
  clearRunning,
  DATA_DIR_WAIT_MS,
  DataDirBusyError,
  lockDataDirWaiting,
  recordRunning,
  useEmbeddedDatabase,
  type EmbeddedDatabaseUse,
} from './shared-use';
export { freePort, isAlive, isPortFree, isPostmasterOf, sleep, waitUntilDead } from './processes';
