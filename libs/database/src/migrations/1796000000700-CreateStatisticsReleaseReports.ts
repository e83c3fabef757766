import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The printable national report of a release (issue 17 item 4): one PDF per release and language,
 * rendered by the worker (@remedy/statistics, ReleaseWorkerRuntime `render` jobs) and stored with
 * the release. Rendered once: a trigger refuses any change to a rendered report and any delete.
 * The PDF is printed from the release's published (protected) figures only.
 */
export class CreateStatisticsReleaseReports1796000000700 implements MigrationInterface {
  readonly name = 'CreateStatisticsReleaseReports1796000000700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE statistics_release_reports (
        release_id    uuid        NOT NULL REFERENCES statistics_releases (release_id),
        language      text        NOT NULL CHECK (language IN ('ar', 'en', 'es', 'fr', 'ru', 'zh')),
        status        text        NOT NULL CHECK (status IN ('queued', 'rendering', 'rendered', 'failed')),
        pdf           bytea,
        pages         integer     CHECK (pages > 0),
        error         text,
        requested_at  timestamptz NOT NULL DEFAULT now(),
        rendered_at   timestamptz,
        PRIMARY KEY (release_id, language),
        CHECK ((status = 'rendered') = (pdf IS NOT NULL AND pages IS NOT NULL AND rendered_at IS NOT NULL))
      )`);
    await q.query(`
      CREATE FUNCTION statistics_release_report_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'statistics release reports are never deleted';
        END IF;
        IF OLD.status = 'rendered' THEN
          RAISE EXCEPTION 'a rendered statistics release report is immutable';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER statistics_release_reports_immutable BEFORE UPDATE OR DELETE ON statistics_release_reports
      FOR EACH ROW EXECUTE FUNCTION statistics_release_report_immutable()`);
    await q.query(`GRANT SELECT, INSERT ON statistics_release_reports TO remedy_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE statistics_release_reports');
    await q.query('DROP FUNCTION statistics_release_report_immutable');
  }
}
