export * from './logging/redaction';
export * from './logging/request-id';
export * from './logging/logger';
export * from './logging/logger.module';
