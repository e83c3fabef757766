import {
  Module,
  type DynamicModule,
  type InjectionToken,
  type ModuleMetadata,
  type Provider,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CASE_REACH, type CaseReachResolver } from '@remedy/access-policy';
import { REMEDY_CONFIG, type RemedyConfig } from '@remedy/config';
import { CaseCipher } from '@remedy/crypto';
import { EVENT_STORE, type EventStore } from '@remedy/event-store';
import { CasesController, ReferralsController } from './cases.controller';
import { DASHBOARD_QUERIES, DashboardController } from './dashboard/dashboard.controller';
import { DashboardQueries } from './dashboard/queries';
import { CaseQueries } from './queries';
import { CASE_QUERIES } from './tokens';

export interface CaseReadModelsOptions {
  /** Clock for "child now" (tests); defaults to the system clock. */
  readonly now?: () => Date;
  /**
   * The injection token of the app's CaseCipher (default: the `CaseCipher` class). With the
   * command side: `{ imports: [CaseCommandsModule], cipherToken: CASE_CIPHER }` (both from
   * @remedy/case-commands), so one cipher (one key cache, one erasure listener) serves both.
   */
  readonly cipherToken?: InjectionToken;
  /** Modules that export the cipher token. */
  readonly imports?: ModuleMetadata['imports'];
}

/**
 * The case read API (GET /cases, /cases/:id, /cases/:id/timeline, /cases/:id/as-of, /referrals,
 * /dashboard/supervisor).
 * Needs, from the app: a TypeORM `DataSource` with `ALL_PROJECTIONS`' entities, `EVENT_STORE`,
 * `REMEDY_CONFIG` (for the jurisdiction's time zone) and a CaseCipher (see `cipherToken`).
 * The projections themselves (`casesProjection`, `timelineProjection`, `dashboardProjection`) run in the worker via
 * `ALL_PROJECTIONS` of @remedy/read-models.
 */
@Module({})
export class CaseReadModelsModule {
  static forRoot(options: CaseReadModelsOptions = {}): DynamicModule {
    const queries: Provider = {
      provide: CASE_QUERIES,
      inject: [DataSource, options.cipherToken ?? CaseCipher, EVENT_STORE, REMEDY_CONFIG],
      useFactory: (ds: DataSource, cipher: CaseCipher, store: EventStore, config: RemedyConfig) =>
        new CaseQueries(ds, cipher, store, config.jurisdictionTimeZone, options.now),
    };
    return {
      module: CaseReadModelsModule,
      imports: options.imports ?? [],
      controllers: [CasesController, ReferralsController, DashboardController],
      providers: [
        queries,
        {
          provide: DASHBOARD_QUERIES,
          inject: [DataSource, REMEDY_CONFIG],
          useFactory: (ds: DataSource, config: RemedyConfig) =>
            new DashboardQueries(ds, config.jurisdictionTimeZone, options.now),
        },
        // The access policy's guard reads a case's reach with the same stream fold as the reads.
        {
          provide: CASE_REACH,
          inject: [CASE_QUERIES],
          useFactory: (q: CaseQueries): CaseReachResolver => ({
            reachOf: (organisationId, caseId, scope) => q.reachOf(organisationId, caseId, scope),
          }),
        },
      ],
      exports: [CASE_QUERIES, CASE_REACH],
    };
  }
}
