/**
 * @remedy/linkage: privacy-preserving record linkage across organisations (issue 19 part 2).
 * Organisation side: the `linkage.cases` projection, the encoder (worker), the shared secret,
 * `GET /cases/{caseId}/linkage`. The linkage unit: `runLinkage` (apps/linkage), as the
 * `remedy_linkage` role on schema `linkage` only. See README.md.
 */
export * from './cases.projection';
export * from './encoder';
export * from './identifiers';
export * from './linkage.module';
export * from './queries';
export * from './secret';
export * from './tokens';
export * from './unit';
export * from './view';
