import type { RemedyConfig } from '@remedy/config';
import { openStandaloneCommandSide } from '../standalone';
import { AdultDatesReconciler } from './adult-dates';

/**
 * An `AdultDatesReconciler` outside Nest (the CLI's `cases reconcile-adult-dates`), wired like
 * the API's: the same database, event store and key files as the configuration names.
 */
export async function openStandaloneAdultDates(
  config: RemedyConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ readonly reconciler: AdultDatesReconciler; close(): Promise<void> }> {
  const side = await openStandaloneCommandSide(config, env);
  return {
    reconciler: new AdultDatesReconciler({
      pool: side.pool,
      store: side.store,
      cipher: side.cipher,
    }),
    close: () => side.close(),
  };
}
