import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PolicyGuard } from './policy.guard';

/**
 * The API's policy enforcement point: a global PolicyGuard (every route's `@Policy…` decided
 * before validation; a route without one refused). Import it in the root module right after
 * AuthModule, so it runs after AuthGuard (it reads the actor AuthGuard sets).
 */
@Module({})
export class AccessPolicyModule {
  static forRoot(): DynamicModule {
    return {
      module: AccessPolicyModule,
      providers: [{ provide: APP_GUARD, useClass: PolicyGuard }],
    };
  }
}
