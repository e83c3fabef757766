export * from './tokens';
export * from './event-store.provider';
export * from './health.service';
export * from './platform.module';
export * from './metrics-sources';
export * from './internal-listener.module';
