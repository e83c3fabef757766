import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ADULT_DATES_RECONCILER } from '../tokens';
import type { AdultDatesReconciler, AdultDatesReport } from './adult-dates';

/**
 * The API's start-up reconciliation of `case_adult_dates` (see `AdultDatesReconciler`): the cases
 * that need it only, in the background (start-up does not wait for it and the API answers
 * meanwhile: a case not yet reconciled reads by its birth year, erring towards "child", as
 * before), in batches of 100 with a pause between them, stopped at shutdown. Logs counts only.
 * Provided by the API's root module (apps/api), not by CaseCommandsModule, so the worker and
 * other processes that import the command side do not run it too.
 */
@Injectable()
export class AdultDatesAtStartUp implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('AdultDates');
  private stopping = false;
  /** The running reconciliation (tests await it). */
  done: Promise<AdultDatesReport | undefined> = Promise.resolve(undefined);

  constructor(@Inject(ADULT_DATES_RECONCILER) private readonly reconciler: AdultDatesReconciler) {}

  onApplicationBootstrap(): void {
    this.done = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.done;
  }

  private async run(): Promise<AdultDatesReport | undefined> {
    try {
      const report = await this.reconciler.reconcile({
        batchSize: 100,
        pauseMs: 50,
        stopped: () => this.stopping,
      });
      if (report.checked > 0) this.logger.log({ msg: 'adult dates reconciled', ...report });
      return report;
    } catch (error) {
      // The error's class only: a driver message may quote a value. The next start-up (or
      // `npm run cli -- cases reconcile-adult-dates`) resumes.
      this.logger.warn({
        msg: 'adult dates reconciliation stopped',
        error: (error as Error)?.name ?? 'Error',
      });
      return undefined;
    }
  }
}
