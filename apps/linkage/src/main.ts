/**
 * The linkage unit (issue 19 part 2): a process of its own, run by whoever the jurisdiction
 * trusts with linkage (the national rapporteur's office, a trusted third party). It connects with
 * LINKAGE_DATABASE_URL as the PostgreSQL role `remedy_linkage`, which reaches schema `linkage`
 * only, and runs `runLinkage` every LINKAGE_INTERVAL_SECONDS (a run compares only when the
 * encodings changed). It holds no key: not the shared secret, not a data key, not a blind-index key.
 *
 * At start it checks its own connection and refuses to run with a role that could read more than
 * its schema (a superuser, or one that can read `linkage_records` or `events`): the separation is
 * the point of the unit.
 */
import type { Pool } from 'pg';
import { resilientPool } from '@remedy/database';
import { ConfigError, loadConfig } from '@remedy/config';
import { runLinkage } from '@remedy/linkage';

const log = (fields: Record<string, unknown>) =>
  process.stdout.write(
    `${JSON.stringify({ app: 'linkage', time: new Date().toISOString(), ...fields })}\n`,
  );

async function checkRole(pool: Pool): Promise<void> {
  const { rows } = await pool.query<{ role: string; superuser: boolean; reaches: boolean }>(
    `SELECT current_user AS role, r.rolsuper OR r.rolbypassrls AS superuser,
            has_table_privilege('public.linkage_records', 'SELECT')
              OR has_table_privilege('public.events', 'SELECT') AS reaches
       FROM pg_roles r WHERE r.rolname = current_user`,
  );
  const me = rows[0]!;
  if (me.superuser || me.reaches) {
    throw new ConfigError([
      {
        key: 'LINKAGE_DATABASE_URL',
        message: `LINKAGE_DATABASE_URL must connect as the role remedy_linkage (privileges on schema linkage only), not ${me.role}`,
      },
    ]);
  }
}

async function main(): Promise<number> {
  // No DATABASE_URL: the unit never connects as the organisation side's login.
  const config = loadConfig(process.env, { requireDatabase: false });
  if (!config.linkage.databaseUrl) {
    throw new ConfigError([
      {
        key: 'LINKAGE_DATABASE_URL',
        message:
          'LINKAGE_DATABASE_URL must be set (the role remedy_linkage; `npm start` sets it with the embedded PostgreSQL)',
      },
    ]);
  }
  const pool = resilientPool({ connectionString: config.linkage.databaseUrl, max: 2 });
  await checkRole(pool);
  log({ msg: 'linkage unit started', intervalSeconds: config.linkage.intervalSeconds });

  let stopping = false;
  let wake: () => void = () => undefined;
  const stop = () => {
    stopping = true;
    wake();
  };
  // A second signal (a terminal's Ctrl-C and the supervisor's forwarding) finds the loop stopping.
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  while (!stopping) {
    try {
      const report = await runLinkage(pool);
      if (!report.skipped) log({ msg: 'linkage run', ...report });
    } catch (e) {
      log({ msg: 'linkage run failed', error: e instanceof Error ? e.message : 'error' });
    }
    // The wait keeps the process alive (an unref'd timer let it exit once the pool's idle
    // connections closed); a signal ends it at once.
    await new Promise<void>((res) => {
      const timer = setTimeout(res, config.linkage.intervalSeconds * 1000);
      wake = () => {
        clearTimeout(timer);
        res();
      };
    });
  }
  await pool.end();
  log({ msg: 'linkage unit stopped' });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof ConfigError ? e.message : e);
    process.exit(e instanceof ConfigError ? 78 : 1);
  },
);
