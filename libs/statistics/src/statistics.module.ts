import {
  Module,
  type DynamicModule,
  type InjectionToken,
  type ModuleMetadata,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { REMEDY_CONFIG, type RemedyConfig } from '@remedy/config';
import { CaseCipher } from '@remedy/crypto';
import { EVENT_STORE, type EventStore } from '@remedy/event-store';
import { expectJobs, JobsModule, nestJobLogger, QUEUE_KIT, type QueueKit } from '@remedy/queue';
import { HTCDS_EXPORT_AUDIT, noHtcdsExportAudit } from './htcds';
import { RAPPORTEUR_ALSO_MAY, RapporteurScopeGuard } from './rapporteur.guard';
import { RELEASES_QUEUE, StatisticsReleases, type ReleaseJobData } from './releases';
import {
  REPORTS_QUEUE,
  StatisticsReports,
  type ReportJobData,
  type ReportPrinterPort,
} from './reports';
import { RELEASE_JOBS, ReleaseWorkerRuntime } from './runtime';
import { ReleaseSigner } from './signing';
import { HtcdsExportController, StatisticsController } from './statistics.controller';
import { HTCDS_CIPHER, RELEASE_SIGNER, STATISTICS_RELEASES, STATISTICS_REPORTS } from './tokens';

export interface StatisticsApiOptions {
  /** The injection token of the app's CaseCipher (default: the `CaseCipher` class), for the HTCDS export. */
  readonly cipherToken?: InjectionToken;
  /** Modules that export the cipher token. */
  readonly imports?: ModuleMetadata['imports'];
  /** Routes (`METHOD /template`) a rapporteur-only actor may call besides the statistics. Default `GET /session`. */
  readonly rapporteurAlsoMay?: readonly string[];
  /** Privacy budget (ε) per reporting year for differential-privacy releases, a decimal string. Default `1`. */
  readonly epsilonBudgetPerYear?: string;
}

export interface StatisticsWorkerOptions {
  /** The built console whose report.html prints the national reports. Default `<repo>/dist/web` (`npm run build`). */
  readonly consoleDir?: string;
  /** What prints the reports (default: ReportPrinter over `consoleDir`); tests inject failures. */
  readonly printer?: ReportPrinterPort;
}

export const RELEASE_WORKER = Symbol('RELEASE_WORKER');

/**
 * Statistics for national rapporteurs and the HTCDS export.
 * `forApi(options)`: GET /statistics/tables, POST /statistics/releases, GET /statistics/releases/:id(.json|.csv),
 * POST /statistics/releases/:id/reports, GET /statistics/releases/:id/reports/:language (the PDF),
 * GET /statistics/public-key, GET /exports/htcds.csv, and the global RapporteurScopeGuard. Needs the
 * DataSource, EVENT_STORE, QUEUE_KIT and REMEDY_CONFIG (global from PlatformModule) and a CaseCipher.
 * `forWorker()`: the release builder (its `@JobHandler` on `statistics-releases`, run by JobsModule)
 * and the national reports' printer (`statistics-reports`).
 * The fact projection (`statisticsFactsProjection`) runs in the worker through ALL_PROJECTIONS.
 */
@Module({})
export class StatisticsModule {
  static forApi(options: StatisticsApiOptions = {}): DynamicModule {
    return {
      module: StatisticsModule,
      imports: options.imports ?? [],
      controllers: [StatisticsController, HtcdsExportController],
      providers: [
        {
          provide: STATISTICS_RELEASES,
          inject: [DataSource, QUEUE_KIT, EVENT_STORE, REMEDY_CONFIG],
          useFactory: (ds: DataSource, kit: QueueKit, store: EventStore, config: RemedyConfig) =>
            new StatisticsReleases(ds, kit.queue<ReleaseJobData>(RELEASES_QUEUE), store, {
              epsilonBudgetPerYear: options.epsilonBudgetPerYear,
              eventsInPostgres: !config.eventStoreConnectionString,
            }),
        },
        {
          provide: STATISTICS_REPORTS,
          inject: [DataSource, QUEUE_KIT],
          useFactory: (ds: DataSource, kit: QueueKit) =>
            new StatisticsReports(ds, kit.queue<ReportJobData>(REPORTS_QUEUE)),
        },
        {
          provide: RELEASE_SIGNER,
          inject: [REMEDY_CONFIG],
          useFactory: (config: RemedyConfig) => ReleaseSigner.load(config.dataDir),
        },
        { provide: HTCDS_CIPHER, useExisting: options.cipherToken ?? CaseCipher },
        { provide: HTCDS_EXPORT_AUDIT, useValue: noHtcdsExportAudit },
        { provide: RAPPORTEUR_ALSO_MAY, useValue: options.rapporteurAlsoMay ?? ['GET /session'] },
        { provide: APP_GUARD, useClass: RapporteurScopeGuard },
      ],
      exports: [STATISTICS_RELEASES, STATISTICS_REPORTS, RELEASE_SIGNER],
    };
  }

  static forWorker(options: StatisticsWorkerOptions = {}): DynamicModule {
    return {
      module: StatisticsModule,
      imports: [JobsModule],
      providers: [
        {
          provide: RELEASE_WORKER,
          inject: [DataSource, QUEUE_KIT, EVENT_STORE, REMEDY_CONFIG],
          useFactory: async (
            dataSource: DataSource,
            kit: QueueKit,
            eventStore: EventStore,
            config: RemedyConfig,
          ) =>
            new ReleaseWorkerRuntime({
              dataSource,
              kit,
              eventStore,
              signer: await ReleaseSigner.load(config.dataDir),
              consoleDir: options.consoleDir,
              printer: options.printer,
              discovered: true,
              logger: nestJobLogger('StatisticsReleases'),
            }),
        },
        expectJobs('statistics', RELEASE_JOBS),
      ],
      exports: [RELEASE_WORKER],
    };
  }
}
