import { setTimeout as wait } from 'node:timers/promises';
import { ConstantBackoff, handleWhen, noJitterGenerator, retry } from 'cockatiel';

/** How `retryWithBackoff` retries. */
export interface BackoffRetryOptions {
  /** Delay after the first failure; it doubles after each further one, up to `maxDelayMs`. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** Each delay is shortened by a random fraction of at most this (0.25: 75–100 %). Default 0. */
  readonly jitter?: number;
  /** Which errors are worth retrying; any other is thrown at once. Default: every error. */
  readonly retryOn?: (error: unknown) => boolean;
  /**
   * Gives up (throws the last error) at the first failure more than this many ms after the first
   * failure since the operation last made progress. Default: retries for ever.
   */
  readonly giveUpAfterMs?: number;
  /** Gives up (throws the last error) after this many calls of `fn` in all. Default: no bound. */
  readonly maxAttempts?: number;
  /** Aborting cuts a pending delay short: the helper resolves `undefined` without another attempt. */
  readonly signal?: AbortSignal;
  /** Called at each failure that will be retried, before the delay. */
  readonly onRetry?: (event: RetryEvent) => void;
}

export interface RetryEvent {
  readonly error: unknown;
  /** Failures since the operation last made progress, this one included. */
  readonly failures: number;
  readonly delayMs: number;
}

/** What each attempt is given. */
export interface RetryAttempt {
  /** 0 for the first call, then 1, 2, … */
  readonly attempt: number;
  readonly signal: AbortSignal;
  /**
   * Says that a long-running attempt made progress (delivered a record, applied a batch): the next
   * failure starts again from `initialDelayMs` and a fresh `giveUpAfterMs`.
   */
  progressed(): void;
}

const aborted = Symbol('aborted');

/**
 * The one retry helper: calls `fn` until it succeeds, retrying the errors `retryOn` accepts after an
 * exponential backoff (`initialDelayMs` doubling to `maxDelayMs`, optionally jittered), for ever or
 * until failures have lasted `giveUpAfterMs`. Resolves with `fn`'s result, or `undefined` when
 * `signal` aborted a delay.
 *
 * Built on cockatiel's retry policy (the loop, the error filter, the delays from its
 * `noJitterGenerator`). The delay itself is waited here, at the start of the next attempt, with an
 * abortable timer: cockatiel 4.0.0 waits its own backoff with a plain `setTimeout` that the
 * AbortSignal does not cut short (it is only checked before a retry is scheduled), so `stop()` would
 * otherwise wait up to `maxDelayMs`. Its own backoff is therefore 0. The failure count and the start
 * of the failing period are kept here rather than in a cockatiel backoff, because `progressed()`
 * resets them in the middle of one `execute`.
 */
export async function retryWithBackoff<T>(
  fn: (attempt: RetryAttempt) => Promise<T>,
  options: BackoffRetryOptions,
): Promise<T | undefined> {
  const signal = options.signal ?? new AbortController().signal;
  const retryOn = options.retryOn ?? (() => true);
  let failures = 0;
  let failingSince: number | undefined;
  let delayMs = 0;
  const progressed = () => {
    failures = 0;
    failingSince = undefined;
  };
  const policy = retry(
    handleWhen((error) => {
      if (signal.aborted || !retryOn(error)) return false;
      const now = performance.now();
      failingSince ??= now;
      return options.giveUpAfterMs === undefined || now - failingSince <= options.giveUpAfterMs;
    }),
    // cockatiel counts retries: maxAttempts calls of fn are maxAttempts - 1 retries.
    { maxAttempts: (options.maxAttempts ?? Infinity) - 1, backoff: new ConstantBackoff(0) },
  );
  policy.onRetry((reason) => {
    failures += 1;
    const [exponential] = noJitterGenerator(failures - 1, {
      initialDelay: options.initialDelayMs,
      maxDelay: options.maxDelayMs,
      exponent: 2,
      generator: noJitterGenerator,
    });
    delayMs = Math.round(exponential * (1 - (options.jitter ?? 0) * Math.random()));
    options.onRetry?.({
      error: 'error' in reason ? reason.error : reason.value,
      failures,
      delayMs,
    });
  });
  const result = await policy.execute(async ({ attempt }) => {
    if (attempt > 0) {
      try {
        await wait(delayMs, undefined, { signal });
      } catch {
        return aborted;
      }
    }
    return fn({ attempt, signal, progressed });
  }, signal);
  return result === aborted ? undefined : result;
}
