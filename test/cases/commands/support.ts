import { randomUUID } from 'node:crypto';
import {
  CASE_CIPHER,
  CaseCommandsModule,
  organisationDirectoryProjection,
} from '@remedy/case-commands';
import {
  CaseReadModelsModule,
  casesProjection,
  timelineProjection,
} from '@remedy/case-read-models';
import {
  createApiApp,
  type ApiAppOptions,
  type ApiApp,
  type TestUser,
} from '../../support/api-app';
import { perSuite } from '../../support/per-suite';

export { type ApiApp, type TestUser };

/** Modules, projections and provider overrides a suite adds to the command side. */
export type AppPart = Partial<Pick<ApiAppOptions, 'modules' | 'projections' | 'overrides'>>;

/**
 * The command side on a fresh database, with the organisation directory projection running, and
 * the `parts` the suite adds (their modules and projections after the command side's).
 */
export const createCommandsApp = (...parts: AppPart[]) =>
  createApiApp({
    modules: [CaseCommandsModule, ...parts.flatMap((p) => p.modules ?? [])],
    projections: [organisationDirectoryProjection, ...parts.flatMap((p) => p.projections ?? [])],
    overrides: parts.flatMap((p) => p.overrides ?? []),
    env: { REMEDY_JURISDICTION_TIMEZONE: 'Europe/Vienna' },
  });

/** The case read side (case list, timeline), as a part of the command-side app. */
export const caseReadSide = (): AppPart => ({
  modules: [
    CaseReadModelsModule.forRoot({ imports: [CaseCommandsModule], cipherToken: CASE_CIPHER }),
  ],
  projections: [casesProjection, timelineProjection],
});

/** The command side for the enclosing describe block: started before its tests, closed after them. */
export const commandsAppPerSuite = () => perSuite(() => createCommandsApp());

let codeCounter = 0;
/** A fresh organisation code (2-10 upper-case letters/digits, starting with a letter). */
export const freshCode = (): string => `T${process.pid % 1000}X${++codeCounter}`.slice(0, 10);

/** Registers an organisation through the API (as an administrator) and returns its id and code. */
export async function registerOrganisation(
  api: ApiApp,
  admin: TestUser,
  overrides: Record<string, unknown> = {},
): Promise<{ organisationId: string; code: string; position: string }> {
  const code = (overrides.code as string | undefined) ?? freshCode();
  const res = await api.post(admin, '/organisations', {
    name: `Organisation ${code}`,
    type: 'NGO',
    services: ['Accommodation', 'LegalCounselling'],
    country: 'AT',
    code,
    ...overrides,
  });
  if (res.statusCode !== 201)
    throw new Error(`register organisation: ${res.statusCode} ${res.body}`);
  const body = res.json();
  return { organisationId: body.organisationId, code, position: body.position };
}

/** An organisation of the directory with a caseworker, a supervisor and others. */
export async function organisationWithStaff(
  api: ApiApp,
  admin: TestUser,
  overrides: Record<string, unknown> = {},
) {
  const org = await registerOrganisation(api, admin, overrides);
  return {
    ...org,
    caseworker: await api.user(['caseworker'], org.organisationId),
    supervisor: await api.user(['supervisor'], org.organisationId),
    rapporteur: await api.user(['rapporteur'], org.organisationId),
    legalAid: await api.user(['legal_aid'], org.organisationId),
    admin: await api.user(['admin'], org.organisationId),
  };
}

export type OrganisationWithStaff = Awaited<ReturnType<typeof organisationWithStaff>>;

/** A legal service (legal representation) of the directory, with its staff. */
export const legalServiceWithStaff = (api: ApiApp, admin: TestUser) =>
  organisationWithStaff(api, admin, { type: 'LegalService', services: ['LegalRepresentation'] });

export const openCaseBody = (overrides: Record<string, unknown> = {}) => ({
  referralSource: 'Hotline',
  profile: { sexGender: 'Masculine', ageUncertain: false, citizenships: ['UA'], languages: ['uk'] },
  personal: { fullName: 'Test Person', birthDate: '1990-04-02' },
  ...overrides,
});

export async function openCase(
  api: ApiApp,
  user: TestUser,
  body: Record<string, unknown> = openCaseBody(),
) {
  const res = await api.post(user, '/cases', body);
  if (res.statusCode !== 201) throw new Error(`open case: ${res.statusCode} ${res.body}`);
  return res.json() as {
    caseId: string;
    caseReference: string;
    revision: number;
    position: string;
  };
}

export async function eventCount(api: ApiApp, streamId?: string): Promise<number> {
  const { rows } = streamId
    ? await api.pool.query('SELECT count(*)::int AS n FROM events WHERE stream_id = $1', [streamId])
    : await api.pool.query('SELECT count(*)::int AS n FROM events');
  return rows[0].n;
}

export const newId = randomUUID;
