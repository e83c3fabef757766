import { retryWithBackoff, type RetryEvent } from './retry';

class Transient extends Error {}
class Permanent extends Error {}

const transientOnly = { retryOn: (error: unknown) => error instanceof Transient };

describe('retryWithBackoff', () => {
  it('given failures the predicate accepts, when retrying, then the delay doubles up to the maximum and the result is returned', async () => {
    const events: RetryEvent[] = [];
    let calls = 0;
    const result = await retryWithBackoff(
      async ({ attempt }) => {
        expect(attempt).toBe(calls);
        calls += 1;
        if (calls <= 5) throw new Transient(`failure ${calls}`);
        return 'done';
      },
      { ...transientOnly, initialDelayMs: 5, maxDelayMs: 20, onRetry: (e) => events.push(e) },
    );
    expect(result).toBe('done');
    expect(calls).toBe(6);
    expect(events.map((e) => e.delayMs)).toEqual([5, 10, 20, 20, 20]);
    expect(events.map((e) => e.failures)).toEqual([1, 2, 3, 4, 5]);
    expect((events[4].error as Error).message).toBe('failure 5');
  });

  it('given maxAttempts, when every call fails, then it gives up with the last error after that many calls', async () => {
    let calls = 0;
    const failing = retryWithBackoff(
      async () => {
        calls += 1;
        throw new Transient(`failure ${calls}`);
      },
      { ...transientOnly, initialDelayMs: 1, maxDelayMs: 2, maxAttempts: 4 },
    );
    await expect(failing).rejects.toThrow('failure 4');
    expect(calls).toBe(4);
  });

  it('given an error the predicate refuses, when it is thrown, then it is thrown at once without a retry', async () => {
    let calls = 0;
    const failing = retryWithBackoff(
      async () => {
        calls += 1;
        throw new Permanent('no');
      },
      { ...transientOnly, initialDelayMs: 5, maxDelayMs: 20 },
    );
    await expect(failing).rejects.toBeInstanceOf(Permanent);
    expect(calls).toBe(1);
  });

  it('given failures for longer than giveUpAfterMs, when the next one comes, then it gives up with the last error', async () => {
    let calls = 0;
    const started = performance.now();
    const failing = retryWithBackoff(
      async () => {
        calls += 1;
        throw new Transient(`failure ${calls}`);
      },
      { ...transientOnly, initialDelayMs: 10, maxDelayMs: 40, giveUpAfterMs: 150 },
    );
    const error = await failing.catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(Transient);
    expect((error as Error).message).toBe(`failure ${calls}`);
    expect(elapsed).toBeGreaterThan(150);
    expect(elapsed).toBeLessThan(150 + 40 + 1_000); // gave up at the first failure past the bound
    expect(calls).toBeGreaterThan(3);
  });

  it('given an attempt that progressed, when it fails later, then the delay and the give-up bound start again', async () => {
    const events: RetryEvent[] = [];
    let calls = 0;
    const result = await retryWithBackoff(
      async ({ progressed }) => {
        calls += 1;
        if (calls === 4) progressed(); // e.g. a record delivered, then the connection dropped
        if (calls <= 6) throw new Transient();
        return calls;
      },
      { ...transientOnly, initialDelayMs: 5, maxDelayMs: 80, onRetry: (e) => events.push(e) },
    );
    expect(result).toBe(7);
    expect(events.map((e) => e.delayMs)).toEqual([5, 10, 20, 5, 10, 20]);
  });

  it('given a long failing period that keeps making progress, when it exceeds giveUpAfterMs overall, then it does not give up', async () => {
    let calls = 0;
    const result = await retryWithBackoff(
      async ({ progressed }) => {
        calls += 1;
        progressed();
        if (calls <= 8) throw new Transient();
        return 'done';
      },
      { ...transientOnly, initialDelayMs: 30, maxDelayMs: 30, giveUpAfterMs: 100 },
    );
    expect(result).toBe('done'); // 8 × 30 ms of delays, each failure the first since progress
  });

  it('given a jitter, when retrying, then each delay lies between (1 - jitter) and 1 times the exponential delay', async () => {
    const events: RetryEvent[] = [];
    let calls = 0;
    await retryWithBackoff(
      async () => {
        calls += 1;
        if (calls <= 20) throw new Transient();
      },
      { initialDelayMs: 8, maxDelayMs: 8, jitter: 0.25, onRetry: (e) => events.push(e) },
    );
    expect(events).toHaveLength(20);
    for (const e of events) {
      expect(e.delayMs).toBeGreaterThanOrEqual(6);
      expect(e.delayMs).toBeLessThanOrEqual(8);
    }
  });

  it('given a pending delay, when the signal aborts, then it resolves undefined at once without another attempt', async () => {
    const controller = new AbortController();
    let calls = 0;
    const started = performance.now();
    const retrying = retryWithBackoff(
      async () => {
        calls += 1;
        throw new Transient();
      },
      { initialDelayMs: 10_000, maxDelayMs: 10_000, signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 50);
    await expect(retrying).resolves.toBeUndefined();
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(calls).toBe(1);
  });

  it('given an aborted signal, when an attempt fails, then the error is thrown rather than retried', async () => {
    const controller = new AbortController();
    const failing = retryWithBackoff(
      async () => {
        controller.abort(); // e.g. stopped while the attempt ran
        throw new Transient('while stopping');
      },
      { initialDelayMs: 5, maxDelayMs: 5, signal: controller.signal },
    );
    await expect(failing).rejects.toThrow('while stopping');
  });
});
