import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The CLK's own version (issue 19): `CLK_VERSION` of @remedy/person-matching names the encoding's
 * layout ('clk1': one record-level filter; 'clk2': one filter per field, compared field by field).
 * The organisation side re-encodes every record whose `clk_version` is not the current one (as
 * on a rotation of the shared secret), and the linkage unit compares only encodings of the same
 * secret version and CLK version. Rows that exist already were encoded as 'clk1'.
 */
export class LinkageClkVersion1796000001500 implements MigrationInterface {
  name = 'LinkageClkVersion1796000001500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE linkage_records ADD COLUMN clk_version text NOT NULL DEFAULT 'clk1'`,
    );
    await q.query(
      `ALTER TABLE linkage.encodings ADD COLUMN clk_version text NOT NULL DEFAULT 'clk1'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE linkage.encodings DROP COLUMN clk_version`);
    await q.query(`ALTER TABLE linkage_records DROP COLUMN clk_version`);
  }
}
