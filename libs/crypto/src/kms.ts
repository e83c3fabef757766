import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { DecryptionError, KeyMaterialError } from './errors';
import { decodeKey256, keysDir, readOrCreateSecretFile, readSecretFile } from './key-files';

/** What a data key is bound to when wrapped (like a cloud KMS "encryption context"). */
export interface WrapContext {
  readonly caseId: string;
}

/** A data key encrypted ("wrapped") under one version of a master key. */
export interface WrappedKey {
  /** Which master key (e.g. `local`, or a cloud KMS key ARN/resource name). */
  readonly keyId: string;
  /** Which version of that master key wrapped it. */
  readonly keyVersion: number;
  readonly wrapped: Buffer;
}

/**
 * The master-key boundary. Data keys never leave the process unwrapped; the master key never
 * leaves the KMS. A cloud KMS (AWS KMS, GCP KMS, Azure Key Vault, Vault transit) can implement
 * this later; the local one keeps master keys in files or the environment.
 */
export interface KeyManagementService {
  readonly keyId: string;
  /** The master key version new wraps use. */
  currentKeyVersion(): Promise<number>;
  /** Wraps a data key under the current master key version, bound to the context. */
  wrapKey(dataKey: Buffer, context: WrapContext): Promise<WrappedKey>;
  /** Unwraps a data key; throws when the context or the master key version does not match. */
  unwrapKey(wrapped: WrappedKey, context: WrapContext): Promise<Buffer>;
  /** Creates a new master key version and makes it current (for rotation), if the KMS can. */
  createKeyVersion?(): Promise<number>;
}

const WRAP_IV = 12;
const WRAP_TAG = 16;
const MASTER_FILE = /^master(?:\.v([1-9][0-9]{0,8}))?\.key$/;

export interface LocalKmsOptions {
  /** REMEDY_DATA_DIR: master keys live in `<dataDir>/keys/master.key` (v1), `master.v2.key`, ... */
  readonly dataDir: string;
  /**
   * REMEDY_MASTER_KEY: a base64 256-bit key (version 1), or a key ring `1:<base64>,2:<base64>`
   * whose highest version is current. When set, no key file is read or created.
   */
  readonly masterKey?: string;
  /**
   * Key files only: how often the key files are re-read (default 60 s), so a running process
   * starts wrapping under a version created by `keys rotate-master`, and forgets a retired one.
   */
  readonly refreshIntervalMs?: number;
}

/**
 * Master keys held locally: AES-256-GCM key wrapping with the key id, version and case id as
 * associated data. Versions come from the environment, or from files under `<dataDir>/keys`
 * generated on first start (mode 0600, atomic and race-safe).
 */
export class LocalKeyManagementService implements KeyManagementService {
  readonly keyId = 'local';

  private lastLoadedAt = 0;

  private constructor(
    private ring: Map<number, Buffer>,
    private readonly dataDir: string | undefined,
    private readonly refreshMs: number,
  ) {}

  static async load(options: LocalKmsOptions): Promise<LocalKeyManagementService> {
    if (options.masterKey !== undefined && options.masterKey.trim() !== '') {
      return new LocalKeyManagementService(parseKeyRing(options.masterKey), undefined, 0);
    }
    const dir = keysDir(options.dataDir);
    const existing = await readdir(dir).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return [] as string[];
      throw e;
    });
    if (!existing.some((name) => MASTER_FILE.test(name))) {
      // First start: create version 1 (atomic; processes starting together agree on one key).
      await readOrCreateSecretFile(join(dir, 'master.key'), () =>
        Buffer.from(`${randomBytes(32).toString('base64')}\n`),
      );
    }
    const kms = new LocalKeyManagementService(
      new Map(),
      options.dataDir,
      options.refreshIntervalMs ?? 60_000,
    );
    await kms.reloadFiles();
    return kms;
  }

  /** For tests and embedding: a key ring given directly. */
  static fromKeys(keys: ReadonlyMap<number, Buffer>): LocalKeyManagementService {
    for (const [v, k] of keys) {
      if (!Number.isInteger(v) || v < 1 || k.length !== 32)
        throw new KeyMaterialError('invalid master key ring');
    }
    if (keys.size === 0) throw new KeyMaterialError('empty master key ring');
    return new LocalKeyManagementService(new Map(keys), undefined, 0);
  }

  async currentKeyVersion(): Promise<number> {
    if (this.dataDir && Date.now() - this.lastLoadedAt > this.refreshMs) await this.reloadFiles();
    return Math.max(...this.ring.keys());
  }

  /** Whether any master key satisfies the check (used to refuse a master key reused elsewhere). */
  sharesKeyWith(check: (masterKey: Buffer) => boolean): boolean {
    return [...this.ring.values()].some((k) => check(k));
  }

  /** Versions this KMS can unwrap. */
  keyVersions(): number[] {
    return [...this.ring.keys()].sort((a, b) => a - b);
  }

  async wrapKey(dataKey: Buffer, context: WrapContext): Promise<WrappedKey> {
    const keyVersion = await this.currentKeyVersion();
    const iv = randomBytes(WRAP_IV);
    const cipher = createCipheriv('aes-256-gcm', this.master(keyVersion), iv, {
      authTagLength: WRAP_TAG,
    });
    cipher.setAAD(this.aad(keyVersion, context));
    const ct = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return { keyId: this.keyId, keyVersion, wrapped: Buffer.concat([iv, cipher.getAuthTag(), ct]) };
  }

  async unwrapKey(wrapped: WrappedKey, context: WrapContext): Promise<Buffer> {
    if (wrapped.keyId !== this.keyId)
      throw new KeyMaterialError(`data key wrapped by another KMS (${wrapped.keyId})`);
    if (!this.ring.has(wrapped.keyVersion) && this.dataDir) await this.reloadFiles();
    const buf = wrapped.wrapped;
    if (buf.length <= WRAP_IV + WRAP_TAG) throw new DecryptionError('malformed');
    const decipher = createDecipheriv(
      'aes-256-gcm',
      this.master(wrapped.keyVersion),
      buf.subarray(0, WRAP_IV),
      {
        authTagLength: WRAP_TAG,
      },
    );
    decipher.setAAD(this.aad(wrapped.keyVersion, context));
    decipher.setAuthTag(buf.subarray(WRAP_IV, WRAP_IV + WRAP_TAG));
    try {
      return Buffer.concat([decipher.update(buf.subarray(WRAP_IV + WRAP_TAG)), decipher.final()]);
    } catch {
      throw new DecryptionError('authentication_failed');
    }
  }

  /**
   * File-backed only: creates `master.v<n+1>.key` (atomic; two rotations racing agree on the
   * same new key) and makes it current. With REMEDY_MASTER_KEY, add the new version to the
   * environment instead.
   */
  async createKeyVersion(): Promise<number> {
    if (!this.dataDir) {
      throw new KeyMaterialError(
        'REMEDY_MASTER_KEY is set: add a new version (e.g. "1:<old>,2:<new>") and restart',
      );
    }
    await this.reloadFiles();
    const next = (await this.currentKeyVersion()) + 1;
    await readOrCreateSecretFile(join(keysDir(this.dataDir), `master.v${next}.key`), () =>
      Buffer.from(`${randomBytes(32).toString('base64')}\n`),
    );
    await this.reloadFiles();
    return next;
  }

  /**
   * Key files only: deletes a master key version that no data key needs any more (the caller
   * checks that, e.g. `keys retire-master`). Every copy of a data key wrapped under it, in
   * backups, WAL or dead tuples, becomes undecryptable: the end of crypto-shredding.
   */
  async retireKeyVersion(version: number): Promise<void> {
    if (!this.dataDir) {
      throw new KeyMaterialError(
        'REMEDY_MASTER_KEY is set: remove the version from it and restart every process',
      );
    }
    await this.reloadFiles();
    if (!this.ring.has(version))
      throw new KeyMaterialError(`master key version ${version} does not exist`);
    if (version === (await this.currentKeyVersion())) {
      throw new KeyMaterialError('the current master key version cannot be retired; rotate first');
    }
    const name = version === 1 ? 'master.key' : `master.v${version}.key`;
    await unlink(join(keysDir(this.dataDir), name));
    await this.reloadFiles();
  }

  private async reloadFiles(): Promise<void> {
    if (!this.dataDir) return;
    const dir = keysDir(this.dataDir);
    const ring = new Map<number, Buffer>();
    for (const name of await readdir(dir)) {
      const m = MASTER_FILE.exec(name);
      if (!m) continue;
      const version = m[1] ? Number(m[1]) : 1;
      const content = await readSecretFile(join(dir, name));
      if (content)
        ring.set(version, decodeKey256(content.toString('utf8'), `master key file ${name}`));
    }
    if (ring.size === 0) throw new KeyMaterialError('no master key found');
    this.ring = ring;
    this.lastLoadedAt = Date.now();
  }

  private master(version: number): Buffer {
    const key = this.ring.get(version);
    if (!key) throw new KeyMaterialError(`master key version ${version} is not available`);
    return key;
  }

  private aad(version: number, context: WrapContext): Buffer {
    return Buffer.from(
      `remedy/dek/v1/${this.keyId}/${version}/case/${context.caseId.toLowerCase()}`,
      'utf8',
    );
  }
}

function parseKeyRing(value: string): Map<number, Buffer> {
  const ring = new Map<number, Buffer>();
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 1 && !entries[0]!.includes(':')) {
    ring.set(1, decodeKey256(entries[0]!, 'REMEDY_MASTER_KEY'));
    return ring;
  }
  for (const entry of entries) {
    const m = /^([1-9][0-9]{0,8}):(.+)$/.exec(entry);
    if (!m)
      throw new KeyMaterialError(
        'REMEDY_MASTER_KEY must be a base64 key or "1:<base64>,2:<base64>"',
      );
    const version = Number(m[1]);
    if (ring.has(version))
      throw new KeyMaterialError(`REMEDY_MASTER_KEY lists version ${version} twice`);
    ring.set(version, decodeKey256(m[2]!, `REMEDY_MASTER_KEY version ${version}`));
  }
  return ring;
}
