export * from './queue-kit';
