import type { ProjectionDefinition } from '@remedy/projections';

/** Every projection whose read models the API serves (the worker runs the same list). */
export const API_PROJECTIONS: readonly ProjectionDefinition[] = [];
