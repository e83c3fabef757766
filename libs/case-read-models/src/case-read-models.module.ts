import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { REMEDY_CONFIG, type RemedyConfig } from '@remedy/config';
import { CaseCipher } from '@remedy/crypto';
import { EVENT_STORE, type EventStore } from '@remedy/event-store';
import { CasesController, ReferralsController } from './cases.controller';
import { CaseQueries } from './queries';
import { CASE_QUERIES } from './tokens';

export interface CaseReadModelsOptions {
  /** Clock for "child now" (tests); defaults to the system clock. */
  readonly now?: () => Date;
}

/**
 * The case read API (GET /cases, /cases/:id, /cases/:id/timeline, /cases/:id/as-of, /referrals).
 * Needs, from the app: a TypeORM `DataSource` with `ALL_PROJECTIONS`' entities, `EVENT_STORE`,
 * `REMEDY_CONFIG` (for the jurisdiction's time zone) and a `CaseCipher` provider (class token).
 * The projections themselves (`casesProjection`, `timelineProjection`) run in the worker via
 * `ALL_PROJECTIONS` of @remedy/read-models.
 */
@Module({})
export class CaseReadModelsModule {
  static forRoot(options: CaseReadModelsOptions = {}): DynamicModule {
    const queries: Provider = {
      provide: CASE_QUERIES,
      inject: [DataSource, CaseCipher, EVENT_STORE, REMEDY_CONFIG],
      useFactory: (ds: DataSource, cipher: CaseCipher, store: EventStore, config: RemedyConfig) =>
        new CaseQueries(ds, cipher, store, config.jurisdictionTimeZone, options.now),
    };
    return {
      module: CaseReadModelsModule,
      controllers: [CasesController, ReferralsController],
      providers: [queries],
      exports: [CASE_QUERIES],
    };
  }
}
