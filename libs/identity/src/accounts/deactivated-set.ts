import type { Pool } from 'pg';
import type { DeactivatedAccounts } from '@remedy/auth';
import { ChannelListener } from './channel-listener';

export const DEACTIVATION_CHANNEL = 'identity_account_deactivation';

/**
 * The deactivated accounts, in memory in each API process (AuthGuard asks it on every request):
 * loaded at start, then kept current by PostgreSQL LISTEN/NOTIFY (a trigger of
 * `identity_accounts` notifies `<userId>:1` / `<userId>:0`), and at once for this process's own
 * changes. When the listening connection drops, it reconnects and loads the whole set again
 * (a notification sent meanwhile is not lost: the reload reads the table).
 */
export class DeactivatedSet implements DeactivatedAccounts {
  private readonly ids = new Set<string>();
  private readonly listener: ChannelListener;

  constructor(pool: Pool, load: () => Promise<readonly string[]>) {
    this.listener = new ChannelListener(
      pool,
      [DEACTIVATION_CHANNEL],
      {
        onNotification: (_channel, payload) => {
          const [userId, flag] = payload.split(':');
          if (userId) this.set(userId, flag === '1');
        },
        onListening: async () => {
          const ids = await load();
          this.ids.clear();
          for (const id of ids) this.ids.add(id.toLowerCase());
        },
      },
      DeactivatedSet.name,
    );
  }

  isDeactivated(userId: string): boolean {
    return this.ids.has(userId.toLowerCase());
  }

  /** This process's own change, before the notification comes back. */
  set(userId: string, deactivated: boolean): void {
    if (deactivated) this.ids.add(userId.toLowerCase());
    else this.ids.delete(userId.toLowerCase());
  }

  /** Listens first, then loads: a change between the two is in the load or in a notification. */
  start(): Promise<void> {
    return this.listener.start();
  }

  close(): Promise<void> {
    return this.listener.close();
  }
}
