import { Pool, type PoolConfig } from 'pg';

const ignore = (): undefined => undefined;

/**
 * A node-postgres pool that a server going away (restart, crash, failover) cannot crash the
 * process through. pg emits `error` on a client whose connection ends, whether the client is idle
 * in the pool (the pool's `error` event) or checked out by `pool.connect()` for a transaction (the
 * client's own `error` event, which nobody listens to between two of its queries): an `error`
 * event without a listener is thrown as an uncaught exception. Here both have a listener; the
 * query in flight fails as it would anyway (its caller answers 503), the client is no longer
 * queryable, and the pool discards it on release and connects afresh for the next caller.
 */
export function resilientPool(config: PoolConfig): Pool {
  const pool = new Pool(config);
  pool.on('error', ignore);
  pool.on('connect', (client) => client.on('error', ignore));
  return pool;
}
