import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { keysDir, readOrCreateSecretFile } from '@remedy/crypto';

/**
 * Zero-setup only: lets the linkage unit log in to the embedded PostgreSQL as `remedy_linkage`
 * (the role the migrations create NOLOGIN, with privileges on schema `linkage` only), with a
 * password kept in `<dataDir>/keys/linkage-db-password` (mode 600). Returns its connection URL.
 * With an external PostgreSQL the operator does this once (README, "Record linkage").
 */
export async function provisionLinkageLogin(adminUrl: string, dataDir: string): Promise<string> {
  const password = (
    await readOrCreateSecretFile(join(keysDir(dataDir), 'linkage-db-password'), () =>
      Buffer.from(`${randomBytes(24).toString('base64url')}\n`),
    )
  )
    .toString('utf8')
    .trim();
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ sql: string }>(
      `SELECT format('ALTER ROLE remedy_linkage LOGIN PASSWORD %L', $1::text) AS sql`,
      [password],
    );
    await client.query(rows[0]!.sql);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.username = 'remedy_linkage';
  url.password = password;
  return url.toString();
}

/** The environment of the linkage unit: its own connection, none of the organisation side's secrets. */
export function linkageEnv(env: NodeJS.ProcessEnv, linkageUrl: string): NodeJS.ProcessEnv {
  const own: NodeJS.ProcessEnv = { LINKAGE_DATABASE_URL: linkageUrl };
  for (const k of ['PATH', 'HOME', 'NODE_ENV', 'LOG_LEVEL', 'LINKAGE_INTERVAL_SECONDS', 'TZ'])
    if (env[k] !== undefined) own[k] = env[k];
  return own;
}
