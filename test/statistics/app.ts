import { CASE_CIPHER, CaseCommandsModule } from '@remedy/case-commands';
import { legalAidProjection } from '@remedy/legal-aid';
import {
  StatisticsModule,
  statisticsFactsProjection,
  type StatisticsWorkerOptions,
} from '@remedy/statistics';
import type { ApiApp, TestUser } from '../support/api-app';
import { caseReadSide, createCommandsApp } from '../cases/commands/support';

export type { ApiApp, TestUser };

/**
 * The command side, the case read side and the statistics (API and release worker in one
 * process) on a fresh database; queues on BullMQ's PostgreSQL backend (no REDIS_URL). `worker`:
 * the release worker's options (e.g. the built console that prints the national reports).
 */
export const createStatisticsApp = (worker: StatisticsWorkerOptions = {}) =>
  createCommandsApp(caseReadSide(), {
    modules: [
      StatisticsModule.forApi({ imports: [CaseCommandsModule], cipherToken: CASE_CIPHER }),
      StatisticsModule.forWorker(worker),
    ],
    projections: [
      statisticsFactsProjection,
      // The compensation sums of a release are read from the legal-aid claim read model.
      legalAidProjection,
    ],
  });

/** Polls the release's status until it is built (the build is asynchronous, in the worker). */
export async function untilBuilt(
  api: ApiApp,
  rapporteur: TestUser,
  releaseId: string,
  timeoutMs = 60_000,
) {
  const deadline = Date.now() + timeoutMs;
  const seen: number[] = [];
  for (;;) {
    const res = await api.get(rapporteur, `/statistics/releases/${releaseId}`);
    if (res.statusCode !== 200) throw new Error(`release status: ${res.statusCode} ${res.body}`);
    const body = res.json() as { status: string; progress: number; error: string | null };
    seen.push(body.progress);
    if (body.status === 'built') return { ...body, seen };
    if (body.status === 'failed') throw new Error(`release failed: ${body.error}`);
    if (Date.now() > deadline) throw new Error('release not built in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Polls until the release is built or failed; its status and the rule of a failure. */
export async function untilSettled(
  api: ApiApp,
  rapporteur: TestUser,
  releaseId: string,
  timeoutMs = 60_000,
): Promise<{ status: string; error: string | null }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await api.get(rapporteur, `/statistics/releases/${releaseId}`);
    const body = res.json() as { status: string; error: string | null };
    if (body.status === 'built' || body.status === 'failed')
      return { status: body.status, error: body.error };
    if (Date.now() > deadline) throw new Error('release not settled in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
