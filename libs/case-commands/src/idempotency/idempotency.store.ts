import { Inject, Injectable } from '@nestjs/common';
import { APPENDED_POSITION_SQL, APPENDED_REVISION_SQL } from '@remedy/http';
import type { Pool } from 'pg';
import { sha256 } from '../pipeline/ids';
import { COMMANDS_POOL } from '../tokens';

export interface IdempotencyScope {
  readonly userId: string;
  /** Method and path (opaque ids only). */
  readonly route: string;
  readonly key: string;
}

export type Reservation =
  | {
      readonly kind: 'reserved';
      readonly keyHash: string;
      /**
       * The key's first use: no request with it reached a command before, so no append of this
       * command can exist (a later use, after a released or abandoned reservation, may find one).
       */
      readonly firstUse: boolean;
    }
  | { readonly kind: 'replay'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'mismatch' }
  | { readonly kind: 'in_flight' };

export interface IdempotencySettings {
  /** How long a second request with the same key waits for the first to finish (default 3 s). */
  readonly waitMs: number;
  /** A reservation older than this without an answer is taken over (its process died). Default 60 s. */
  readonly staleAfterMs: number;
}

/** JSON with object keys sorted, so that key order does not change a body's hash. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** An Idempotency-Key record as `reserve` reads it. */
interface RecordRow {
  request_hash: string;
  status: number | null;
  response: unknown;
  stale: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Idempotency-Key records: reserve (INSERT ... ON CONFLICT DO NOTHING), run the command, store the
 * answer. The key is kept only as a hash with the user and route; the body only as a hash.
 */
@Injectable()
export class IdempotencyStore {
  private readonly settings: IdempotencySettings = { waitMs: 3_000, staleAfterMs: 60_000 };

  constructor(@Inject(COMMANDS_POOL) private readonly pool: Pool) {}

  keyHash(scope: IdempotencyScope): string {
    return sha256(['idempotency-key', scope.userId, scope.route, scope.key].join('\n'));
  }

  /**
   * Takes the key (its first use, or a released reservation taken again), or else reads its
   * record: one statement either way, so a replay of a stored answer costs one round trip. A
   * request still in flight with the key is waited for (polling), up to `waitMs`.
   */
  async reserve(scope: IdempotencyScope, body: unknown): Promise<Reservation> {
    const keyHash = this.keyHash(scope);
    const requestHash = sha256(canonicalJson(body ?? null));
    // Inserted (`xmax = 0`: the key's first use), or a released reservation taken again; else the
    // record as it was before this statement (its snapshot; none when another request inserted it
    // meanwhile: then read below).
    const { rows: first } = await this.pool.query<
      RecordRow & { taken: boolean; first_use: boolean }
    >(
      `WITH taken AS (
         INSERT INTO idempotency_keys (key_hash, user_id, route, request_hash) VALUES ($1, $2, $3, $4)
         ON CONFLICT (key_hash) DO UPDATE
           SET request_hash = EXCLUDED.request_hash, created_at = now(), released = false
           WHERE idempotency_keys.released
         RETURNING xmax = 0 AS first_use)
       SELECT true AS taken, first_use, NULL::text AS request_hash, NULL::int AS status,
              NULL::jsonb AS response, false AS stale
         FROM taken
       UNION ALL
       SELECT false, false, request_hash, status, response,
              created_at < now() - make_interval(secs => $5::double precision / 1000)
         FROM idempotency_keys
        WHERE key_hash = $1 AND NOT released AND NOT EXISTS (SELECT 1 FROM taken)`,
      [keyHash, scope.userId, scope.route, requestHash, this.settings.staleAfterMs],
    );
    if (first[0]?.taken) return { kind: 'reserved', keyHash, firstUse: first[0].first_use };
    const deadline = Date.now() + this.settings.waitMs;
    let row: RecordRow | undefined = first[0];
    for (;;) {
      if (row === undefined) {
        // Released by a failed attempt meanwhile (or inserted by one not yet visible above):
        // try to take the key.
        const { rows } = await this.pool.query<RecordRow>(
          `SELECT request_hash, status, response, created_at < now() - make_interval(secs => $2::double precision / 1000) AS stale
             FROM idempotency_keys WHERE key_hash = $1 AND NOT released`,
          [keyHash, this.settings.staleAfterMs],
        );
        row = rows[0];
        if (row === undefined) return this.reserve(scope, body);
      }
      if (row.request_hash !== requestHash) return { kind: 'mismatch' };
      if (row.status !== null) return { kind: 'replay', status: row.status, body: row.response };
      if (row.stale) {
        const takenOver = await this.pool.query(
          `UPDATE idempotency_keys SET created_at = now() WHERE key_hash = $1 AND status IS NULL
             AND NOT released
             AND created_at < now() - make_interval(secs => $2::double precision / 1000) RETURNING key_hash`,
          [keyHash, this.settings.staleAfterMs],
        );
        if (takenOver.rowCount === 1) return { kind: 'reserved', keyHash, firstUse: false };
      }
      if (Date.now() >= deadline) return { kind: 'in_flight' };
      await sleep(50);
      row = undefined;
    }
  }

  /** The stored answer of a completed request with this key and the same body; else undefined. */
  async answered(
    scope: IdempotencyScope,
    body: unknown,
  ): Promise<{ readonly status: number; readonly body: unknown } | undefined> {
    const { rows } = await this.pool.query<{
      request_hash: string;
      status: number;
      response: unknown;
    }>(
      `SELECT request_hash, status, response FROM idempotency_keys
        WHERE key_hash = $1 AND status IS NOT NULL`,
      [this.keyHash(scope)],
    );
    const row = rows[0];
    if (row === undefined || row.request_hash !== sha256(canonicalJson(body ?? null)))
      return undefined;
    return { status: row.status, body: row.response };
  }

  async complete(keyHash: string, status: number, body: unknown): Promise<void> {
    await this.pool.query(
      `UPDATE idempotency_keys SET status = $2, response = $3::jsonb, completed_at = now() WHERE key_hash = $1`,
      [keyHash, status, JSON.stringify(body ?? null)],
    );
  }

  /**
   * `complete` as a statement committed with the command's append (@remedy/event-store
   * `AlongsideWrite`): the stored answer is `body` with the appended `revision` and `position`.
   */
  completionWithAppend(
    keyHash: string,
    status: number,
    body: Readonly<Record<string, unknown>>,
  ): { text: string; values: unknown[] } {
    return {
      text: `UPDATE idempotency_keys SET status = $2, completed_at = now(),
        response = $3::jsonb || jsonb_build_object('revision', ${APPENDED_REVISION_SQL},
                                                   'position', ${APPENDED_POSITION_SQL})
      WHERE key_hash = $1 AND EXISTS (SELECT 1 FROM appended)`,
      values: [keyHash, status, JSON.stringify(body)],
    };
  }

  /**
   * The command failed: release the reservation so the client may retry with the same key (and
   * any body). The row stays, marked released: the next use is not the key's first.
   */
  async release(keyHash: string): Promise<void> {
    await this.pool.query(
      `UPDATE idempotency_keys SET released = true WHERE key_hash = $1 AND status IS NULL`,
      [keyHash],
    );
  }
}
