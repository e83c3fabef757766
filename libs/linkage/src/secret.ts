import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeKey256, KeyMaterialError, keysDir, readOrCreateSecretFile } from '@remedy/crypto';

/** One version of the secret the organisations share (never held by the linkage unit). */
export interface LinkageSecret {
  readonly version: number;
  readonly key: Buffer;
}

const FILE = /^linkage-secret\.(\d{1,6})\.key$/;
const fileOf = (dataDir: string, version: number) =>
  join(keysDir(dataDir), `linkage-secret.${version}.key`);
const generate = () => Buffer.from(`${randomBytes(32).toString('base64')}\n`);

/** `LINKAGE_SECRET`: one base64 key (version 1) or a ring `1:<b64>,2:<b64>`; the highest version. */
export function parseLinkageSecret(value: string): LinkageSecret {
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  let best: LinkageSecret | undefined;
  for (const entry of entries) {
    const m = /^(?:(\d{1,6}):)?(.+)$/.exec(entry)!;
    const version = m[1] === undefined ? 1 : Number(m[1]);
    if (version < 1) throw new KeyMaterialError('LINKAGE_SECRET versions start at 1');
    const key = decodeKey256(m[2]!, 'LINKAGE_SECRET');
    if (best && best.version === version)
      throw new KeyMaterialError('LINKAGE_SECRET names a version twice');
    if (!best || version > best.version) best = { version, key };
  }
  if (!best) throw new KeyMaterialError('LINKAGE_SECRET is empty');
  return best;
}

async function fileVersions(dataDir: string): Promise<number[]> {
  const names = await readdir(keysDir(dataDir)).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [] as string[];
    throw e;
  });
  return names
    .map((n) => FILE.exec(n)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * The current shared secret: `LINKAGE_SECRET` when set, else the highest-numbered key file
 * `<dataDir>/keys/linkage-secret.<n>.key` (version 1 created on first start, zero-setup).
 * Refuses a secret equal to a key it must differ from (the master or blind-index key).
 */
export async function loadLinkageSecret(options: {
  readonly dataDir: string;
  readonly secret?: string | undefined;
  readonly mustDifferFrom?: (key: Buffer) => boolean;
}): Promise<LinkageSecret> {
  let secret: LinkageSecret;
  if (options.secret !== undefined && options.secret.trim() !== '') {
    secret = parseLinkageSecret(options.secret);
  } else {
    const version = (await fileVersions(options.dataDir)).pop() ?? 1;
    const content = await readOrCreateSecretFile(fileOf(options.dataDir, version), generate);
    secret = { version, key: decodeKey256(content.toString('utf8'), 'linkage secret key file') };
  }
  if (options.mustDifferFrom?.(secret.key)) {
    throw new KeyMaterialError(
      'the linkage secret must differ from the master and blind index keys',
    );
  }
  return secret;
}

/**
 * Adds the next version of the shared secret as a key file (the key-file setup; with
 * `LINKAGE_SECRET`, the operator appends `<n>:<base64>` instead). The worker encodes with it from
 * its next start: every case is re-encoded, and the old encodings are replaced.
 */
export async function rotateLinkageSecret(dataDir: string): Promise<LinkageSecret> {
  const next = ((await fileVersions(dataDir)).pop() ?? 0) + 1;
  const content = await readOrCreateSecretFile(fileOf(dataDir, next), generate);
  return { version: next, key: decodeKey256(content.toString('utf8'), 'linkage secret key file') };
}
