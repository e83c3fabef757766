import type { RemedyConfig } from '@remedy/config';
import { createJurisdictionPolicy } from '@remedy/case-domain';
import { openStandaloneCommandSide } from '../standalone';
import { backfillMatchTokens, type BackfillOptions, type BackfillReport } from './backfill';
import { PersonMatchTokens } from './person-match-tokens';

/**
 * The token backfill outside Nest (the CLI's `cases backfill-match-tokens`), wired like the API:
 * the same database, event store and key files as the configuration names.
 */
export async function runStandaloneMatchTokenBackfill(
  config: RemedyConfig,
  options: BackfillOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<BackfillReport> {
  const side = await openStandaloneCommandSide(config, env);
  try {
    const tokens = new PersonMatchTokens({
      pool: side.pool,
      indexer: side.blindIndexer,
      store: side.store,
      cipher: side.cipher,
      policy: createJurisdictionPolicy({
        timeZone: config.jurisdictionTimeZone,
        minimumReflectionDays: config.minReflectionDays,
      }),
    });
    return await backfillMatchTokens({ pool: side.pool, store: side.store, tokens }, options);
  } finally {
    await side.close();
  }
}
