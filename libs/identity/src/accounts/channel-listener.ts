import { Logger } from '@nestjs/common';
import type { Notification, Pool, PoolClient } from 'pg';

export interface ChannelHandlers {
  /** A notification on one of the channels (payload as sent). */
  readonly onNotification: (channel: string, payload: string) => void;
  /**
   * Called once the channels are listened to, at start and after each reconnection: load what a
   * notification missed meanwhile may have changed (a change between LISTEN and the load is in
   * the load or in a notification).
   */
  readonly onListening: () => Promise<void>;
  /** The connection was lost: notifications stop until `onListening` is called again. */
  readonly onLost?: () => void;
}

/**
 * A dedicated PostgreSQL connection LISTENing to some channels of the accounts (the deactivated
 * set, the claims cache), reconnecting when it drops (after 200 ms, then every second).
 */
export class ChannelListener {
  private readonly logger: Logger;
  private client: PoolClient | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly channels: readonly string[],
    private readonly handlers: ChannelHandlers,
    name: string,
  ) {
    this.logger = new Logger(name);
  }

  /** Whether notifications are being received now. */
  get listening(): boolean {
    return this.client !== undefined;
  }

  async start(): Promise<void> {
    this.closed = false;
    const client = await this.pool.connect();
    client.on('notification', (message: Notification) => {
      if (this.client === client && this.channels.includes(message.channel))
        this.handlers.onNotification(message.channel, message.payload ?? '');
    });
    client.on('error', (error: Error) => this.lost(client, error));
    try {
      for (const channel of this.channels) await client.query(`LISTEN ${channel}`);
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
    this.client = client;
    await this.handlers.onListening();
  }

  private lost(client: PoolClient, error: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.release(error);
    this.handlers.onLost?.();
    if (this.closed) return;
    this.logger.warn(`The listener lost its connection (${error.message}); reconnecting`);
    const again = () => {
      this.retry = undefined;
      if (this.closed) return;
      this.start().catch((e: Error) => {
        this.logger.warn(`Reconnecting the listener failed (${e.message})`);
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
      for (const channel of this.channels)
        await client.query(`UNLISTEN ${channel}`).catch(() => undefined);
      client.release();
    }
  }
}
