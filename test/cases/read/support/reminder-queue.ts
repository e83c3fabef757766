import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { REMINDERS_QUEUE, type ReminderJobData } from '@remedy/case-reminders';
import type { ProjectionDefinition } from '@remedy/projections';
import { createQueueKit, type QueueBackend, type QueueKit } from '@remedy/queue';
import { createTestDatabase, type TestDatabase } from '../../../support/database';
import { openReadSide, type ReadSideHarness } from './case-writer';

/** What a reminder spec runs on: a fresh database, its read side and the reminders queue. */
export interface ReminderQueueHarness {
  readonly db: TestDatabase;
  readonly h: ReadSideHarness;
  readonly kit: QueueKit;
  readonly queue: Queue<ReminderJobData>;
}

/**
 * A fresh test database with the read side of `projections`, and the reminders queue on the
 * backend (under a prefix of its own, so tests sharing a Redis do not meet).
 */
export async function openReminderQueue(
  backend: (url: string) => QueueBackend,
  projections: readonly ProjectionDefinition[],
): Promise<ReminderQueueHarness> {
  const db = await createTestDatabase();
  const h = await openReadSide(db.url, projections);
  const kit = createQueueKit(backend(db.url), { prefix: `t${randomUUID().slice(0, 8)}` });
  const queue = kit.queue<ReminderJobData>(REMINDERS_QUEUE);
  return { db, h, kit, queue };
}

/** Empties the queue (leaving nothing behind in a shared Redis), then closes it all. */
export async function closeReminderQueue({
  db,
  h,
  kit,
  queue,
}: ReminderQueueHarness): Promise<void> {
  await queue.obliterate({ force: true }).catch(() => undefined);
  await kit.close();
  await h.close();
  await db.drop();
}

/** The ids of the jobs waiting to run (delayed, waiting, prioritized), sorted. */
export async function pendingJobIds(queue: Queue<ReminderJobData>): Promise<string[]> {
  return (await queue.getJobs(['delayed', 'waiting', 'prioritized'], 0, 1000, true))
    .map((j) => j.id!)
    .sort();
}

/**
 * A kit whose `ping` fails ("connection refused") while `backend.down` is true: a queue backend
 * that stops answering and comes back, as the runtime's probe sees it.
 */
export function flakyPing(kit: QueueKit): { kit: QueueKit; backend: { down: boolean } } {
  const backend = { down: false };
  return {
    backend,
    kit: {
      ...kit,
      ping: async () => {
        if (backend.down) throw new Error('connection refused');
        await kit.ping();
      },
    },
  };
}
