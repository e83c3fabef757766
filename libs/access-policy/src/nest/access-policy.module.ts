import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ROUTE_DESCRIBER } from '@remedy/http';
import { PolicyGuard } from './policy.guard';
import { ROUTE_DESCRIBER_FROM_POLICY } from './route-describer';

/**
 * The API's policy enforcement point: a global PolicyGuard (every route's `@Policy…` decided
 * before validation; a route without one refused), and what the policy says of each route for
 * the OpenAPI document (ROUTE_DESCRIBER). Import it in the root module right after
 * AuthModule, so it runs after AuthGuard (it reads the actor AuthGuard sets).
 */
@Module({})
export class AccessPolicyModule {
  static forRoot(): DynamicModule {
    return {
      module: AccessPolicyModule,
      providers: [
        { provide: APP_GUARD, useClass: PolicyGuard },
        // The OpenAPI document says who may call each route from the same policy.
        { provide: ROUTE_DESCRIBER, useValue: ROUTE_DESCRIBER_FROM_POLICY },
      ],
    };
  }
}
