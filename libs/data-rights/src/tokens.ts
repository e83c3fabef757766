/** Injection tokens of @remedy/data-rights. */
export const ACCESS_REQUEST_EXPORTER = Symbol('ACCESS_REQUEST_EXPORTER');
export const RETENTION_SCHEDULES = Symbol('RETENTION_SCHEDULES');
export const RETENTION_RUNTIME = Symbol('RETENTION_RUNTIME');
