import { randomUUID } from 'node:crypto';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { LocalTokenIssuer, type Role } from '@remedy/auth';
import { REMEDY_CONFIG, type RemedyConfig } from '@remedy/config';
import { configureHttpApp, fastifyOptions } from '@remedy/http';
import type { ApiModule as ApiModuleClass } from '../../../apps/api/src/api.module';
import { collectRoutes, type RouteInfo } from '../../support/routes';

export interface RealApi {
  readonly app: NestFastifyApplication;
  /** Every route the app registered (from Fastify's onRoute hook). */
  readonly routes: readonly RouteInfo[];
  readonly issuer: LocalTokenIssuer;
  token(roles: readonly Role[], organisationId?: string): Promise<string>;
  /** app.inject with an optional bearer token. */
  request(token: string | undefined, options: InjectOptions): Promise<LightMyRequestResponse>;
  /** GET on the API's internal listener (metrics, health details); needs METRICS_PORT in env. */
  internal(path: string): Promise<Response>;
  close(): Promise<void>;
}

/**
 * The real API composition (apps/api's ApiModule) in this process, on Fastify with the body limit
 * and conventions of `createHttpApp`. The environment must name its database (DATABASE_URL) and
 * data directory (REMEDY_DATA_DIR) before the call: ApiModule validates the configuration when it
 * is declared, so it is required only here.
 */
export async function startRealApi(env: Record<string, string | undefined>): Promise<RealApi> {
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  process.env.LOG_LEVEL ??= 'silent';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ApiModule } = require('../../../apps/api/src/api.module') as {
    ApiModule: typeof ApiModuleClass;
  };
  const moduleRef = await Test.createTestingModule({ imports: [ApiModule] }).compile();
  const adapter = new FastifyAdapter(fastifyOptions());
  const routes = collectRoutes(adapter);
  const app = moduleRef.createNestApplication<NestFastifyApplication>(adapter, { logger: false });
  configureHttpApp(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const issuer = await LocalTokenIssuer.load({ dataDir: process.env.REMEDY_DATA_DIR! });
  const { host, apiPort } = app.get<RemedyConfig>(REMEDY_CONFIG).internalListener;
  return {
    app,
    routes,
    issuer,
    token: (roles, organisationId = randomUUID()) =>
      issuer.mintToken({ userId: randomUUID(), organisationId, roles }),
    request: (token, options) =>
      app.inject({
        ...options,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(options.headers ?? {}),
        },
      }) as Promise<LightMyRequestResponse>,
    internal: (path) => {
      if (apiPort === null)
        throw new Error('startRealApi: set METRICS_PORT to reach the internal listener');
      return fetch(`http://${host}:${apiPort}${path}`);
    },
    close: () => app.close(),
  };
}

export const OPEN_CASE_BODY = {
  referralSource: 'Hotline',
  profile: { sexGender: 'Masculine', ageUncertain: false, citizenships: ['UA'], languages: ['uk'] },
  personal: { fullName: 'Fault Test Person', birthDate: '1990-04-02' },
};

/** Registers an organisation (as an administrator) and returns its id; throws unless 201. */
export async function registerOrganisation(api: RealApi, code: string): Promise<string> {
  const res = await api.request(await api.token(['admin']), {
    method: 'POST',
    url: '/organisations',
    headers: { 'content-type': 'application/json' },
    payload: {
      name: `Organisation ${code}`,
      type: 'NGO',
      services: ['Accommodation'],
      country: 'AT',
      code,
    },
  });
  if (res.statusCode !== 201)
    throw new Error(`register organisation: ${res.statusCode} ${res.body}`);
  return (res.json() as { organisationId: string }).organisationId;
}
