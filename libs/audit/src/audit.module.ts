import { Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AuditController } from './audit.controller';
import { AuditInterceptor } from './audit.interceptor';
import { AuditTrail } from './audit-trail';

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
        { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
      ],
      exports: [AuditTrail],
    };
  }
}
