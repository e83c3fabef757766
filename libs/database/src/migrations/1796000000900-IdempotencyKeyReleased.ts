import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A released Idempotency-Key reservation (its command failed) is kept, marked `released`, instead
 * of deleted: a reservation can then tell a key's first use (the row inserted) from a later one
 * (a released or abandoned reservation taken again). Only a later use can find an earlier append
 * of the same command, so only a later use looks it up on the stream (issue 18 item 3: a keyed
 * command in 3 round trips). A released row still lets the key be used with another body.
 */
export class IdempotencyKeyReleased1796000000900 implements MigrationInterface {
  name = 'IdempotencyKeyReleased1796000000900';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE idempotency_keys ADD COLUMN released boolean NOT NULL DEFAULT false`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM idempotency_keys WHERE released`);
    await q.query(`ALTER TABLE idempotency_keys DROP COLUMN released`);
  }
}
