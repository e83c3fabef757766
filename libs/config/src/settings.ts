import { isIP } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { referenceRatesSetting } from './reference-rates';
import { repoRoot } from './repo-root';

/**
 * Every setting a Remedy process reads from its environment, in one table.
 * To add a setting: add an entry here (schema + `describe`, which completes the sentence
 * "<KEY> must be ..."), then a field in `RemedyConfig` (config.ts). Blank values count as unset.
 * `secret: true` keeps the value out of error messages and logs.
 */
export interface SettingSpec<T extends z.ZodType = z.ZodType> {
  readonly schema: T;
  readonly describe: string;
  readonly secret?: boolean;
  /** Documentation only (README configuration table). */
  readonly doc: string;
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(blankToUndefined, schema.optional());
const withDefault = <T extends z.ZodType>(schema: T, fallback: z.input<T>) =>
  z.preprocess((v) => blankToUndefined(v) ?? fallback, schema);

const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const urlWithProtocols = (...protocols: string[]) =>
  z
    .string()
    .trim()
    .refine((v) => {
      try {
        const u = new URL(v);
        return protocols.includes(u.protocol) && u.hostname.length > 0;
      } catch {
        return false;
      }
    });

const eventStoreConnectionString = z
  .string()
  .trim()
  // @eventstore/db-client 6.x accepts exactly these two schemes.
  .regex(/^esdb(\+discover)?:\/\/[^\s]+$/);

export const isValidTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** https://, or http:// on a loopback host only (a local identity provider in development and tests). */
const httpsUrl = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const u = new URL(v);
      if (u.protocol === 'https:') return u.hostname.length > 0;
      return u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
    } catch {
      return false;
    }
  });

/** A claim name or a dotted path into nested claims (`realm_access.roles`). */
const claimPath = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_:-]+(\.[A-Za-z0-9_:-]+)*$/);

/** Asymmetric JWS algorithms an identity provider may sign with (never `none`, never HMAC). */
export const OIDC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

const commaList = (isItem: (item: string) => boolean) =>
  z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== ''),
    )
    .refine((list) => list.length > 0 && list.every(isItem));

/** `https://app.example.org` or `http://localhost:5173`: scheme, host and port only. */
const isOrigin = (v: string): boolean => {
  try {
    const u = new URL(v);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === v;
  } catch {
    return false;
  }
};

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const SETTINGS = {
  DATABASE_URL: {
    schema: optional(urlWithProtocols('postgres:', 'postgresql:')),
    describe: 'a postgres:// URL',
    secret: true,
    doc: 'PostgreSQL for everything (read models, queues on the PostgreSQL backend, events unless EventStoreDB). Required for api/worker; when unset, `npm start` runs an embedded PostgreSQL (REMEDY_DATA_DIR) and the CLI uses it (or starts it for the command when nothing runs).',
  },
  REDIS_URL: {
    schema: optional(urlWithProtocols('redis:', 'rediss:')),
    describe: 'a redis:// or rediss:// URL',
    secret: true,
    doc: 'Set: BullMQ queues on Redis (recommended in production). Unset: BullMQ on its PostgreSQL backend.',
  },
  EVENTSTORE_CONNECTION_STRING: {
    schema: optional(eventStoreConnectionString),
    describe: 'an esdb:// or esdb+discover:// connection string',
    secret: true,
    doc: 'Set: events in EventStoreDB/KurrentDB. Unset: events in PostgreSQL.',
  },
  REMEDY_DATA_DIR: {
    schema: withDefault(
      z
        .string()
        .trim()
        .transform((v) => (isAbsolute(v) ? v : resolve(v))),
      resolve(repoRoot(), '.remedy-data'),
    ),
    describe: 'a directory path',
    doc: 'Local state: embedded PostgreSQL data, generated keys (`keys/`). Default `<repo>/.remedy-data`.',
  },
  ERASURE_LEDGER_PATH: {
    schema: optional(
      z
        .string()
        .trim()
        .transform((v) => (isAbsolute(v) ? v : resolve(v))),
    ),
    describe: 'a file path',
    doc: 'The erasure ledger: one line per erasure (opaque ids and time), appended and fsynced, re-applied after restoring a database backup. Keep it outside the database backups. Default `<REMEDY_DATA_DIR>/erasure-ledger.jsonl`.',
  },
  PORT: {
    schema: withDefault(integer(1, 65535), '3000'),
    describe: 'an integer 1-65535',
    doc: 'HTTP port of the API. Default 3000.',
  },
  METRICS_HOST: {
    schema: withDefault(
      z
        .string()
        .trim()
        .refine((v) => isIP(v) !== 0 || /^(?=.{1,253}$)[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(v)),
      '127.0.0.1',
    ),
    describe: 'an IP address or host name, e.g. 127.0.0.1 or 0.0.0.0',
    doc: 'Address of the internal listeners (`GET /metrics` for Prometheus, `GET /health` and `/health/ready` with every detail), one in the API and one in the worker. Default 127.0.0.1 (the same machine or container only); set 0.0.0.0 only on a private network the scraper shares (docker/compose.yml), or with `METRICS_TOKEN`. The public port answers `/metrics` with 404 and `/health` with its status only.',
  },
  METRICS_PORT: {
    schema: withDefault(integer(0, 65535), '9464'),
    describe: 'an integer 0-65535 (0: off)',
    doc: "Port of the API's internal listener (see `METRICS_HOST`). 0: none. Default 9464.",
  },
  WORKER_METRICS_PORT: {
    schema: withDefault(integer(0, 65535), '9465'),
    describe: 'an integer 0-65535 (0: off)',
    doc: "Port of the worker's internal listener (see `METRICS_HOST`); differs from `METRICS_PORT`, since `npm start` runs both on one machine. 0: none. Default 9465.",
  },
  METRICS_TOKEN: {
    schema: optional(
      z
        .string()
        .trim()
        .regex(/^[\x21-\x7e]{32,512}$/),
    ),
    describe: '32-512 printable characters without spaces',
    secret: true,
    doc: 'Set: the internal listeners answer 401 unless the request carries `Authorization: Bearer <METRICS_TOKEN>` (Prometheus: `authorization: { credentials_file: ... }`). Unset: anyone who reaches `METRICS_HOST` may read them.',
  },
  LOG_LEVEL: {
    schema: withDefault(z.enum(LOG_LEVELS), 'info'),
    describe: `one of ${LOG_LEVELS.join(', ')}`,
    doc: 'pino log level. Default info.',
  },
  PROJECTION_READY_MAX_LAG_SECONDS: {
    schema: withDefault(integer(1, 86_400), '30'),
    describe: 'an integer 1-86400 (seconds)',
    doc: '`GET /health/ready` fails when a projection lags the event store by more than this. Default 30.',
  },
  READ_YOUR_WRITES_TIMEOUT_MS: {
    schema: withDefault(integer(0, 2000), '2000'),
    describe: 'an integer 0-2000 (milliseconds)',
    doc: "How long a read waits for the read model to reach the caller's last write (`X-Min-Position`), and a command that grants another organisation access waits for the access projections before answering (`X-Access-Pending: true` when they had not applied it). Default and maximum 2000.",
  },
  REMEDY_JURISDICTION_TIMEZONE: {
    schema: withDefault(z.string().trim().refine(isValidTimeZone), 'UTC'),
    describe: 'an IANA time zone such as Europe/Vienna',
    doc: 'Time zone in which deadlines (calendar dates) are computed. Default UTC.',
  },
  LEGAL_AID_REFERENCE_RATES: {
    schema: referenceRatesSetting,
    describe:
      'a JSON object {"referenceCurrency":"EUR","years":{"2025":{"USD":"0.9243"}}}: ISO 4217 codes, years YYYY, rates as positive decimal strings (units of the reference currency per unit)',
    doc: 'Yearly reference exchange rates: legal-aid outcome figures convert awarded and paid sums with them, statistics fact rows hold claim amounts as bands of the reference currency (0, 1-499, 500-999, 1000-4999, 5000-9999, 10000-49999, 50000+ major units; `unconverted` where a currency has no rate that year). Changing it: rebuild the `statistics.facts` projection. Default: EUR with the ECB yearly averages of 2023-2024 for USD, GBP, CHF (indicative; set the official table).',
  },
  REMEDY_MIN_REFLECTION_DAYS: {
    schema: withDefault(integer(30, 3650), '30'),
    describe: 'an integer of at least 30 (CETS 197 art. 13) and at most 3650',
    doc: 'Minimum recovery and reflection period in days. A jurisdiction may set more, never less than 30. Default 30.',
  },
  REMEDY_EMBEDDED_DATABASE: {
    schema: withDefault(
      z.enum(['true', 'false']).transform((v) => v === 'true'),
      'false',
    ),
    describe: "'true' or 'false'",
    doc: 'Set by the supervisor for its children when it runs the embedded PostgreSQL; do not set by hand.',
  },
  OIDC_ISSUER: {
    schema: optional(httpsUrl),
    describe:
      "an https:// URL (http:// on localhost only): the provider's issuer, exactly as in its tokens' `iss`",
    doc: "Set: bearer tokens of this OpenID Connect provider are accepted besides the local issuer's (chosen by `iss`). Needs `OIDC_AUDIENCE`. Unset: local tokens only.",
  },
  OIDC_AUDIENCE: {
    schema: optional(
      z
        .string()
        .trim()
        .regex(/^\S{1,256}$/),
    ),
    describe: 'the audience (`aud`) the provider puts in tokens for this API, e.g. its client id',
    doc: 'Required when `OIDC_ISSUER` is set: tokens whose `aud` lacks it are refused.',
  },
  OIDC_JWKS_URL: {
    schema: optional(httpsUrl),
    describe: 'an https:// URL (http:// on localhost only)',
    doc: "The provider's key set. Unset: `jwks_uri` of `<OIDC_ISSUER>/.well-known/openid-configuration` (Keycloak: `<issuer>/protocol/openid-connect/certs`).",
  },
  OIDC_ALGORITHMS: {
    schema: withDefault(
      commaList((a) => (OIDC_ALGORITHMS as readonly string[]).includes(a)),
      'RS256',
    ),
    describe: `a comma-separated list of ${OIDC_ALGORITHMS.join(', ')}`,
    doc: 'Signature algorithms accepted from the provider (never `none` or HMAC). Default RS256.',
  },
  OIDC_CLAIM_USER: {
    schema: withDefault(claimPath, 'sub'),
    describe: 'a claim name or dotted path',
    doc: "Claim holding the user's id (a uuid). Default `sub`.",
  },
  OIDC_CLAIM_ORGANISATION: {
    schema: withDefault(claimPath, 'organisation_id'),
    describe: 'a claim name or dotted path',
    doc: "Claim holding the user's organisation id (a uuid). Default `organisation_id`.",
  },
  OIDC_CLAIM_ROLES: {
    schema: withDefault(claimPath, 'roles'),
    describe: 'a claim name or dotted path, e.g. realm_access.roles',
    doc: 'Claim holding the roles (a list); names other than caseworker, supervisor, legal_aid, rapporteur, org_admin, admin (after the prefix) are ignored. Default `roles`.',
  },
  OIDC_ROLE_PREFIX: {
    schema: optional(
      z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9_.:/-]{1,64}$/),
    ),
    describe: 'letters, digits and _ . : / - (at most 64)',
    doc: 'Set: only provider roles starting with it count, without it (`remedy-caseworker` → caseworker). Unset: role names as they are.',
  },
  PUBLIC_URL: {
    schema: optional(httpsUrl),
    describe: 'an https:// URL (http:// on localhost only), without a path: the origin people open',
    doc: 'Where people reach Remedy: the console, and the embedded OpenID provider at `<PUBLIC_URL>/oidc` (its issuer). Default `http://localhost:<PORT>`.',
  },
  AUTH_LOCAL_TOKENS: {
    schema: optional(z.enum(['enabled', 'disabled'])),
    describe: "'enabled' or 'disabled'",
    doc: 'Whether tokens of the local issuer (minted by `npm run cli -- token`, 8 h) are accepted: for tests and break-glass access. Never for a deactivated user. Default `enabled`, except `disabled` when `NODE_ENV=production`.',
  },
  OIDC_ACCESS_TOKEN_TTL_SECONDS: {
    schema: withDefault(integer(60, 3600), '300'),
    describe: 'an integer 60-3600',
    doc: "Lifetime of the embedded provider's access tokens. Default 300 (5 minutes): a deactivated user's last token ends within it.",
  },
  LOGIN_MAX_FAILURES: {
    schema: withDefault(integer(1, 100), '5'),
    describe: 'an integer 1-100',
    doc: 'Failed logins (password or second factor) in a row after which an account of the embedded provider is locked for `LOGIN_LOCKOUT_MINUTES`. Default 5.',
  },
  LOGIN_LOCKOUT_MINUTES: {
    schema: withDefault(integer(1, 1440), '15'),
    describe: 'an integer 1-1440',
    doc: 'How long a locked account stays locked. Default 15.',
  },
  LOGIN_POSTS_PER_MINUTE: {
    schema: withDefault(integer(1, 100_000), '30'),
    describe: 'an integer 1-100000',
    doc: "Form posts per client address per minute on the embedded provider's login pages (sign-in, second factor, one-time link, password change), besides each account's lockout; then a 429 page with Retry-After. Counted per API process. Default 30.",
  },
  CONSOLE_CLIENT_ID: {
    schema: withDefault(
      z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9_.:-]{1,128}$/),
      'remedy-console',
    ),
    describe: 'letters, digits and _ . : - (at most 128)',
    doc: "The console's OpenID client id (a public client: Authorization Code with PKCE). Default `remedy-console`, the embedded provider's; with `OIDC_ISSUER`, the id of the client registered there.",
  },
  CONSOLE_IDLE_TIMEOUT_MINUTES: {
    schema: withDefault(integer(1, 720), '15'),
    describe: 'an integer 1-720',
    doc: "Minutes without a key press or a click after which the console ends the person's session and clears the screen. Default 15.",
  },
  RATE_LIMIT_PER_MINUTE: {
    schema: withDefault(integer(1, 1_000_000), '600'),
    describe: 'an integer 1-1000000',
    doc: 'Requests a user (by token subject; without a token, an address) may make per minute before 429 with Retry-After; /health and /health/ready are exempt. Counted in Redis when `REDIS_URL` is set, else per process. Default 600.',
  },
  CORS_ORIGINS: {
    schema: optional(commaList(isOrigin)),
    describe: 'a comma-separated list of origins such as https://app.example.org',
    doc: 'Browser origins allowed to call the API (CORS). Unset: none (no Access-Control-Allow-Origin).',
  },
  LINKAGE_SECRET: {
    schema: optional(
      z
        .string()
        .trim()
        .regex(/^(\d{1,6}:)?[A-Za-z0-9+/_-]{43}=?(\s*,\s*\d{1,6}:[A-Za-z0-9+/_-]{43}=?)*$/),
    ),
    describe:
      'a 32-byte key in base64, or a key ring `1:<base64>,2:<base64>` (the highest version encodes)',
    secret: true,
    doc: 'The secret the organisations share to encode persons for record linkage across organisations (Bloom-filter CLKs); the linkage unit never holds it. Unset: key files `<REMEDY_DATA_DIR>/keys/linkage-secret.<version>.key` (the first created at start-up; `npm run cli -- keys rotate-linkage-secret` adds the next version; the worker re-reads the key files every minute). A new version re-encodes every case.',
  },
  LINKAGE_DATABASE_URL: {
    schema: optional(urlWithProtocols('postgres:', 'postgresql:')),
    describe: 'a postgres:// URL',
    secret: true,
    doc: "The linkage unit's connection, as the PostgreSQL role `remedy_linkage` (privileges on schema `linkage` only). Required by `apps/linkage`; with the embedded PostgreSQL the supervisor gives the role a password (`keys/linkage-db-password`) and sets it. Never the migrating login.",
  },
  LINKAGE_INTERVAL_SECONDS: {
    schema: withDefault(integer(1, 86400), '30'),
    describe: 'an integer 1-86400',
    doc: 'How often the linkage unit looks for changed encodings (a run compares only when they changed). Default 30.',
  },
} satisfies Record<string, SettingSpec>;

export type SettingKey = keyof typeof SETTINGS;
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];
