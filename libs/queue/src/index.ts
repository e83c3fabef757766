export * from './queue-kit';
export * from './jobs';
export * from './jobs.module';
export * from './tokens';
export * from './job-runtime';
