import type { ReportInput, ReportPrinterPort } from '@remedy/statistics';
import { createStatisticsApp, untilBuilt, type ApiApp, type TestUser } from './app';

/**
 * A national report whose printing fails for good (issue 17 item 4): the printer (injected into
 * the worker) throws on every one of BullMQ's attempts. The report is then recorded `failed` with
 * the reason RENDER_FAILED only (not the error's message), the download answers 409 saying the
 * rendering failed and may be requested again, and a new request renders it (the printer works
 * again) and stores it once.
 */
describe('national report whose rendering fails for good', () => {
  const SECRET = 'ZZMARK-printer-message';
  let fail = true;
  const printed: string[] = [];
  const printer: ReportPrinterPort = {
    print: (input: ReportInput) => {
      printed.push(input.language);
      if (fail) return Promise.reject(new Error(`chromium crashed on ${SECRET}`));
      return Promise.resolve({ pdf: Buffer.from('%PDF-1.7 injected printer\n'), pages: 1 });
    },
  };
  let api: ApiApp;
  let rapporteur: TestUser;
  let releaseId: string;

  beforeAll(async () => {
    api = await createStatisticsApp({ printer });
    rapporteur = await api.user(['rapporteur']);
    const res = await api.post(rapporteur, '/statistics/releases', {
      period: '2026',
      mode: 'suppression',
      tables: ['victims-by-citizenship'],
    });
    expect(res.statusCode).toBe(202);
    releaseId = (res.json() as { releaseId: string }).releaseId;
    await untilBuilt(api, rapporteur, releaseId, 120_000);
  }, 180_000);

  afterAll(async () => {
    await api?.close();
  });

  /** Polls the download until it answers something other than 404 (queued or rendering). */
  async function settled(url: string) {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const res = await api.get(rapporteur, url);
      if (res.statusCode !== 404) return res;
      if (Date.now() > deadline) throw new Error(`report not settled in time`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  it('records the failure without the message, answers 409, and renders on a new request', async () => {
    const url = `/statistics/releases/${releaseId}/reports`;
    expect((await api.post(rapporteur, url, { language: 'fr' })).statusCode).toBe(202);
    const failed = await settled(`${url}/fr`);
    expect(failed.statusCode).toBe(409);
    expect(failed.headers['content-type']).toMatch(/application\/problem\+json/);
    const problem = failed.json() as { title: string; detail: string; reason: string };
    expect(problem).toMatchObject({
      title: 'Report rendering failed',
      reason: 'RENDER_FAILED',
    });
    expect(problem.detail).toMatch(/may be requested again/);
    expect(failed.body).not.toContain(SECRET);
    // Every one of BullMQ's attempts printed; the last recorded the failure, nothing else.
    expect(printed.length).toBe(5);
    const row = await api.pool.query(
      `SELECT status, error, pdf, pages, rendered_at FROM statistics_release_reports WHERE release_id = $1 AND language = 'fr'`,
      [releaseId],
    );
    expect(row.rows).toEqual([
      { status: 'failed', error: 'RENDER_FAILED', pdf: null, pages: null, rendered_at: null },
    ]);

    // Asking again queues a new render, which (the printer working again) is stored once.
    fail = false;
    const again = await api.post(rapporteur, url, { language: 'fr' });
    expect(again.statusCode).toBe(202);
    expect(again.json()).toMatchObject({ status: 'queued', replayed: true });
    const ok = await settled(`${url}/fr`);
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-type']).toBe('application/pdf');
    expect(ok.rawPayload.toString()).toBe('%PDF-1.7 injected printer\n');
    expect(printed.length).toBe(6);
    const stored = await api.pool.query(
      `SELECT status, error FROM statistics_release_reports WHERE release_id = $1 AND language = 'fr'`,
      [releaseId],
    );
    expect(stored.rows).toEqual([{ status: 'rendered', error: null }]);
  }, 180_000);
});
