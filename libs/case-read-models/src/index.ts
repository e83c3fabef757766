export * from './age';
export * from './cursor';
export * from './entities';
export {
  CASES_PROJECTION,
  casesProjection,
  foldCaseRow,
  foldReferrals,
  type CaseFacts,
} from './cases.projection';
export { TIMELINE_PROJECTION, timelineProjection, timelineRow } from './timeline.projection';
export * from './queries';
export * from './views';
export * from './tokens';
export { CasesController, ReferralsController } from './cases.controller';
export { DASHBOARD_PROJECTION, dashboardProjection } from './dashboard/dashboard.projection';
export * from './dashboard/facts';
export * from './dashboard/figures';
export * from './dashboard/views';
export { DashboardQueries, shortId } from './dashboard/queries';
export { DASHBOARD_QUERIES, DashboardController } from './dashboard/dashboard.controller';
export { DashboardCaseFactEntity, DashboardReferralEntity } from './dashboard/entities';
export { CaseReadModelsModule, type CaseReadModelsOptions } from './case-read-models.module';

import { casesProjection } from './cases.projection';
import { timelineProjection } from './timeline.projection';
import { dashboardProjection } from './dashboard/dashboard.projection';

/** The case read side's projections (registered in @remedy/read-models ALL_PROJECTIONS). */
export const CASE_READ_PROJECTIONS = [
  casesProjection,
  timelineProjection,
  dashboardProjection,
] as const;
