import type { Notification, Pool, PoolClient } from 'pg';
import { CASE_KEY_DESTROYED_CHANNEL, CaseDataKeyRepository } from './data-key-repository';
import {
  canonicalCaseId,
  decryptWithDataKey,
  encryptWithDataKey,
  generateDataKey,
  parseCiphertext,
} from './envelope';
import { DecryptionError, PersonalDataErasedError } from './errors';
import { TtlLruCache } from './key-cache';
import type { KeyManagementService } from './kms';

export interface CaseCipherOptions {
  readonly pool: Pool;
  readonly kms: KeyManagementService;
  /** Unwrapped data keys kept in memory (default 10,000). */
  readonly cacheMaxEntries?: number;
  /** How long an unwrapped key stays cached (default 60 s). Bounds how long a key destroyed elsewhere
   * stays usable here when the destroy notification (LISTEN/NOTIFY) is not received. */
  readonly cacheTtlMs?: number;
  readonly now?: () => number;
}

export interface RotationReport {
  readonly keyId: string;
  readonly keyVersion: number;
  readonly rewrapped: number;
  /** Opaque ids of cases whose wrapped key could not be unwrapped (corrupt or foreign); left untouched. */
  readonly failed: string[];
}

interface CachedKey {
  readonly key: Buffer;
  readonly dataKeyVersion: number;
}

const DATA_KEY_VERSION = 1;

/** The primary key of `case_data_keys` (one row per case: a key or a tombstone). */
const CASE_DATA_KEYS_PKEY = 'case_data_keys_pkey';

/**
 * A new case's data key whose row is inserted by the statement that appends the case's first
 * events (`CaseCipher.newCaseKey`): the key seals those events meanwhile, and becomes the case's
 * key only once that statement committed the row.
 */
export interface NewCaseKey {
  /**
   * The row's INSERT, as a write committed with the append (@remedy/event-store `AlongsideWrite`:
   * it inserts nothing when the append wrote no event; a row already there, key or tombstone,
   * fails the whole statement, see `CaseCipher.isCaseKeyConflict`).
   */
  readonly insert: { readonly text: string; readonly values: readonly unknown[] };
  /** The append committed the row: the key is the case's (cached like any loaded key). */
  committed(): void;
  /** The append did not commit the row: the key is forgotten (it sealed nothing stored). */
  discard(): void;
}

/**
 * Envelope encryption of a case's personal data: one data key per case, created lazily on
 * first encryption, stored wrapped by the KMS master key in `case_data_keys`, unwrapped keys
 * cached in memory (bounded, with TTL). Destroying the key crypto-shreds every ciphertext of
 * the case: decryption then fails with PersonalDataErasedError.
 */
export class CaseCipher {
  private readonly repository: CaseDataKeyRepository;
  private readonly cache: TtlLruCache<string, CachedKey>;
  private readonly pending = new Map<string, Promise<CachedKey>>();
  /** Keys of `newCaseKey` not committed yet: they encrypt for their case, nothing else. */
  private readonly provisional = new Map<string, CachedKey>();
  private listener: { client: PoolClient; release: (err?: Error) => void } | undefined;
  /** Bumped on every destroy seen, so a key loaded while a destroy ran is not cached. */
  private destroyEpoch = 0;

  constructor(private readonly options: CaseCipherOptions) {
    this.repository = new CaseDataKeyRepository(options.pool);
    this.cache = new TtlLruCache(
      options.cacheMaxEntries ?? 10_000,
      options.cacheTtlMs ?? 60_000,
      options.now,
    );
  }

  /** Encrypts a UTF-8 string or bytes for a case; creates the case's data key if needed. */
  async encryptForCase(caseId: string, plaintext: string | Buffer): Promise<string> {
    const id = canonicalCaseId(caseId);
    const { key, dataKeyVersion } = await this.keyFor(id, 'encrypt');
    return encryptWithDataKey(key, id, plaintext, dataKeyVersion);
  }

  /**
   * Creates the data key of a case whose stream does not exist yet (its opening), inserting it
   * without looking for one first (one round trip instead of two); when the case has a row already
   * (a retry of the opening, another process first, or the tombstone of an erased case), that row
   * is used as `encryptForCase` would (PersonalDataErasedError for a tombstone).
   */
  async createCaseKey(caseId: string): Promise<void> {
    await this.keyFor(canonicalCaseId(caseId), 'create');
  }

  /**
   * A new data key for a case whose stream does not exist yet (its opening), for a store that
   * commits other writes with an append (PostgreSQL): no round trip of its own, the row rides in
   * the append's statement (`NewCaseKey.insert`), so the key exists exactly when the events it
   * sealed do, and a failed append leaves no orphan key. Until `committed()`, the key encrypts for
   * the case in this process (the sealing of the opening's events) and is not cached.
   */
  async newCaseKey(caseId: string): Promise<NewCaseKey> {
    const id = canonicalCaseId(caseId);
    const epoch = this.destroyEpoch;
    const key = generateDataKey();
    const wrapped = await this.options.kms.wrapKey(key, { caseId: id });
    const entry: CachedKey = { key, dataKeyVersion: DATA_KEY_VERSION };
    this.provisional.set(id, entry);
    let settled = false;
    return {
      insert: {
        text: `INSERT INTO case_data_keys (case_id, data_key_version, wrapped_key, master_key_id, master_key_version)
         SELECT $1::uuid, $2::int, $3::bytea, $4::text, $5::int WHERE EXISTS (SELECT 1 FROM appended)`,
        values: [id, DATA_KEY_VERSION, wrapped.wrapped, wrapped.keyId, wrapped.keyVersion],
      },
      committed: () => {
        if (settled) return;
        settled = true;
        if (this.provisional.get(id) === entry) this.provisional.delete(id);
        this.remember(id, entry, epoch);
      },
      discard: () => {
        if (settled) return;
        settled = true;
        if (this.provisional.get(id) === entry) this.provisional.delete(id);
      },
    };
  }

  /**
   * Whether an append failed because the case already had a `case_data_keys` row (an orphan key
   * of an opening whose append failed before this path, or a tombstone) while its stream did not
   * exist: `NewCaseKey.insert` refuses to shadow it; the opening then uses `createCaseKey`.
   */
  isCaseKeyConflict(error: unknown): boolean {
    const e = error as { code?: unknown; constraint?: unknown; cause?: unknown } | null;
    if (!e || typeof e !== 'object') return false;
    if (e.code === '23505' && e.constraint === CASE_DATA_KEYS_PKEY) return true;
    return e.cause !== undefined && e.cause !== error && this.isCaseKeyConflict(e.cause);
  }

  /** Decrypts to a UTF-8 string. */
  async decryptForCase(caseId: string, ciphertext: string): Promise<string> {
    return (await this.decryptBytesForCase(caseId, ciphertext)).toString('utf8');
  }

  async decryptBytesForCase(caseId: string, ciphertext: string): Promise<Buffer> {
    const id = canonicalCaseId(caseId);
    const parsed = parseCiphertext(ciphertext);
    const { key, dataKeyVersion } = await this.keyFor(id, 'decrypt');
    if (parsed.dataKeyVersion !== dataKeyVersion)
      throw new DecryptionError('authentication_failed');
    return decryptWithDataKey(key, id, ciphertext);
  }

  /** Encrypts any JSON-serialisable value. */
  async encryptJsonForCase(caseId: string, value: unknown): Promise<string> {
    const json = JSON.stringify(value);
    if (json === undefined) throw new TypeError('value is not JSON-serialisable');
    return this.encryptForCase(caseId, json);
  }

  async decryptJsonForCase<T = unknown>(caseId: string, ciphertext: string): Promise<T> {
    return JSON.parse(await this.decryptForCase(caseId, ciphertext)) as T;
  }

  /**
   * Crypto-shredding: erases the case's wrapped data key (keeping a tombstone so the erasure
   * is reported as such and no new key is ever created for the case) and drops it from this
   * process's cache; other processes listening drop theirs on the notification. Idempotent;
   * returns false when the key had already been destroyed.
   */
  async destroyCaseKey(caseId: string): Promise<boolean> {
    const id = canonicalCaseId(caseId);
    this.forget(id);
    const destroyed = await this.repository.destroy(id);
    this.forget(id);
    return destroyed;
  }

  /**
   * Drops the case's unwrapped key from this process's cache at once (no database call): for a
   * process that learns of an erasure from the case's stream (the erasure event precedes the
   * key's destruction) before the destroy notification reaches it.
   */
  forgetCaseKey(caseId: string): void {
    this.forget(canonicalCaseId(caseId));
  }

  /**
   * Re-wraps every live data key under the KMS's current master key version (after creating
   * a new version when `newVersion` is true and the KMS supports it). Ciphertexts and events
   * are untouched: only `case_data_keys` changes.
   */
  async rotateMasterKey(
    options: { newVersion?: boolean; batchSize?: number } = {},
  ): Promise<RotationReport> {
    const { kms } = this.options;
    if (options.newVersion) {
      if (!kms.createKeyVersion) throw new Error('this KMS cannot create master key versions');
      await kms.createKeyVersion();
    }
    const keyVersion = await kms.currentKeyVersion();
    const { rewrapped, failed } = await this.repository.rewrapAll(
      { keyId: kms.keyId, keyVersion },
      async (caseId, wrapped) => {
        const dataKey = await kms.unwrapKey(wrapped, { caseId });
        return kms.wrapKey(dataKey, { caseId });
      },
      options.batchSize,
    );
    return { keyId: kms.keyId, keyVersion, rewrapped, failed };
  }

  /** Live data keys per master key version. */
  masterKeyUsage(): Promise<Array<{ keyId: string; keyVersion: number; count: number }>> {
    return this.repository.countByMasterKeyVersion();
  }

  /**
   * Listens for keys destroyed by other processes (PostgreSQL LISTEN on a dedicated
   * connection) and drops them from the cache at once. Optional: without it, the TTL bounds
   * how long a destroyed key stays usable in this process.
   */
  async listenForDestroyedKeys(): Promise<void> {
    if (this.listener) return;
    const client = await this.options.pool.connect();
    let released = false;
    const onNotification = (msg: Notification) => {
      if (msg.channel === CASE_KEY_DESTROYED_CHANNEL && msg.payload) this.forget(msg.payload);
    };
    // Gives the client back to the pool once: with an error, the pool destroys it (a client kept
    // checked out would make the pool's end() wait forever).
    const release = (err?: Error) => {
      if (released) return;
      released = true;
      client.off('notification', onNotification);
      client.off('error', onError);
      if (this.listener?.client === client) this.listener = undefined;
      client.release(err);
    };
    const onError = (err: Error) => {
      // Connection lost: fall back to the TTL.
      this.destroyEpoch++;
      this.cache.clear();
      release(err);
    };
    client.on('notification', onNotification);
    client.on('error', onError);
    try {
      await client.query(`LISTEN ${CASE_KEY_DESTROYED_CHANNEL}`);
    } catch (err) {
      release(err as Error);
      throw err;
    }
    if (!released) this.listener = { client, release };
  }

  /** Stops listening and forgets every cached key. */
  async close(): Promise<void> {
    this.cache.clear();
    this.provisional.clear();
    const listener = this.listener;
    this.listener = undefined;
    if (listener) {
      await listener.client.query(`UNLISTEN ${CASE_KEY_DESTROYED_CHANNEL}`).catch(() => undefined);
      listener.release();
    }
  }

  private keyFor(caseId: string, purpose: 'create' | 'encrypt' | 'decrypt'): Promise<CachedKey> {
    if (purpose === 'encrypt') {
      const provisional = this.provisional.get(caseId);
      if (provisional) return Promise.resolve(provisional);
    }
    const cached = this.cache.get(caseId);
    if (cached) return Promise.resolve(cached);
    const inFlight = this.pending.get(`${purpose}:${caseId}`);
    if (inFlight) return inFlight;
    const loading = this.loadKey(caseId, purpose).finally(() =>
      this.pending.delete(`${purpose}:${caseId}`),
    );
    this.pending.set(`${purpose}:${caseId}`, loading);
    return loading;
  }

  private async loadKey(
    caseId: string,
    purpose: 'create' | 'encrypt' | 'decrypt',
  ): Promise<CachedKey> {
    const { kms } = this.options;
    const epoch = this.destroyEpoch;
    let stored = purpose === 'create' ? undefined : await this.repository.find(caseId);
    if (!stored && purpose !== 'decrypt') {
      const key = generateDataKey();
      const wrapped = await kms.wrapKey(key, { caseId });
      if (await this.repository.insertIfAbsent(caseId, DATA_KEY_VERSION, wrapped)) {
        return this.remember(caseId, { key, dataKeyVersion: DATA_KEY_VERSION }, epoch);
      }
      stored = await this.repository.find(caseId); // another process created it first
    }
    if (!stored) throw new DecryptionError('no_data_key');
    if (stored.state === 'destroyed') throw new PersonalDataErasedError(caseId);
    const key = await kms.unwrapKey(stored.wrapped, { caseId });
    return this.remember(caseId, { key, dataKeyVersion: stored.dataKeyVersion }, epoch);
  }

  private remember(caseId: string, entry: CachedKey, epoch: number): CachedKey {
    if (epoch === this.destroyEpoch) this.cache.set(caseId, entry);
    return entry;
  }

  private forget(caseId: string): void {
    this.destroyEpoch++;
    this.cache.delete(caseId);
    this.provisional.delete(caseId);
  }
}
