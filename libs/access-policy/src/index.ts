// Core (no Nest): the CASL ability and the decisions it gives.
export * from './policy';
// Nest adapter: the refusals as the API answers them (404, 403).
export * from './nest/enforce';
