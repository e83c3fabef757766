import type { Pool } from 'pg';
import { TtlLruCache } from '@remedy/crypto';
import { ChannelListener } from './channel-listener';
import type { AccountClaims } from './ports';

/** Notified (payload: the user id) by a trigger when an account's claims may have changed. */
export const CLAIMS_CHANNEL = 'identity_account_claims';

export interface AccountClaimsCacheOptions {
  /** Accounts kept (default 10,000; least recently used evicted). */
  readonly maxEntries?: number;
  /**
   * How long an entry is used without a notification (default 5 min): a backstop only, every
   * change is notified.
   */
  readonly ttlMs?: number;
}

/**
 * The claims `GET /session` answers (display name, language, roles; none for an unknown or
 * deactivated account), cached in memory in each API process so the trivial authenticated route
 * sends no SQL (issue 18 item 2). Kept current the way the deactivated set is: a trigger of
 * `identity_accounts` NOTIFYs `identity_account_claims` with the user id when an account is
 * inserted, deleted, or its display name, language, roles, organisation or deactivation change;
 * each process LISTENs and drops the entry, and drops its own changes at once (AccountStore's
 * `onClaimsChange`, after the commit). So a change made through one process is seen by this one
 * as soon as the commit's notification arrives (milliseconds), by the changing process at once.
 * While the listening connection is down nothing is cached (every call reads the table); on
 * reconnection the cache starts empty. A read that overlaps an invalidation is answered but not
 * cached (an epoch counts invalidations), so a stale row never outlives its notification.
 */
export class AccountClaimsCache {
  private readonly cache: TtlLruCache<string, AccountClaims | null>;
  private readonly listener: ChannelListener;
  /** Bumped on every invalidation: a read that saw it change is not cached. */
  private epoch = 0;

  constructor(
    pool: Pool,
    private readonly load: (userId: string) => Promise<AccountClaims | undefined>,
    options: AccountClaimsCacheOptions = {},
  ) {
    this.cache = new TtlLruCache(options.maxEntries ?? 10_000, options.ttlMs ?? 5 * 60_000);
    this.listener = new ChannelListener(
      pool,
      [CLAIMS_CHANNEL],
      {
        onNotification: (_channel, payload) => this.invalidate(payload),
        onListening: async () => this.invalidateAll(),
        onLost: () => this.invalidateAll(),
      },
      AccountClaimsCache.name,
    );
  }

  /** An active account's claims; undefined for an unknown or deactivated one. */
  async claimsOf(userId: string): Promise<AccountClaims | undefined> {
    const id = userId.toLowerCase();
    const cached = this.cache.get(id);
    if (cached !== undefined) return cached ?? undefined;
    const epoch = this.epoch;
    const claims = await this.load(id);
    if (epoch === this.epoch && this.listener.listening) this.cache.set(id, claims ?? null);
    return claims;
  }

  /** The account's claims may have changed (this process's change, after its commit). */
  invalidate(userId: string): void {
    this.epoch++;
    this.cache.delete(userId.toLowerCase());
  }

  private invalidateAll(): void {
    this.epoch++;
    this.cache.clear();
  }

  start(): Promise<void> {
    return this.listener.start();
  }

  async close(): Promise<void> {
    await this.listener.close();
    this.invalidateAll();
  }
}
