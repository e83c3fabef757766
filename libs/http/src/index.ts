export * from './problem';
export * from './query';
export * from './validation';
export * from './exception-filter';
export * from './read-your-writes';
export * from './security';
export * from './http-app';
<<<<<<< HEAD
export * from './contract-check';
=======
export * from './openapi';
>>>>>>> main
