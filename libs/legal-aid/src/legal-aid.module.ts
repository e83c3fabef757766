import {
  Module,
  type DynamicModule,
  type InjectionToken,
  type ModuleMetadata,
  type Provider,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CaseReachResolver } from '@remedy/access-policy';
import { REMEDY_CONFIG, type RemedyConfig } from '@remedy/config';
import { CaseCipher } from '@remedy/crypto';
import { EVENT_STORE, type EventStore } from '@remedy/event-store';
import { LegalAidCasesController } from './legal-aid.controller';
import { LegalAidClaimsController } from './claims.controller';
import { LegalAidClaimQueries, LegalAidQueries } from './queries';
import { LEGAL_AID_CLAIM_QUERIES, LEGAL_AID_QUERIES, LEGAL_AID_REACH } from './tokens';

export interface LegalAidModuleOptions {
  /** Clock (tests); defaults to the system clock. */
  readonly now?: () => Date;
  /** Injection token of the app's CaseCipher (default: the `CaseCipher` class); e.g. CASE_CIPHER. */
  readonly cipherToken?: InjectionToken;
  /** Modules that export the cipher token (e.g. CaseCommandsModule). */
  readonly imports?: ModuleMetadata['imports'];
}

/**
 * The legal-aid read API (GET /legal-aid/...). Needs from the app: a TypeORM DataSource with
 * ALL_PROJECTIONS' entities, EVENT_STORE (PlatformModule), REMEDY_CONFIG, and a CaseCipher. The projection runs in the worker through
 * ALL_PROJECTIONS of @remedy/read-models.
 */
@Module({})
export class LegalAidModule {
  static forRoot(options: LegalAidModuleOptions = {}): DynamicModule {
    const queries: Provider = {
      provide: LEGAL_AID_QUERIES,
      inject: [DataSource, options.cipherToken ?? CaseCipher, EVENT_STORE, REMEDY_CONFIG],
      useFactory: (
        dataSource: DataSource,
        cipher: CaseCipher,
        eventStore: EventStore,
        config: RemedyConfig,
      ) =>
        new LegalAidQueries({
          dataSource,
          cipher,
          eventStore,
          timeZone: config.jurisdictionTimeZone,
          referenceRates: config.referenceRates,
          now: options.now,
        }),
    };
    return {
      module: LegalAidModule,
      imports: options.imports ?? [],
      controllers: [LegalAidCasesController, LegalAidClaimsController],
      providers: [
        queries,
        {
          provide: LEGAL_AID_CLAIM_QUERIES,
          inject: [LEGAL_AID_QUERIES],
          useFactory: (q: LegalAidQueries) => new LegalAidClaimQueries(q),
        },
        // The access policy's guard reads the legal-aid reach on the stream, as the view does.
        {
          provide: LEGAL_AID_REACH,
          inject: [LEGAL_AID_QUERIES],
          useFactory: (q: LegalAidQueries): CaseReachResolver => ({
            reachOf: async (organisationId, caseId, scope) =>
              (await q.reach(organisationId, caseId, scope))?.reach,
          }),
        },
      ],
      exports: [LEGAL_AID_QUERIES, LEGAL_AID_CLAIM_QUERIES, LEGAL_AID_REACH],
    };
  }
}
