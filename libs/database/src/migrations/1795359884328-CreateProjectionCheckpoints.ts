import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per projection: the global position up to which its read model has applied events.
 * Written in the same transaction as the read-model rows of each batch (libs/projections), so
 * the read model and its checkpoint never disagree. When events live in EventStoreDB the
 * checkpoint still lives here, beside the read model.
 *
 * Positions are unsigned 64-bit in both stores (xid8 / $all positions), hence numeric(20,0);
 * -1 is the "before the first event" start position.
 */
export class CreateProjectionCheckpoints1795359884328 implements MigrationInterface {
  name = 'CreateProjectionCheckpoints1795359884328';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE projection_checkpoints (
        projection       text          PRIMARY KEY CHECK (projection ~ '^[a-z][a-z0-9_.-]{0,62}$'),
        position_commit  numeric(20,0) NOT NULL CHECK (position_commit >= -1),
        position_prepare numeric(20,0) NOT NULL CHECK (position_prepare >= -1),
        updated_at       timestamptz   NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE projection_checkpoints');
  }
}
