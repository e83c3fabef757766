/**
 * The duplicate-decisions process manager (issue 19) in a child process, wired as the worker wires
 * it (ProjectionRunner over `duplicateDecisionsProcess`, the one case command pipeline, the key
 * files of REMEDY_DATA_DIR, the database of DATABASE_URL). Prints `ready`, `holding <decision id>`
 * before each mirror append (and with MIRROR_HOLD=1 then waits there: the test SIGKILLs it between
 * the two appends) and `mirrored <outcome> <decision id>` after.
 */
import { DataSource } from 'typeorm';
import {
  CaseCommandPipeline,
  duplicateDecisionsProcess,
  PersonMatchTokens,
} from '@remedy/case-commands';
import { createJurisdictionPolicy } from '@remedy/case-domain';
import { loadConfig } from '@remedy/config';
import { cryptoEnvironment, openPersonalDataCrypto } from '@remedy/crypto';
import { ProjectionRunner } from '@remedy/projections';
import { createEventStore } from '@remedy/platform';
import { Pool } from 'pg';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const pool = new Pool({ connectionString: config.databaseUrl, max: 4 });
  pool.on('error', () => undefined);
  const crypto = await openPersonalDataCrypto({
    ...cryptoEnvironment(config.dataDir, process.env),
    pool,
    listen: false,
  });
  const store = createEventStore(config);
  const policy = createJurisdictionPolicy({ timeZone: config.jurisdictionTimeZone });
  const pipeline = new CaseCommandPipeline(store, crypto.cipher, policy, () => new Date(), pool);
  const tokens = new PersonMatchTokens({
    pool,
    indexer: crypto.blindIndexer,
    store,
    cipher: crypto.cipher,
    policy,
  });
  const dataSource = new DataSource({
    type: 'postgres',
    url: config.databaseUrl,
    extra: { max: 2 },
  });
  await dataSource.initialize();
  const hold = process.env.MIRROR_HOLD === '1';
  const runner = new ProjectionRunner({
    dataSource,
    eventStore: store,
    lockRetryMs: 100,
    retry: { initialMs: 100, maxMs: 500 },
    projection: duplicateDecisionsProcess({
      pipeline,
      tokens,
      beforeMirror: async (decisionId) => {
        console.log(`holding ${decisionId}`);
        if (hold) await new Promise(() => undefined); // until SIGKILL
      },
      afterMirror: (decisionId, outcome) => console.log(`mirrored ${outcome} ${decisionId}`),
      logger: {
        log: () => undefined,
        warn: (m: unknown) => console.log(`warn ${JSON.stringify(m)}`),
      },
    }),
    logger: {
      info: () => undefined,
      error: (msg, fields) => console.log(`error ${msg} ${JSON.stringify(fields ?? {})}`),
    },
  });
  runner.start();
  console.log('ready');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
