export * from './entities';
export * from './access';
export * from './personal';
export { foldLegalAidCase, LEGAL_AID_CASE_EVENT_TYPES } from './cases.projection';
export { legalAidProjection, LEGAL_AID_PROJECTION } from './legal-aid.projection';
export * from './queries';
export * from './tokens';
export * from './reminders';
export * from './outcomes';
export * from './outcomes.query';
export { LegalAidCasesController } from './legal-aid.controller';
export { LegalAidClaimsController } from './claims.controller';
export * from './claim-views';
export * from './views';
export { claimDeadlines, foldClaim, CLAIM_EVENT_TYPES } from './claims.projection';
export { LegalAidModule, type LegalAidModuleOptions } from './legal-aid.module';

import { legalAidProjection } from './legal-aid.projection';

/** The legal-aid read side's projections (registered in @remedy/read-models ALL_PROJECTIONS). */
export const LEGAL_AID_PROJECTIONS = [legalAidProjection] as const;
