import { Test } from '@nestjs/testing';
import { ConfigService } from '@nestjs/config';
import { resolve } from 'node:path';
import {
  ConfigError,
  DEFAULT_REFERENCE_RATES,
  referenceRatesFromEnvironment,
  describeDeployment,
  loadConfig,
  logDeployment,
  redactUrl,
  REMEDY_CONFIG,
  RemedyConfig,
  RemedyConfigModule,
  validateEnv,
} from './index';

const DB = 'postgres://remedy:s3cret@db.example:5432/remedy';

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('given only DATABASE_URL, when loaded, then every other setting takes its documented default', () => {
    const c = loadConfig({ DATABASE_URL: DB });
    expect(c).toEqual({
      databaseUrl: DB,
      redisUrl: undefined,
      eventStoreConnectionString: undefined,
      dataDir: resolve(__dirname, '../../..', '.remedy-data'),
      erasureLedgerPath: resolve(__dirname, '../../..', '.remedy-data', 'erasure-ledger.jsonl'),
      port: 3000,
      internalListener: { host: '127.0.0.1', apiPort: 9464, workerPort: 9465, token: undefined },
      logLevel: 'info',
      projectionReadyMaxLagSeconds: 30,
      readYourWritesTimeoutMs: 2000,
      jurisdictionTimeZone: 'UTC',
      linkage: { databaseUrl: undefined, intervalSeconds: 30, secret: undefined },
      minReflectionDays: 30,
      referenceRates: DEFAULT_REFERENCE_RATES,
      oidc: undefined,
      identity: {
        publicUrl: 'http://localhost:3000',
        embeddedIssuer: 'http://localhost:3000/oidc',
        localTokens: true,
        accessTokenTtlSeconds: 300,
        loginMaxFailures: 5,
        loginPostsPerMinute: 30,
        loginLockoutMinutes: 15,
      },
      console: { clientId: 'remedy-console', idleTimeoutSeconds: 900 },
      rateLimitPerMinute: 600,
      corsOrigins: [],
      deployment: { eventStore: 'postgres', queue: 'postgres', database: 'external' },
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('given every setting, when loaded, then values are typed and the deployment follows them', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgresql://u@h/remedy',
      REDIS_URL: 'redis://127.0.0.1:6379',
      EVENTSTORE_CONNECTION_STRING: 'esdb://127.0.0.1:2113?tls=false',
      REMEDY_DATA_DIR: 'relative/dir',
      PORT: ' 8080 ',
      LOG_LEVEL: 'debug',
      PROJECTION_READY_MAX_LAG_SECONDS: '5',
      READ_YOUR_WRITES_TIMEOUT_MS: '0',
      REMEDY_JURISDICTION_TIMEZONE: 'Europe/Vienna',
      REMEDY_MIN_REFLECTION_DAYS: '90',
    });
    expect(c.port).toBe(8080);
    expect(c.logLevel).toBe('debug');
    expect(c.dataDir).toBe(resolve('relative/dir'));
    expect(c.projectionReadyMaxLagSeconds).toBe(5);
    expect(c.readYourWritesTimeoutMs).toBe(0);
    expect(c.jurisdictionTimeZone).toBe('Europe/Vienna');
    expect(c.minReflectionDays).toBe(90);
    expect(c.deployment).toEqual({
      eventStore: 'eventstoredb',
      queue: 'redis',
      database: 'external',
    });
  });

  it('given blank optional settings (as docker compose passes them), when loaded, then they count as unset', () => {
    const c = loadConfig({
      DATABASE_URL: DB,
      REDIS_URL: '',
      EVENTSTORE_CONNECTION_STRING: '  ',
      PORT: '',
    });
    expect(c.redisUrl).toBeUndefined();
    expect(c.eventStoreConnectionString).toBeUndefined();
    expect(c.port).toBe(3000);
    expect(c.deployment).toEqual({
      eventStore: 'postgres',
      queue: 'postgres',
      database: 'external',
    });
  });

  it('given several bad settings, when loaded, then ONE error names each of them and why', () => {
    const e = errorOf(() =>
      loadConfig({
        PORT: 'abc',
        DATABASE_URL: 'mysql://u:pw@h/db',
        LOG_LEVEL: 'loud',
        REMEDY_JURISDICTION_TIMEZONE: 'Mars/Olympus',
      }),
    );
    expect(e.message).toBe(
      "Invalid configuration: DATABASE_URL must be a postgres:// URL; PORT must be an integer 1-65535 (got 'abc'); " +
        "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got 'loud'); " +
        "REMEDY_JURISDICTION_TIMEZONE must be an IANA time zone such as Europe/Vienna (got 'Mars/Olympus')",
    );
    expect(e.problems.map((p) => p.key)).toEqual([
      'DATABASE_URL',
      'PORT',
      'LOG_LEVEL',
      'REMEDY_JURISDICTION_TIMEZONE',
    ]);
  });

  it('given an OIDC provider, when loaded, then its settings come typed with the claim defaults', () => {
    const c = loadConfig({
      DATABASE_URL: DB,
      OIDC_ISSUER: 'https://id.example.org/realms/remedy',
      OIDC_AUDIENCE: 'remedy-api',
      OIDC_CLAIM_ROLES: 'realm_access.roles',
      OIDC_ALGORITHMS: 'RS256, ES256',
      OIDC_ROLE_PREFIX: 'remedy-',
      RATE_LIMIT_PER_MINUTE: '1200',
      CORS_ORIGINS: 'https://app.example.org, http://localhost:5173',
    });
    expect(c.oidc).toEqual({
      issuer: 'https://id.example.org/realms/remedy',
      audience: 'remedy-api',
      jwksUrl: undefined,
      algorithms: ['RS256', 'ES256'],
      claims: { user: 'sub', organisation: 'organisation_id', roles: 'realm_access.roles' },
      rolePrefix: 'remedy-',
    });
    expect(c.rateLimitPerMinute).toBe(1200);
    expect(c.corsOrigins).toEqual(['https://app.example.org', 'http://localhost:5173']);
  });

  it('given OIDC settings that do not fit together or are unsafe, when loaded, then each is named', () => {
    const messages = (env: Record<string, string>) =>
      errorOf(() => loadConfig({ DATABASE_URL: DB, ...env })).problems.map((p) => p.message);
    expect(messages({ OIDC_ISSUER: 'https://id.example.org' })).toEqual([
      expect.stringMatching(/^OIDC_AUDIENCE is required when OIDC_ISSUER is set/),
    ]);
    expect(messages({ OIDC_AUDIENCE: 'remedy-api' })).toEqual([
      'OIDC_AUDIENCE is set but OIDC_ISSUER is not',
    ]);
    const bad = messages({
      OIDC_ISSUER: 'http://id.example.org',
      OIDC_AUDIENCE: 'remedy-api',
      OIDC_ALGORITHMS: 'RS256,none',
      OIDC_CLAIM_ROLES: 'realm_access..roles',
      CORS_ORIGINS: '*',
      RATE_LIMIT_PER_MINUTE: '0',
    });
    expect(bad.map((m) => m.split(' ')[0])).toEqual([
      'OIDC_ISSUER',
      'OIDC_ALGORITHMS',
      'OIDC_CLAIM_ROLES',
      'RATE_LIMIT_PER_MINUTE',
      'CORS_ORIGINS',
    ]);
    expect(
      messages({
        OIDC_ALGORITHMS: 'HS256',
        OIDC_ISSUER: 'http://127.0.0.1:8080/realms/x',
        OIDC_AUDIENCE: 'a',
      }),
    ).toEqual([expect.stringMatching(/^OIDC_ALGORITHMS must be/)]);
    expect(messages({ CORS_ORIGINS: 'https://app.example.org/path' })).toEqual([
      expect.stringMatching(/^CORS_ORIGINS must be/),
    ]);
  });

  it('given no DATABASE_URL, when an app loads its configuration, then it is reported as required', () => {
    expect(errorOf(() => loadConfig({})).message).toBe(
      'Invalid configuration: DATABASE_URL is required (a postgres:// URL)',
    );
  });

  it('given no DATABASE_URL, when the supervisor loads (database not required), then the deployment is embedded', () => {
    const c = loadConfig({}, { requireDatabase: false });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.deployment.database).toBe('embedded');
  });

  it('given the supervisor marks its database as embedded, when a child loads, then the deployment says so', () => {
    expect(
      loadConfig({ DATABASE_URL: DB, REMEDY_EMBEDDED_DATABASE: 'true' }).deployment.database,
    ).toBe('embedded');
  });

  it('given the METRICS_* settings, when loaded, then the internal listeners follow them; 0 turns one off', () => {
    const token = 'a'.repeat(40);
    expect(
      loadConfig({
        DATABASE_URL: DB,
        METRICS_HOST: '0.0.0.0',
        METRICS_PORT: '0',
        WORKER_METRICS_PORT: '9100',
        METRICS_TOKEN: token,
      }).internalListener,
    ).toEqual({ host: '0.0.0.0', apiPort: null, workerPort: 9100, token });
    expect(loadConfig({ DATABASE_URL: DB, METRICS_HOST: 'localhost' }).internalListener.host).toBe(
      'localhost',
    );
  });

  it('given clashing ports or a short METRICS_TOKEN, when loaded, then each is named and the token never repeated', () => {
    const e = errorOf(() =>
      loadConfig({
        DATABASE_URL: DB,
        PORT: '8080',
        METRICS_PORT: '8080',
        WORKER_METRICS_PORT: '8080',
        METRICS_TOKEN: 'short-secret',
      }),
    );
    expect(e.problems.map((p) => p.message)).toEqual([
      'METRICS_TOKEN must be 32-512 printable characters without spaces',
      'METRICS_PORT must differ from PORT',
      'WORKER_METRICS_PORT must differ from PORT and METRICS_PORT',
    ]);
    expect(e.message).not.toContain('short-secret');
  });

  it.each([
    ['METRICS_PORT', '65536', "METRICS_PORT must be an integer 0-65535 (0: off) (got '65536')"],
    [
      'METRICS_HOST',
      'http://x',
      "METRICS_HOST must be an IP address or host name, e.g. 127.0.0.1 or 0.0.0.0 (got 'http://x')",
    ],
    ['PORT', '0', "PORT must be an integer 1-65535 (got '0')"],
    ['PORT', '65536', "PORT must be an integer 1-65535 (got '65536')"],
    ['PORT', '80.5', "PORT must be an integer 1-65535 (got '80.5')"],
    [
      'READ_YOUR_WRITES_TIMEOUT_MS',
      '2001',
      "READ_YOUR_WRITES_TIMEOUT_MS must be an integer 0-2000 (milliseconds) (got '2001')",
    ],
    [
      'READ_YOUR_WRITES_TIMEOUT_MS',
      '-1',
      "READ_YOUR_WRITES_TIMEOUT_MS must be an integer 0-2000 (milliseconds) (got '-1')",
    ],
    [
      'PROJECTION_READY_MAX_LAG_SECONDS',
      '0',
      "PROJECTION_READY_MAX_LAG_SECONDS must be an integer 1-86400 (seconds) (got '0')",
    ],
    [
      'REMEDY_MIN_REFLECTION_DAYS',
      '29',
      "REMEDY_MIN_REFLECTION_DAYS must be an integer of at least 30 (CETS 197 art. 13) and at most 3650 (got '29')",
    ],
    [
      'REMEDY_JURISDICTION_TIMEZONE',
      'CET+1',
      "REMEDY_JURISDICTION_TIMEZONE must be an IANA time zone such as Europe/Vienna (got 'CET+1')",
    ],
    ['REDIS_URL', 'http://x:6379', 'REDIS_URL must be a redis:// or rediss:// URL'],
    [
      'EVENTSTORE_CONNECTION_STRING',
      'kurrent://x:2113',
      'EVENTSTORE_CONNECTION_STRING must be an esdb:// or esdb+discover:// connection string',
    ],
  ])('given %s=%s, when loaded, then the error says %s', (key, value, expected) => {
    expect(errorOf(() => loadConfig({ DATABASE_URL: DB, [key]: value })).message).toBe(
      `Invalid configuration: ${expected}`,
    );
  });

  it('given a bad secret-bearing URL, when rejected, then the error never repeats its value', () => {
    const e = errorOf(() =>
      loadConfig({
        DATABASE_URL: 'mysql://u:hunter2@h/db',
        REDIS_URL: 'http://:hunter2@h',
        EVENTSTORE_CONNECTION_STRING: 'x://admin:hunter2@h',
      }),
    );
    expect(e.problems).toHaveLength(3);
    expect(e.message).not.toContain('hunter2');
  });
});

describe('deployment logging', () => {
  it('given URLs with passwords, when described, then only hosts and choices appear', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://remedy:pw-db@db:5432/remedy',
      REDIS_URL: 'redis://:pw-redis@cache:6379',
      EVENTSTORE_CONNECTION_STRING: 'esdb://admin:pw-es@es1:2113,es2:2113?tls=false',
      REMEDY_DATA_DIR: '/var/lib/remedy',
    });
    const lines: string[] = [];
    logDeployment(c, (l) => lines.push(l), 'api');
    expect(lines).toEqual([
      '[api] database: external PostgreSQL at db:5432; events: EventStoreDB at es1:2113,es2:2113; queues: BullMQ on Redis at cache:6379; data dir: /var/lib/remedy; jurisdiction time zone: UTC',
    ]);
    expect(lines.join()).not.toMatch(/pw-/);
  });

  it('given the zero-setup defaults, when described, then it names the embedded database and PostgreSQL backends', () => {
    const d = describeDeployment(loadConfig({ REMEDY_DATA_DIR: '/d' }, { requireDatabase: false }));
    expect(d).toBe(
      'database: embedded PostgreSQL; events: PostgreSQL; queues: BullMQ on PostgreSQL; data dir: /d; jurisdiction time zone: UTC',
    );
  });

  it('redacts passwords and query strings from URLs', () => {
    expect(redactUrl('postgres://u:secret@h:5432/db?sslmode=require')).toBe(
      'postgres://u:***@h:5432/db',
    );
    expect(redactUrl(undefined)).toBe('(unset)');
    expect(redactUrl('not a url')).toBe('(unparseable)');
  });
});

describe('RemedyConfigModule (through @nestjs/config)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('given a valid environment, when the module starts, then ConfigService and REMEDY_CONFIG give typed values', async () => {
    process.env = { ...saved, DATABASE_URL: DB, PORT: '4321', REMEDY_MIN_REFLECTION_DAYS: '45' };
    const mod = await Test.createTestingModule({
      imports: [RemedyConfigModule.forRoot()],
    }).compile();
    expect(mod.get(ConfigService).get('PORT')).toBe(4321);
    const config = mod.get<RemedyConfig>(REMEDY_CONFIG);
    expect(config.port).toBe(4321);
    expect(config.minReflectionDays).toBe(45);
    await mod.close();
  });

  it('given an invalid environment, when validated, then start-up fails with the single message', () => {
    expect(() =>
      validateEnv({ DATABASE_URL: DB, PORT: 'abc', REMEDY_MIN_REFLECTION_DAYS: '7' }),
    ).toThrow(
      "Invalid configuration: PORT must be an integer 1-65535 (got 'abc'); REMEDY_MIN_REFLECTION_DAYS must be an integer of at least 30 (CETS 197 art. 13) and at most 3650 (got '7')",
    );
  });
});

describe('LEGAL_AID_REFERENCE_RATES', () => {
  it('given a valid JSON table, when loaded, then the rates are typed as given', () => {
    const table = { referenceCurrency: 'USD', years: { '2025': { EUR: '1.08', JPY: '0.0066' } } };
    const c = loadConfig({ DATABASE_URL: DB, LEGAL_AID_REFERENCE_RATES: JSON.stringify(table) });
    expect(c.referenceRates).toEqual(table);
    expect(referenceRatesFromEnvironment({ LEGAL_AID_REFERENCE_RATES: ' ' })).toEqual(
      DEFAULT_REFERENCE_RATES,
    );
  });

  it.each([
    ['{', 'not JSON'],
    ['{"referenceCurrency":"EURO","years":{}}', 'an unknown currency'],
    ['{"referenceCurrency":"EUR","years":{"25":{}}}', 'a year that is not YYYY'],
    ['{"referenceCurrency":"EUR","years":{"2025":{"USD":0.9}}}', 'a rate that is not a string'],
    ['{"referenceCurrency":"EUR","years":{"2025":{"USD":"-1"}}}', 'a negative rate'],
    ['{"referenceCurrency":"EUR","years":{},"extra":1}', 'an unknown field'],
  ])('given %s (%s), when loaded, then the setting is refused by name', (value) => {
    expect(() => loadConfig({ DATABASE_URL: DB, LEGAL_AID_REFERENCE_RATES: value })).toThrow(
      /LEGAL_AID_REFERENCE_RATES must be a JSON object/,
    );
    expect(() => referenceRatesFromEnvironment({ LEGAL_AID_REFERENCE_RATES: value })).toThrow(
      /LEGAL_AID_REFERENCE_RATES is invalid/,
    );
  });
});
