import { randomUUID } from 'node:crypto';
import { createTestDatabase, TestDatabase } from '../../../test/support/database';
import { createQueueKit, QueueBackend, QueueKit } from './queue-kit';

type Backend = {
  label: string;
  make: () => Promise<{ backend: QueueBackend; cleanup: () => Promise<void> }>;
};

const backends: Backend[] = [
  {
    label: 'PostgreSQL backend',
    make: async () => {
      const db: TestDatabase = await createTestDatabase({ migrate: false });
      return { backend: { kind: 'postgres', url: db.url }, cleanup: () => db.drop() };
    },
  },
];
if (process.env.REDIS_URL) {
  backends.push({
    label: 'Redis backend',
    make: async () => ({
      backend: { kind: 'redis', url: process.env.REDIS_URL! },
      cleanup: async () => undefined,
    }),
  });
} else {
  // Reported in the test output, so a run without Redis says what it did not cover.
  describe.skip('queue kit on Redis — skipped: REDIS_URL is not set', () => {
    it('runs the same tests on Redis', () => undefined);
  });
}

describe.each(backends)('queue kit on the $label', ({ make }) => {
  let kit: QueueKit;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const made = await make();
    cleanup = made.cleanup;
    kit = createQueueKit(made.backend, { prefix: `t${randomUUID().slice(0, 8)}` });
  });
  afterAll(async () => {
    await kit.close();
    await cleanup();
  });

  it('processes each job id once, however often it is enqueued', async () => {
    const name = `q-${randomUUID()}`;
    const queue = kit.queue<{ caseId: string }>(name);
    const seen: string[] = [];
    let completed = 0;
    const done = new Promise<void>((resolve) => {
      const worker = kit.worker<{ caseId: string }>(name, async (job) => {
        seen.push(job.data.caseId);
      });
      worker.on('completed', () => {
        completed += 1;
        if (completed === 2) resolve();
      });
    });
    const a = randomUUID();
    const b = randomUUID();
    await queue.add('remind', { caseId: a }, { jobId: `remind-${a}` });
    await queue.add('remind', { caseId: a }, { jobId: `remind-${a}` });
    await queue.add('remind', { caseId: b }, { jobId: `remind-${b}` });
    await done;
    // The duplicate add was refused by job id: nothing else is left in the queue.
    const counts = await queue.getJobCounts('waiting', 'active', 'completed', 'delayed');
    expect(counts.waiting + counts.active + counts.delayed).toBe(0);
    expect(counts.completed).toBe(2);
    expect(seen.sort()).toEqual([a, b].sort());
  });

  it('retries a failing job and then succeeds', async () => {
    const name = `q-${randomUUID()}`;
    const queue = kit.queue<{ n: number }>(name);
    let attempts = 0;
    const finished = new Promise<number>((resolve) => {
      const worker = kit.worker<{ n: number }>(name, async (job) => {
        attempts += 1;
        if (attempts < 3) throw new Error('transient');
        return job.data.n * 2;
      });
      worker.on('completed', (_job, result) => resolve(result as number));
    });
    await queue.add('double', { n: 21 }, { attempts: 5, backoff: { type: 'fixed', delay: 10 } });
    expect(await finished).toBe(42);
    expect(attempts).toBe(3);
  });
});
