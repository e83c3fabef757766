import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { configureHttpApp } from '@remedy/http';
import type { ApiModule as ApiModuleClass } from '../../apps/api/src/api.module';
import { createTestDatabase, TestDatabase } from '../support/database';
import { collectRoutes, concreteUrl, RouteInfo } from '../support/routes';

/** The real API module: every route it registers, but the public list, needs a valid token. */
const PUBLIC = new Set(['/health', '/health/ready', '/docs-json', '/docs/*', '/docs', '/docs/']);

describe('every route of the API requires identity, except the public list', () => {
  let db: TestDatabase;
  let dataDir: string;
  let app: NestFastifyApplication;
  let routes: RouteInfo[];

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'remedy-routes-'));
    process.env.DATABASE_URL = db.url;
    process.env.REMEDY_DATA_DIR = dataDir;
    process.env.LOG_LEVEL = 'silent';
    delete process.env.REDIS_URL;
    delete process.env.EVENTSTORE_CONNECTION_STRING;
    // Imported only now: ConfigModule validates the environment when the module is declared.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ApiModule } = require('../../apps/api/src/api.module') as {
      ApiModule: typeof ApiModuleClass;
    };
    const moduleRef = await Test.createTestingModule({ imports: [ApiModule] }).compile();
    const adapter = new FastifyAdapter();
    routes = collectRoutes(adapter);
    app = moduleRef.createNestApplication<NestFastifyApplication>(adapter, { logger: false });
    configureHttpApp(app);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 401 without a token, or with a malformed one, on every non-public route', async () => {
    const guarded = routes.filter((r) => !PUBLIC.has(r.url) && !r.url.startsWith('/docs'));
    expect(routes.map((r) => r.url)).toEqual(
      expect.arrayContaining(['/health', '/health/ready', '/docs-json']),
    );
    for (const r of guarded) {
      const url = concreteUrl(r.url, randomUUID());
      const method = r.method as 'GET';
      const anonymous = await app.inject({
        method,
        url,
        payload: method === 'GET' ? undefined : {},
      });
      expect({ route: `${r.method} ${r.url}`, status: anonymous.statusCode }).toEqual({
        route: `${r.method} ${r.url}`,
        status: 401,
      });
      const forged = await app.inject({
        method,
        url,
        headers: { authorization: 'Bearer e30.e30.' },
      });
      expect(forged.statusCode).toBe(401);
    }
  });

  it('keeps the public routes open, and has no /metrics (it is on the internal listener)', async () => {
    for (const url of ['/health', '/docs-json'])
      expect((await app.inject({ method: 'GET', url })).statusCode).toBe(200);
    expect(routes.map((r) => r.url)).not.toContain('/metrics');
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
  });
});
