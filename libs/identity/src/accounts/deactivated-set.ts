import { Logger } from '@nestjs/common';
import type { Notification, Pool, PoolClient } from 'pg';
import type { DeactivatedAccounts } from '@remedy/auth';

export const DEACTIVATION_CHANNEL = 'identity_account_deactivation';

/**
 * The deactivated accounts, in memory in each API process (AuthGuard asks it on every request):
 * loaded at start, then kept current by PostgreSQL LISTEN/NOTIFY (a trigger of
 * `identity_accounts` notifies `<userId>:1` / `<userId>:0`), and at once for this process's own
 * changes. When the listening connection drops, it reconnects and loads the whole set again
 * (a notification sent meanwhile is not lost: the reload reads the table).
 */
export class DeactivatedSet implements DeactivatedAccounts {
  private readonly logger = new Logger(DeactivatedSet.name);
  private readonly ids = new Set<string>();
  private client: PoolClient | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly load: () => Promise<readonly string[]>,
  ) {}

  isDeactivated(userId: string): boolean {
    return this.ids.has(userId.toLowerCase());
  }

  /** This process's own change, before the notification comes back. */
  set(userId: string, deactivated: boolean): void {
    if (deactivated) this.ids.add(userId.toLowerCase());
    else this.ids.delete(userId.toLowerCase());
  }

  /** Listens first, then loads: a change between the two is in the load or in a notification. */
  async start(): Promise<void> {
    const client = await this.pool.connect();
    this.client = client;
    client.on('notification', (message: Notification) => {
      if (message.channel !== DEACTIVATION_CHANNEL || !message.payload) return;
      const [userId, flag] = message.payload.split(':');
      if (userId) this.set(userId, flag === '1');
    });
    client.on('error', (error: Error) => this.lost(client, error));
    await client.query(`LISTEN ${DEACTIVATION_CHANNEL}`);
    const ids = await this.load();
    this.ids.clear();
    for (const id of ids) this.ids.add(id.toLowerCase());
  }

  private lost(client: PoolClient, error: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.release(error);
    if (this.closed) return;
    this.logger.warn(
      `The deactivation listener lost its connection (${error.message}); reconnecting`,
    );
    const again = () => {
      this.retry = undefined;
      if (this.closed) return;
      this.start().catch((e: Error) => {
        this.logger.warn(`Reconnecting the deactivation listener failed (${e.message})`);
        this.retry = setTimeout(again, 1_000);
        this.retry.unref();
      });
    };
    this.retry = setTimeout(again, 200);
    this.retry.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    if (client) {
      await client.query(`UNLISTEN ${DEACTIVATION_CHANNEL}`).catch(() => undefined);
      client.release();
    }
  }
}
