import { join } from 'node:path';
import { z } from 'zod';
import type { ReferenceRates } from './reference-rates';
import { LogLevel, SETTING_KEYS, SETTINGS, SettingKey } from './settings';

/** Where each part of the system lives, derived from the configuration alone. */
export interface Deployment {
  readonly eventStore: 'postgres' | 'eventstoredb';
  readonly queue: 'postgres' | 'redis';
  readonly database: 'embedded' | 'external';
}

/** The typed configuration every process reads. Built by `loadConfig`, never by hand. */
export interface RemedyConfig {
  /** Absent only in the supervisor before it starts the embedded PostgreSQL. */
  readonly databaseUrl: string | undefined;
  readonly redisUrl: string | undefined;
  readonly eventStoreConnectionString: string | undefined;
  readonly dataDir: string;
  /** The erasure ledger file (ERASURE_LEDGER_PATH; default `<dataDir>/erasure-ledger.jsonl`). */
  readonly erasureLedgerPath: string;
  readonly port: number;
  /** The internal listeners (metrics, detailed health) of the API and the worker. */
  readonly internalListener: InternalListenerConfig;
  readonly logLevel: LogLevel;
  readonly projectionReadyMaxLagSeconds: number;
  readonly readYourWritesTimeoutMs: number;
  readonly jurisdictionTimeZone: string;
  readonly minReflectionDays: number;
  /** Yearly reference exchange rates (LEGAL_AID_REFERENCE_RATES; a default table is shipped). */
  readonly referenceRates: ReferenceRates;
  /** An OpenID Connect provider whose tokens are accepted besides the local issuer's. */
  readonly oidc: OidcConfig | undefined;
  /** The login: the embedded OpenID provider (when `oidc` is unset) and the local issuer. */
  readonly identity: IdentityConfig;
  /** The web console (CONSOLE_*): its OpenID client and idle timeout. */
  readonly console: ConsoleConfig;
  /** Requests per minute per user (or per address without a token). */
  readonly rateLimitPerMinute: number;
  /** Browser origins allowed by CORS; empty: CORS closed. */
  readonly corsOrigins: readonly string[];
  readonly deployment: Deployment;
  /** Record linkage across organisations (LINKAGE_*). */
  readonly linkage: LinkageConfig;
}

/** LINKAGE_* settings. */
export interface LinkageConfig {
  /** LINKAGE_SECRET as given (validated format); undefined: key files in the data folder. */
  readonly secret: string | undefined;
  /** The linkage unit's connection (role `remedy_linkage`). */
  readonly databaseUrl: string | undefined;
  readonly intervalSeconds: number;
}

/** METRICS_* settings: where the API and the worker serve `/metrics` and detailed `/health`. */
export interface InternalListenerConfig {
  readonly host: string;
  /** The API's port; null: no internal listener in the API. */
  readonly apiPort: number | null;
  /** The worker's port; null: no internal listener in the worker. */
  readonly workerPort: number | null;
  /** Bearer token a request must carry; undefined: none asked. */
  readonly token: string | undefined;
}

/** PUBLIC_URL, AUTH_LOCAL_TOKENS, OIDC_ACCESS_TOKEN_TTL_SECONDS, LOGIN_*. */
export interface IdentityConfig {
  /** Origin people open (no trailing slash): the console, and `<publicUrl>/oidc`. */
  readonly publicUrl: string;
  /** The embedded provider's issuer (`<publicUrl>/oidc`); undefined when OIDC_ISSUER is set. */
  readonly embeddedIssuer: string | undefined;
  /** Whether local-issuer tokens are accepted at all. */
  readonly localTokens: boolean;
  readonly accessTokenTtlSeconds: number;
  readonly loginMaxFailures: number;
  readonly loginLockoutMinutes: number;
  /** Form posts per client address per minute on the login pages. */
  readonly loginPostsPerMinute: number;
}

/** CONSOLE_* settings: what the console needs to log a person in and out. */
export interface ConsoleConfig {
  /** The console's OpenID client id (public client, PKCE). */
  readonly clientId: string;
  /** Seconds without input after which the console ends the session and clears the screen. */
  readonly idleTimeoutSeconds: number;
}

/** OIDC_* settings. Claims are names or dotted paths (`realm_access.roles`). */
export interface OidcConfig {
  readonly issuer: string;
  readonly audience: string;
  /** Unset: discovered from `<issuer>/.well-known/openid-configuration`. */
  readonly jwksUrl: string | undefined;
  readonly algorithms: readonly string[];
  readonly claims: { readonly user: string; readonly organisation: string; readonly roles: string };
  readonly rolePrefix: string | undefined;
}

export interface LoadConfigOptions {
  /** api, worker and cli need a database (default true); the supervisor can provide one. */
  readonly requireDatabase?: boolean;
}

export interface ConfigProblem {
  readonly key: SettingKey;
  readonly message: string;
}

/** Thrown at start-up. `message` names every bad or missing setting at once, never a secret value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(`Invalid configuration: ${problems.map((p) => p.message).join('; ')}`);
  }
}

type Env = Record<string, string | undefined>;
type ParsedSettings = { [K in SettingKey]: z.output<(typeof SETTINGS)[K]['schema']> };

const isBlank = (v: string | undefined) => v === undefined || v.trim() === '';

function describeProblem(key: SettingKey, raw: string | undefined): string {
  const spec = SETTINGS[key];
  if (isBlank(raw)) return `${key} is required (${spec.describe})`;
  const secret = 'secret' in spec && spec.secret;
  const got = secret ? '' : ` (got '${String(raw).slice(0, 80)}')`;
  return `${key} must be ${spec.describe}${got}`;
}

/** Validates and types the settings. Returns the parsed values per key, or every problem found. */
export function parseSettings(
  env: Env,
  options: LoadConfigOptions = {},
): { ok: true; settings: ParsedSettings } | { ok: false; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const settings: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const raw = env[key];
    const result = SETTINGS[key].schema.safeParse(raw);
    if (result.success) settings[key] = result.data;
    else problems.push({ key, message: describeProblem(key, raw) });
  }
  if (
    (options.requireDatabase ?? true) &&
    settings.DATABASE_URL === undefined &&
    !problems.some((p) => p.key === 'DATABASE_URL')
  ) {
    problems.push({ key: 'DATABASE_URL', message: describeProblem('DATABASE_URL', undefined) });
  }
  problems.push(...oidcProblems(settings, problems));
  problems.push(...portProblems(settings));
  return problems.length > 0
    ? { ok: false, problems }
    : { ok: true, settings: settings as ParsedSettings };
}

/** Settings that only make sense together: OIDC_AUDIENCE with OIDC_ISSUER, and the others need it. */
function oidcProblems(settings: Record<string, unknown>, found: ConfigProblem[]): ConfigProblem[] {
  const bad = new Set(found.map((p) => p.key));
  if (bad.has('OIDC_ISSUER')) return [];
  const problems: ConfigProblem[] = [];
  if (settings.OIDC_ISSUER !== undefined) {
    if (settings.OIDC_AUDIENCE === undefined && !bad.has('OIDC_AUDIENCE'))
      problems.push({
        key: 'OIDC_AUDIENCE',
        message: `OIDC_AUDIENCE is required when OIDC_ISSUER is set (${SETTINGS.OIDC_AUDIENCE.describe})`,
      });
  } else {
    for (const key of ['OIDC_AUDIENCE', 'OIDC_JWKS_URL', 'OIDC_ROLE_PREFIX'] as const)
      if (settings[key] !== undefined)
        problems.push({ key, message: `${key} is set but OIDC_ISSUER is not` });
  }
  return problems;
}

/** The API's port and the two internal listeners' ports (when on) are distinct: one machine may run all three. */
function portProblems(settings: Record<string, unknown>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const { PORT, METRICS_PORT, WORKER_METRICS_PORT } = settings;
  if (METRICS_PORT && METRICS_PORT === PORT)
    problems.push({ key: 'METRICS_PORT', message: 'METRICS_PORT must differ from PORT' });
  if (WORKER_METRICS_PORT && [PORT, METRICS_PORT].includes(WORKER_METRICS_PORT))
    problems.push({
      key: 'WORKER_METRICS_PORT',
      message: 'WORKER_METRICS_PORT must differ from PORT and METRICS_PORT',
    });
  return problems;
}

/** The login settings; the embedded provider serves only while no external OIDC_ISSUER is set. */
function identityOf(
  s: {
    PUBLIC_URL?: string;
    PORT: number;
    OIDC_ISSUER?: string;
    AUTH_LOCAL_TOKENS?: 'enabled' | 'disabled';
    OIDC_ACCESS_TOKEN_TTL_SECONDS: number;
    LOGIN_MAX_FAILURES: number;
    LOGIN_LOCKOUT_MINUTES: number;
    LOGIN_POSTS_PER_MINUTE: number;
  },
  env: Env,
): IdentityConfig {
  const publicUrl = (s.PUBLIC_URL ?? `http://localhost:${s.PORT}`).replace(/\/+$/, '');
  return {
    publicUrl,
    embeddedIssuer: s.OIDC_ISSUER ? undefined : `${publicUrl}/oidc`,
    localTokens:
      (s.AUTH_LOCAL_TOKENS ?? (env.NODE_ENV === 'production' ? 'disabled' : 'enabled')) ===
      'enabled',
    accessTokenTtlSeconds: s.OIDC_ACCESS_TOKEN_TTL_SECONDS,
    loginMaxFailures: s.LOGIN_MAX_FAILURES,
    loginLockoutMinutes: s.LOGIN_LOCKOUT_MINUTES,
    loginPostsPerMinute: s.LOGIN_POSTS_PER_MINUTE,
  };
}

export function deploymentOf(s: {
  EVENTSTORE_CONNECTION_STRING?: string;
  REDIS_URL?: string;
  REMEDY_EMBEDDED_DATABASE?: boolean;
  DATABASE_URL?: string;
}): Deployment {
  return {
    eventStore: s.EVENTSTORE_CONNECTION_STRING ? 'eventstoredb' : 'postgres',
    queue: s.REDIS_URL ? 'redis' : 'postgres',
    database: s.REMEDY_EMBEDDED_DATABASE || !s.DATABASE_URL ? 'embedded' : 'external',
  };
}

/**
 * Reads the configuration from an environment (default `process.env`), usable outside Nest
 * (supervisor, CLI, scripts). Throws one ConfigError naming every problem.
 */
export function loadConfig(env: Env = process.env, options: LoadConfigOptions = {}): RemedyConfig {
  const parsed = parseSettings(env, options);
  if (!parsed.ok) throw new ConfigError(parsed.problems);
  const s = parsed.settings;
  return Object.freeze({
    databaseUrl: s.DATABASE_URL,
    redisUrl: s.REDIS_URL,
    eventStoreConnectionString: s.EVENTSTORE_CONNECTION_STRING,
    dataDir: s.REMEDY_DATA_DIR,
    erasureLedgerPath: s.ERASURE_LEDGER_PATH ?? join(s.REMEDY_DATA_DIR, 'erasure-ledger.jsonl'),
    port: s.PORT,
    internalListener: Object.freeze({
      host: s.METRICS_HOST,
      apiPort: s.METRICS_PORT || null,
      workerPort: s.WORKER_METRICS_PORT || null,
      token: s.METRICS_TOKEN,
    }),
    logLevel: s.LOG_LEVEL,
    projectionReadyMaxLagSeconds: s.PROJECTION_READY_MAX_LAG_SECONDS,
    readYourWritesTimeoutMs: s.READ_YOUR_WRITES_TIMEOUT_MS,
    jurisdictionTimeZone: s.REMEDY_JURISDICTION_TIMEZONE,
    minReflectionDays: s.REMEDY_MIN_REFLECTION_DAYS,
    referenceRates: s.LEGAL_AID_REFERENCE_RATES,
    oidc: s.OIDC_ISSUER
      ? Object.freeze({
          issuer: s.OIDC_ISSUER,
          audience: s.OIDC_AUDIENCE!,
          jwksUrl: s.OIDC_JWKS_URL,
          algorithms: Object.freeze([...s.OIDC_ALGORITHMS]),
          claims: Object.freeze({
            user: s.OIDC_CLAIM_USER,
            organisation: s.OIDC_CLAIM_ORGANISATION,
            roles: s.OIDC_CLAIM_ROLES,
          }),
          rolePrefix: s.OIDC_ROLE_PREFIX,
        })
      : undefined,
    identity: Object.freeze(identityOf(s, env)),
    console: Object.freeze({
      clientId: s.CONSOLE_CLIENT_ID,
      idleTimeoutSeconds: s.CONSOLE_IDLE_TIMEOUT_MINUTES * 60,
    }),
    rateLimitPerMinute: s.RATE_LIMIT_PER_MINUTE,
    corsOrigins: Object.freeze([...(s.CORS_ORIGINS ?? [])]),
    deployment: Object.freeze(deploymentOf(s)),
    linkage: Object.freeze({
      secret: s.LINKAGE_SECRET,
      databaseUrl: s.LINKAGE_DATABASE_URL,
      intervalSeconds: s.LINKAGE_INTERVAL_SECONDS,
    }),
  });
}

/** `postgres://user:secret@host:5432/db` → `postgres://user:***@host:5432/db` (nothing else shown). */
export function redactUrl(url: string | undefined): string {
  if (!url) return '(unset)';
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    u.search = '';
    return u.toString();
  } catch {
    return '(unparseable)';
  }
}

/** One line saying what this process chose, without secrets: host and port only. */
export function describeDeployment(config: RemedyConfig): string {
  // scheme://[user:password@]host[:port][,host[:port]...][/path][?query] -> the host list only
  const where = (url: string | undefined) => {
    const hosts = url?.match(/^[a-z+]+:\/\/(?:[^@/?]*@)?([^/?]+)/i)?.[1];
    return hosts ? ` at ${hosts}` : '';
  };
  const d = config.deployment;
  const db =
    d.database === 'embedded'
      ? 'embedded PostgreSQL'
      : `external PostgreSQL${where(config.databaseUrl)}`;
  const events =
    d.eventStore === 'eventstoredb'
      ? `EventStoreDB${where(config.eventStoreConnectionString)}`
      : 'PostgreSQL';
  const queue =
    d.queue === 'redis' ? `BullMQ on Redis${where(config.redisUrl)}` : 'BullMQ on PostgreSQL';
  return `database: ${db}; events: ${events}; queues: ${queue}; data dir: ${config.dataDir}; jurisdiction time zone: ${config.jurisdictionTimeZone}`;
}

/** Logs what was chosen (one line, no secrets). `log` defaults to console.log. */
export function logDeployment(
  config: RemedyConfig,
  log: (line: string) => void = (line) => console.log(line),
  processName = 'remedy',
): void {
  log(`[${processName}] ${describeDeployment(config)}`);
}
