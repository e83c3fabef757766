import { Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { POLICY_REFUSAL_RECORDER } from '@remedy/access-policy';
import { AuditController } from './audit.controller';
import { AuditInterceptor } from './audit.interceptor';
import { AuditTrail } from './audit-trail';
import { CaseReachQuery } from './case-reach.query';

/**
 * The audit trail of the API: the global AuditInterceptor (every authenticated route, unless
 * @NotAudited), `GET /cases/:caseId/access-history` and `GET /admin/audit-trail`. Needs from the
 * app: a TypeORM DataSource on the database holding `audit_trail` and EVENT_STORE (PlatformModule).
 * Import it once, in the root module.
 */
@Module({})
export class AuditModule {
  static forRoot(): DynamicModule {
    return {
      module: AuditModule,
      controllers: [AuditController],
      providers: [
        {
          provide: AuditTrail,
          inject: [DataSource],
          useFactory: (ds: DataSource) => new AuditTrail(ds),
        },
        CaseReachQuery,
        AuditInterceptor,
        { provide: APP_INTERCEPTOR, useExisting: AuditInterceptor },
        // The access policy's guard records its refusals through it (guards run before
        // interceptors): a refusal before validation is in the trail as any other.
        { provide: POLICY_REFUSAL_RECORDER, useExisting: AuditInterceptor },
      ],
      exports: [AuditTrail, POLICY_REFUSAL_RECORDER],
    };
  }
}
