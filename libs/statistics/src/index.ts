export * from './facts';
export * from './pseudonym';
export * from './persons';
export * from './entities';
export {
  STATISTICS_FACTS_PROJECTION,
  statisticsFactsProjection,
  statisticsTimeZone,
} from './facts.projection';
export * from './catalogue';
export * from './release';
export * from './releases';
export * from './reports';
export * from './report-pdf';
export * from './signing';
export * from './htcds';
export * from './rapporteur.guard';
export * from './runtime';
export * from './tokens';
export { StatisticsController, HtcdsExportController } from './statistics.controller';
export {
  StatisticsModule,
  RELEASE_WORKER,
  type StatisticsApiOptions,
  type StatisticsWorkerOptions,
} from './statistics.module';

import { statisticsFactsProjection } from './facts.projection';

/** The statistics' projections (registered in @remedy/read-models ALL_PROJECTIONS). */
export const STATISTICS_PROJECTIONS = [statisticsFactsProjection] as const;
