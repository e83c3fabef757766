import { Pool } from 'pg';
import type { RemedyConfig } from '@remedy/config';
import { cryptoEnvironment, openPersonalDataCrypto } from '@remedy/crypto';
import { createEventStore } from '@remedy/platform';
import { AdultDatesReconciler } from './adult-dates';

/**
 * An `AdultDatesReconciler` outside Nest (the CLI's `cases reconcile-adult-dates`), wired like
 * the API's: the same database, event store and key files as the configuration names.
 */
export async function openStandaloneAdultDates(
  config: RemedyConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ readonly reconciler: AdultDatesReconciler; close(): Promise<void> }> {
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required');
  const pool = new Pool({ connectionString: config.databaseUrl, max: 2 });
  pool.on('error', () => undefined);
  const crypto = await openPersonalDataCrypto({
    ...cryptoEnvironment(config.dataDir, env),
    pool,
    listen: false,
  });
  const store = createEventStore(config);
  return {
    reconciler: new AdultDatesReconciler({ pool, store, cipher: crypto.cipher }),
    close: async () => {
      await store.close();
      await crypto.close().catch(() => undefined);
      await pool.end();
    },
  };
}
