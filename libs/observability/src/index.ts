export * from './logging/redaction';
export * from './logging/request-id';
export * from './logging/logger';
export * from './logging/logger.module';
export * from './metrics/metrics';
export * from './metrics/append-metrics';
export * from './metrics/metrics.module';
export * from './metrics/internal-listener';
