import { createJurisdictionPolicy } from '@remedy/case-domain';
import type { RemedyConfig } from '@remedy/config';
import { createQueueKit, queueBackendFor } from '@remedy/queue';
import { CaseCommandPipeline } from '../pipeline/case-command-pipeline';
import { openStandaloneCommandSide } from '../standalone';
import {
  coreErasureSteps,
  Eraser,
  ErasureSteps,
  keyDestroyedIn,
  type ErasureStepContribution,
} from './erasure';
import { ErasureLedger } from './erasure-ledger';

/**
 * An Eraser outside Nest (the CLI's `erasure reapply`), wired like the API's: the same steps (the
 * core ones, then `contributions`: the caller passes what the API's modules contribute, e.g.
 * `REMINDERS_ERASURE` of @remedy/case-reminders), ledger, key files, event store and queue backend
 * as the configuration names.
 */
export async function openStandaloneEraser(
  config: RemedyConfig,
  contributions: readonly ErasureStepContribution[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ readonly eraser: Eraser; close(): Promise<void> }> {
  const { pool, store, cipher, close } = await openStandaloneCommandSide(config, env);
  const kit = createQueueKit(
    queueBackendFor({ REDIS_URL: config.redisUrl, DATABASE_URL: config.databaseUrl }),
  );
  const steps = new ErasureSteps(coreErasureSteps({ pool, cipher }));
  for (const c of contributions) steps.register(c.stepFor({ pool, kit }));
  const policy = createJurisdictionPolicy({
    timeZone: config.jurisdictionTimeZone,
    minimumReflectionDays: config.minReflectionDays,
  });
  const pipeline = new CaseCommandPipeline(store, cipher, policy, () => new Date());
  const eraser = new Eraser({
    ledger: new ErasureLedger(config.erasureLedgerPath),
    steps,
    store,
    pipeline,
    keyDestroyed: keyDestroyedIn(pool),
  });
  return {
    eraser,
    close: async () => {
      await kit.close();
      await close();
    },
  };
}
