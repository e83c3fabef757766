import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AuthModule, IssuerVerifierList, LocalTokenIssuer } from '@remedy/auth';
import { REMEDY_CONFIG, RemedyConfig } from '@remedy/config';
import { ReadYourWritesInterceptor } from '@remedy/http';
import { PlatformModule } from '@remedy/platform';
import { HealthController } from './health/health.controller';
import { SessionController } from './session/session.controller';
import { ALL_PROJECTIONS } from '@remedy/read-models';

/** The HTTP process: a thin composition of the libs' modules. */
@Module({
  imports: [
    PlatformModule.forRoot({ projections: ALL_PROJECTIONS, runProjections: false }),
    AuthModule.forRootAsync({
      inject: [REMEDY_CONFIG],
      useFactory: async (config: RemedyConfig) =>
        new IssuerVerifierList([await LocalTokenIssuer.load({ dataDir: config.dataDir })]),
    }),
    CqrsModule.forRoot(),
  ],
  controllers: [HealthController, SessionController],
  providers: [{ provide: APP_INTERCEPTOR, useClass: ReadYourWritesInterceptor }],
})
export class ApiModule {}
