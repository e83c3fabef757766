import { Pool } from 'pg';
import type { Queue } from 'bullmq';
import { createJurisdictionPolicy } from '@remedy/case-domain';
import { REMINDERS_QUEUE, type ReminderJobData } from '@remedy/case-reminders';
import type { RemedyConfig } from '@remedy/config';
import { cryptoEnvironment, openPersonalDataCrypto } from '@remedy/crypto';
import { createEventStore } from '@remedy/platform';
import { createQueueKit, queueBackendFor } from '@remedy/queue';
import { CaseCommandPipeline } from '../pipeline/case-command-pipeline';
import { coreErasureSteps, Eraser, ErasureSteps, keyDestroyedIn } from './erasure';
import { ErasureLedger } from './erasure-ledger';

/**
 * An Eraser outside Nest (the CLI's `erasure reapply`), wired like the API's: the same steps,
 * ledger, key files, event store and queue backend as the configuration names.
 */
export async function openStandaloneEraser(
  config: RemedyConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ readonly eraser: Eraser; close(): Promise<void> }> {
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required');
  const pool = new Pool({ connectionString: config.databaseUrl, max: 2 });
  pool.on('error', () => undefined);
  const crypto = await openPersonalDataCrypto({
    ...cryptoEnvironment(config.dataDir, env),
    pool,
    listen: false,
  });
  const store = createEventStore(config);
  const kit = createQueueKit(
    queueBackendFor({ REDIS_URL: config.redisUrl, DATABASE_URL: config.databaseUrl }),
  );
  let queue: Queue<ReminderJobData> | undefined;
  const steps = new ErasureSteps(
    coreErasureSteps({
      pool,
      cipher: crypto.cipher,
      reminderQueue: () => (queue ??= kit.queue<ReminderJobData>(REMINDERS_QUEUE)),
    }),
  );
  const policy = createJurisdictionPolicy({
    timeZone: config.jurisdictionTimeZone,
    minimumReflectionDays: config.minReflectionDays,
  });
  const pipeline = new CaseCommandPipeline(store, crypto.cipher, policy, () => new Date());
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
      await store.close();
      await crypto.close().catch(() => undefined);
      await pool.end();
    },
  };
}
