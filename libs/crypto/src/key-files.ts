import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { KeyMaterialError } from './errors';

/** `<dataDir>/keys`, where every locally generated secret lives. */
export function keysDir(dataDir: string): string {
  return join(dataDir, 'keys');
}

/**
 * Reads a secret file, creating it on first use. Creation is atomic and race-safe: the
 * content is written and fsynced to a private temporary file (mode 0600), then hard-linked to
 * its final name, which fails if another process got there first. So every process starting
 * together ends up with the same, complete secret, and nobody ever reads a half-written file.
 *
 * Refuses a file that group or others can read (like ssh does with private keys).
 */
export async function readOrCreateSecretFile(
  path: string,
  generate: () => Buffer | Promise<Buffer>,
): Promise<Buffer> {
  const existing = await readSecretFile(path);
  if (existing) return existing;

  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const content = await generate();
  const handle = await open(tmp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(tmp, path);
    await syncDirectory(dirname(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  const created = await readSecretFile(path);
  if (!created) throw new KeyMaterialError(`Key file could not be created: ${path}`);
  return created;
}

/** The secret file's content, or undefined when it does not exist. */
export async function readSecretFile(path: string): Promise<Buffer | undefined> {
  let mode: number;
  try {
    mode = (await stat(path)).mode;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if ((mode & 0o077) !== 0) {
    throw new KeyMaterialError(
      `Key file ${path} is accessible by group or others (mode ${(mode & 0o777).toString(8)}); run chmod 600 on it`,
    );
  }
  return readFile(path);
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY).catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // Some filesystems do not support fsync on directories; the link itself is still atomic.
  } finally {
    await handle.close();
  }
}

/** Decodes a 256-bit key given as base64 or base64url (44 or 43 characters). */
export function decodeKey256(value: string, what: string): Buffer {
  const trimmed = value.trim();
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    throw new KeyMaterialError(`${what} must be 32 bytes encoded as base64`);
  }
  const key = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (key.length !== 32) throw new KeyMaterialError(`${what} must be 32 bytes encoded as base64`);
  return key;
}
