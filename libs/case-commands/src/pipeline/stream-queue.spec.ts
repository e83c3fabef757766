import { StreamQueue } from './stream-queue';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('StreamQueue (one command per case stream at a time in a process)', () => {
  it('given commands on one stream, when they overlap, then they run one after the other in arrival order', async () => {
    const queue = new StreamQueue();
    const log: string[] = [];
    let release!: () => void;
    const first = queue.run('case-a', async () => {
      log.push('first starts');
      await new Promise<void>((resolve) => (release = resolve));
      log.push('first ends');
    });
    const second = queue.run('case-a', async () => {
      log.push('second runs');
    });
    await tick();
    expect(log).toEqual(['first starts']);
    release();
    await Promise.all([first, second]);
    expect(log).toEqual(['first starts', 'first ends', 'second runs']);
  });

  it('given commands on two streams, when they overlap, then neither waits for the other', async () => {
    const queue = new StreamQueue();
    let release!: () => void;
    const slow = queue.run('case-a', () => new Promise<void>((resolve) => (release = resolve)));
    await expect(queue.run('case-b', async () => 'b done')).resolves.toBe('b done');
    release();
    await slow;
  });

  it('given a command that fails, when the next one on the stream runs, then it still runs and the queue forgets idle streams', async () => {
    const queue = new StreamQueue();
    const failing = queue.run('case-a', async () => {
      throw new Error('refused');
    });
    const next = queue.run('case-a', async () => 'next');
    await expect(failing).rejects.toThrow('refused');
    await expect(next).resolves.toBe('next');
    expect(queue.size).toBe(0);
  });
});
