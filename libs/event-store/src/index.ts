export * from './port';
export * from './postgres';
export * from './eventstoredb';
export * from './retry';
