import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, type TestingModule } from '@nestjs/testing';
import { Client } from 'pg';
import { RowSecurityNotEnforcedError } from '@remedy/database';
import type { ApiModule as ApiModuleClass } from '../../apps/api/src/api.module';
import { setEnvironment } from '../faults/support/real-api';
import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * The real ApiModule refuses to start when its reads would not be fenced by row-level security.
 * The roles are cluster-wide (shared with every other test database), so the fault is made in
 * this database only: row-level security switched off on `case_list`.
 */
describe('the API at start-up (real ApiModule, PostgreSQL)', () => {
  let db: TestDatabase;
  let dataDir: string;
  let moduleRef: TestingModule | undefined;
  let api: NestFastifyApplication | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'remedy-rls-start-'));
    setEnvironment({
      DATABASE_URL: db.url,
      REMEDY_DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      REDIS_URL: undefined,
      EVENTSTORE_CONNECTION_STRING: undefined,
    });
  });

  afterEach(async () => {
    await api?.close().catch(() => undefined);
    await moduleRef?.close().catch(() => undefined);
    api = undefined;
    moduleRef = undefined;
  });

  afterAll(async () => {
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async () => {
    // Imported only now: ConfigModule validates the environment when the module is declared.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ApiModule } = require('../../apps/api/src/api.module') as {
      ApiModule: typeof ApiModuleClass;
    };
    moduleRef = await Test.createTestingModule({ imports: [ApiModule] }).compile();
    api = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      logger: false,
    });
    await api.init();
  };

  it('starts when its reads run as the application role under row-level security', async () => {
    await expect(start()).resolves.toBeUndefined();
  });

  it('refuses to start, saying why, when its reads would bypass row-level security', async () => {
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      await c.query('ALTER TABLE case_list NO FORCE ROW LEVEL SECURITY');
      await c.query('ALTER TABLE case_list DISABLE ROW LEVEL SECURITY');
    } finally {
      await c.end();
    }
    const failure = await start().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(RowSecurityNotEnforcedError);
    expect((failure as Error).message).toMatch(/Refusing to start: .*bypasses row-level security/);
  });
});
