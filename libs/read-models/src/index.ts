import type { ProjectionDefinition } from '@remedy/projections';
import { CASE_READ_PROJECTIONS } from '@remedy/case-read-models';
import { organisationDirectoryProjection } from '@remedy/case-commands';
import { LEGAL_AID_PROJECTIONS } from '@remedy/legal-aid';
import { linkageCasesProjection } from '@remedy/linkage';
import { STATISTICS_PROJECTIONS } from '@remedy/statistics';

/**
 * Every projection of the system. The worker runs them; the API serves their read models and
 * waits on their checkpoints (read your writes). Adding a read model = adding it here (and its
 * migration): both processes pick it up.
 */
export const ALL_PROJECTIONS: readonly ProjectionDefinition[] = [
  ...CASE_READ_PROJECTIONS,
  organisationDirectoryProjection,
  ...LEGAL_AID_PROJECTIONS,
  ...STATISTICS_PROJECTIONS,
  // Which cases are encoded for record linkage (the worker's LinkageEncoder encodes them).
  linkageCasesProjection,
];
