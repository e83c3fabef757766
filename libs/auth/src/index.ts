// Core (no Nest): actors and roles, errors, verifiers, the local issuer.
export * from './actor';
export * from './errors';
export * from './verifier';
export * from './local-issuer';
export * from './oidc';
// Nest adapter: global guard, @Public(), @CurrentActor(), AuthModule.
export * from './nest/decorators';
export * from './nest/auth.guard';
export * from './nest/deactivated';
export * from './nest/staff-names';
export * from './nest/auth.module';
