import { randomUUID } from 'node:crypto';
import {
  Global,
  Injectable,
  Module,
  type DynamicModule,
  type INestApplicationContext,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Job } from 'bullmq';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { JobHandler, MissingJobHandlerError } from './jobs';
import { expectJobs, JobsModule } from './jobs.module';
import { createQueueKit, type QueueKit } from './queue-kit';
import { QUEUE_KIT } from './tokens';

/** Jobs declared with @JobHandler and discovered by JobsModule, on Redis when set, else PostgreSQL. */
describe('JobsModule: handlers declared at their code, discovered at start-up', () => {
  let kit: QueueKit;
  let db: TestDatabase | undefined;
  const workersCreated: string[] = [];

  beforeAll(async () => {
    const prefix = `t${randomUUID().slice(0, 8)}`;
    if (process.env.REDIS_URL) {
      kit = createQueueKit({ kind: 'redis', url: process.env.REDIS_URL }, { prefix });
    } else {
      db = await createTestDatabase({ migrate: false });
      kit = createQueueKit({ kind: 'postgres', url: db.url }, { prefix });
    }
    const worker = kit.worker.bind(kit);
    kit = {
      ...kit,
      worker: (name, processor, options) => {
        workersCreated.push(name);
        return worker(name, processor, options);
      },
    };
  });
  afterAll(async () => {
    await kit.close();
    await db?.drop();
  });

  @Global()
  @Module({})
  class KitModule {
    static with(value: QueueKit): DynamicModule {
      return {
        module: KitModule,
        providers: [{ provide: QUEUE_KIT, useValue: value }],
        exports: [QUEUE_KIT],
      };
    }
  }

  const start = (feature: DynamicModule): Promise<INestApplicationContext> =>
    NestFactory.createApplicationContext(
      { module: class App {}, imports: [KitModule.with(kit), feature] },
      { logger: false, abortOnError: false },
    );

  it('runs a job with the handler declared for its queue and name', async () => {
    const queue = `q-${randomUUID()}`;
    const seen: string[] = [];
    @Injectable()
    class Doubler {
      @JobHandler({ queue, name: 'double' })
      double(job: Job<{ n: number }>): number {
        seen.push(job.name);
        return job.data.n * 2;
      }
      @JobHandler({ queue })
      anyOther(job: Job<{ n: number }>): number {
        seen.push(job.name);
        return -job.data.n;
      }
    }
    @Module({})
    class Feature {}
    const app = await start({
      module: Feature,
      imports: [JobsModule],
      providers: [Doubler, expectJobs('feature', [{ queue, name: 'double' }])],
    });
    try {
      const q = kit.queue<{ n: number }>(queue);
      const doubled = await q.add('double', { n: 21 });
      const other = await q.add('negate', { n: 5 });
      const result = async (id: string) => {
        for (;;) {
          const job = await q.getJob(id);
          if (job?.finishedOn) return job.returnvalue as unknown;
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      expect(await result(doubled.id!)).toBe(42);
      expect(await result(other.id!)).toBe(-5);
      expect(seen.sort()).toEqual(['double', 'negate']);
    } finally {
      await app.close();
    }
  });

  it('refuses to start when a queued job type has no handler, and starts no worker', async () => {
    const queue = `q-${randomUUID()}`;
    @Injectable()
    class Partial {
      @JobHandler({ queue, name: 'sweep' })
      sweep(): void {}
    }
    @Module({})
    class Feature {}
    const before = workersCreated.length;
    const starting = start({
      module: Feature,
      imports: [JobsModule],
      providers: [
        Partial,
        expectJobs('feature', [
          { queue, name: 'sweep' },
          { queue, name: 'erase' },
        ]),
      ],
    });
    await expect(starting).rejects.toThrow(MissingJobHandlerError);
    await expect(starting).rejects.toThrow(`no handler for job ${queue}/erase`);
    expect(workersCreated.length).toBe(before);
  });

  it('refuses to start when a job has two handlers', async () => {
    const queue = `q-${randomUUID()}`;
    @Injectable()
    class One {
      @JobHandler({ queue, name: 'build' })
      build(): void {}
    }
    @Injectable()
    class Two {
      @JobHandler({ queue, name: 'build' })
      build(): void {}
    }
    @Module({})
    class Feature {}
    await expect(
      start({ module: Feature, imports: [JobsModule], providers: [One, Two] }),
    ).rejects.toThrow(`job ${queue}/build has two handlers (One.build, Two.build)`);
  });
});
