import { join } from 'node:path';
import { BlindIndexer, loadBlindIndexer } from './blind-index';
import { KeyMaterialError } from './errors';
import { LocalKeyManagementService } from './kms';

/** Where this lib reads its settings; libs/config may supply the same values. */
export interface CryptoEnvironment {
  readonly dataDir: string;
  readonly masterKey?: string;
  readonly blindIndexKey?: string;
}

/** REMEDY_DATA_DIR (default `<cwd>/.remedy-data`), REMEDY_MASTER_KEY, REMEDY_BLIND_INDEX_KEY. */
export function cryptoEnvironment(env: NodeJS.ProcessEnv = process.env): CryptoEnvironment {
  return {
    dataDir: env.REMEDY_DATA_DIR?.trim() || join(process.cwd(), '.remedy-data'),
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
