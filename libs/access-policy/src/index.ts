// Core (no Nest): the CASL ability and the decisions it gives.
export * from './policy';
// Nest adapter: the refusals as the API answers them (404, 403).
export * from './nest/enforce';
// Nest adapter: the route metadata and the global guard deciding before validation.
export * from './nest/policy.decorator';
export * from './nest/policy.guard';
export * from './nest/idempotent-replay';
export * from './nest/access-policy.module';
export * from './nest/route-describer';
