/**
 * @remedy/audit: the append-only audit trail of who read or acted on what (DOMAIN.md "Personal
 * data"). Import `AuditModule.forRoot()` in the API's root module.
 */
export * from './audit-entry';
export * from './audit-trail';
export * from './decorators';
export { AuditInterceptor, AuditUnavailableException, routeTemplateOf } from './audit.interceptor';
export { AuditController, AccessHistoryQuery, AuditExportQuery } from './audit.controller';
export { AuditModule } from './audit.module';
export { AuditPageView, AuditRecordView } from './views';
