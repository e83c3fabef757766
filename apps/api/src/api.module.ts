import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AccessPolicyModule } from '@remedy/access-policy';
import { AuditModule } from '@remedy/audit';
import { AuthModule, CachingTokenVerifier, createTokenVerifier } from '@remedy/auth';
import { AdultDatesAtStartUp, CASE_CIPHER, CaseCommandsModule } from '@remedy/case-commands';
import { CaseReadModelsModule } from '@remedy/case-read-models';
import { LinkageModule } from '@remedy/linkage';
import { CaseRemindersModule, REMINDERS_QUEUE } from '@remedy/case-reminders';
import { CODE_LIST_ROUTES, CodeListsModule } from '@remedy/code-lists';
import { DataSource } from 'typeorm';
import { DataRightsModule, RETENTION_QUEUE } from '@remedy/data-rights';
import { REMEDY_CONFIG, RemedyConfig } from '@remedy/config';
import { ReadYourWritesInterceptor } from '@remedy/http';
import {
  AccountsModule,
  EmbeddedProviderModule,
  embeddedVerifierOptions,
  LoginPagesModule,
} from '@remedy/identity';
import { LegalAidModule } from '@remedy/legal-aid';
import { MetricsModule, ObservabilityLoggerModule } from '@remedy/observability';
import { InternalListenerModule, PlatformModule } from '@remedy/platform';
import { ALL_PROJECTIONS } from '@remedy/read-models';
import { RELEASES_QUEUE, REPORTS_QUEUE, StatisticsModule } from '@remedy/statistics';
import { QueueDashboardModule } from './admin/queue-dashboard.module';
import { ConsoleConfigController } from './console/console-config.controller';
import { HealthController } from './health/health.controller';
import { RowSecurityCheck } from './row-security.check';
import { SessionController } from './session/session.controller';

/** The HTTP process: a thin composition of the libs' modules. */
@Module({
  imports: [
    PlatformModule.forRoot({
      projections: ALL_PROJECTIONS,
      runProjections: false,
      queues: [REMINDERS_QUEUE, RELEASES_QUEUE, REPORTS_QUEUE, RETENTION_QUEUE],
    }),
    ObservabilityLoggerModule.forRootAsync({
      inject: [REMEDY_CONFIG],
      useFactory: (config: RemedyConfig) => ({ level: config.logLevel, app: 'api' }),
    }),
    MetricsModule.forRoot({ app: 'api' }),
    // /metrics and detailed /health for operators, apart from the public port (METRICS_*).
    InternalListenerModule.forRoot({ app: 'api' }),
    AuthModule.forRootAsync({
      inject: [REMEDY_CONFIG, DataSource],
      // The local issuer (while AUTH_LOCAL_TOKENS), plus the OIDC provider of the OIDC_* settings
      // when set, or else the embedded provider (its keys read from its key store, not fetched
      // from /oidc/jwks). Deactivated accounts are refused after verification (AccountsModule).
      // Successful checks are remembered per exact token for a minute (expiry re-checked on every
      // hit; failures never cached): one signature check per token per minute, not per request.
      useFactory: async (config: RemedyConfig, dataSource: DataSource) =>
        new CachingTokenVerifier(
          await createTokenVerifier({
            dataDir: config.dataDir,
            oidc: config.oidc,
            localTokens: config.identity.localTokens,
            embedded: embeddedVerifierOptions(config, dataSource),
          }),
        ),
    }),
    // The embedded OpenID provider at /oidc while OIDC_ISSUER is unset (issue 15); needs the
    // accounts (IDENTITY_ACCOUNTS) and takes the login pages' hooks (PROVIDER_PAGES).
    EmbeddedProviderModule.forRoot(),
    // Its login pages (sign-in, second factor, one-time link, password change) under /oidc, and
    // its error and logout pages (PROVIDER_PAGES) in the person's language.
    LoginPagesModule.forRoot(),
    // The access policy of every route, decided before validation (after AuthGuard: imported
    // after AuthModule); a route without one is refused.
    AccessPolicyModule.forRoot(),
    CqrsModule.forRoot(),
    // The embedded provider's accounts: user administration, deactivated accounts refused.
    AccountsModule.forRoot(),
    // Every authenticated request appends to the audit trail before it is answered.
    AuditModule.forRoot(),
    CaseCommandsModule,
    CaseReadModelsModule.forRoot({ imports: [CaseCommandsModule], cipherToken: CASE_CIPHER }),
    // GET /cases/{caseId}/linkage: a probable match elsewhere, with the person's consent only.
    LinkageModule.forApi(),
    CaseRemindersModule.forApi(),
    LegalAidModule.forRoot({ imports: [CaseCommandsModule], cipherToken: CASE_CIPHER }),
    // The access request export and the retention schedule setting.
    DataRightsModule.forApi({ imports: [CaseCommandsModule], cipherToken: CASE_CIPHER }),
    StatisticsModule.forApi({
      imports: [CaseCommandsModule],
      cipherToken: CASE_CIPHER,
      // A national rapporteur reads its own identity and the code lists' labels (no case data).
      rapporteurAlsoMay: ['GET /session', 'PUT /session/language', ...CODE_LIST_ROUTES],
    }),
    // The code lists with their labels in the six UN languages.
    CodeListsModule,
    QueueDashboardModule.forRoot({
      queues: [REMINDERS_QUEUE, RELEASES_QUEUE, REPORTS_QUEUE, RETENTION_QUEUE],
    }),
  ],
  controllers: [HealthController, SessionController, ConsoleConfigController],
  providers: [
    { provide: APP_INTERCEPTOR, useClass: ReadYourWritesInterceptor },
    RowSecurityCheck,
    // case_adult_dates in line with the streams, in the background (cases that need it only).
    AdultDatesAtStartUp,
  ],
})
export class ApiModule {}
