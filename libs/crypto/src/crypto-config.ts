import type { Pool } from 'pg';
import { BlindIndexer, loadBlindIndexer } from './blind-index';
import { CaseCipher, type CaseCipherOptions } from './case-cipher';
import { KeyMaterialError } from './errors';
import { LocalKeyManagementService } from './kms';

/** Where the keys come from. */
export interface CryptoEnvironment {
  /** REMEDY_DATA_DIR (from libs/config): key files live in `<dataDir>/keys/`. */
  readonly dataDir: string;
  /** REMEDY_MASTER_KEY: base64 key, or key ring `1:<base64>,2:<base64>`; else key files. */
  readonly masterKey?: string;
  /** REMEDY_BLIND_INDEX_KEY: base64 key; else `<dataDir>/keys/blind-index.key`. */
  readonly blindIndexKey?: string;
}

/** The data dir (from the validated config) plus REMEDY_MASTER_KEY and REMEDY_BLIND_INDEX_KEY. */
export function cryptoEnvironment(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): CryptoEnvironment {
  return {
    dataDir,
    ...(env.REMEDY_MASTER_KEY ? { masterKey: env.REMEDY_MASTER_KEY } : {}),
    ...(env.REMEDY_BLIND_INDEX_KEY ? { blindIndexKey: env.REMEDY_BLIND_INDEX_KEY } : {}),
  };
}

/**
 * Loads (creating on first start) the local master key ring and the blind index key, and
 * refuses to run when the blind index key is also a master key.
 */
export async function loadLocalKeys(
  config: CryptoEnvironment,
): Promise<{ kms: LocalKeyManagementService; blindIndexer: BlindIndexer }> {
  const kms = await LocalKeyManagementService.load({
    dataDir: config.dataDir,
    ...(config.masterKey !== undefined ? { masterKey: config.masterKey } : {}),
  });
  const blindIndexer = await loadBlindIndexer({
    dataDir: config.dataDir,
    ...(config.blindIndexKey !== undefined ? { blindIndexKey: config.blindIndexKey } : {}),
  });
  if (kms.sharesKeyWith((key) => blindIndexer.usesKey(key))) {
    throw new KeyMaterialError('the blind index key must differ from every master key');
  }
  return { kms, blindIndexer };
}

export interface PersonalDataCrypto {
  readonly cipher: CaseCipher;
  readonly blindIndexer: BlindIndexer;
  readonly kms: LocalKeyManagementService;
  /** Stops listening for destroyed keys and forgets cached keys (does not end the pool). */
  close(): Promise<void>;
}

/**
 * Everything a process needs to handle personal data, wired the default way: local keys,
 * a CaseCipher on the given pool that listens for keys destroyed by other processes.
 */
export async function openPersonalDataCrypto(
  options: CryptoEnvironment & { readonly pool: Pool; readonly listen?: boolean } & Pick<
      CaseCipherOptions,
      'cacheMaxEntries' | 'cacheTtlMs'
    >,
): Promise<PersonalDataCrypto> {
  const { kms, blindIndexer } = await loadLocalKeys(options);
  const cipher = new CaseCipher({
    pool: options.pool,
    kms,
    ...(options.cacheMaxEntries !== undefined ? { cacheMaxEntries: options.cacheMaxEntries } : {}),
    ...(options.cacheTtlMs !== undefined ? { cacheTtlMs: options.cacheTtlMs } : {}),
  });
  if (options.listen !== false) await cipher.listenForDestroyedKeys();
  return { cipher, blindIndexer, kms, close: () => cipher.close() };
}
