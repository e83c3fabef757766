import type { Pool } from 'pg';
import { resilientPool } from '@remedy/database';
import type { RemedyConfig } from '@remedy/config';
import {
  cryptoEnvironment,
  openPersonalDataCrypto,
  type BlindIndexer,
  type CaseCipher,
} from '@remedy/crypto';
import type { EventStore } from '@remedy/event-store';
import { createEventStore } from '@remedy/platform';

/** What a command-side tool outside Nest (the CLI) opens, wired as the API wires it. */
export interface StandaloneCommandSide {
  readonly pool: Pool;
  readonly store: EventStore;
  readonly cipher: CaseCipher;
  readonly blindIndexer: BlindIndexer;
  close(): Promise<void>;
}

/**
 * The command side's database pool, key files and event store as the configuration names them,
 * for the CLI's `erasure reapply` and `cases reconcile-adult-dates`. `close` ends them in reverse.
 */
export async function openStandaloneCommandSide(
  config: RemedyConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<StandaloneCommandSide> {
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required');
  const pool = resilientPool({ connectionString: config.databaseUrl, max: 2 });
  const crypto = await openPersonalDataCrypto({
    ...cryptoEnvironment(config.dataDir, env),
    pool,
    listen: false,
  });
  const store = createEventStore(config);
  return {
    pool,
    store,
    cipher: crypto.cipher,
    blindIndexer: crypto.blindIndexer,
    close: async () => {
      await store.close();
      await crypto.close().catch(() => undefined);
      await pool.end();
    },
  };
}
