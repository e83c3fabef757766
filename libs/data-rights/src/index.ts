/**
 * @remedy/data-rights: the person's rights over their data (DOMAIN.md "Personal data"): the
 * access request export and the retention schedule per organisation (erasure N years after
 * closure, through the application's erase command). Import `DataRightsModule.forApi()` in the
 * API and `DataRightsModule.forWorker()` in the worker.
 */
export * from './access-request';
export { AccessRequestController } from './access-request.controller';
export * from './retention/schedule';
export * from './retention/runtime';
export { RetentionController, RetentionScheduleDto } from './retention/retention.controller';
export * from './tokens';
export {
  DataRightsModule,
  eraseThroughCommand,
  RETENTION_ERASE_AUDIT_ROUTE,
  RETENTION_SYSTEM_USER_ID,
  type DataRightsModuleOptions,
  type RetentionWorkerOptions,
} from './data-rights.module';
