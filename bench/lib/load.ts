/**
 * HTTP load with autocannon: at saturation (closed loop, N connections) or at a fixed rate
 * (open loop, latencies corrected for coordinated omission). Throughput counts 2xx answers only.
 */
import autocannon from 'autocannon';
import { percentile } from './results';

export interface LoadResult {
  /** 2xx answers per second over the run. */
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly ok: number;
  /** Connection errors (timeouts included) and non-2xx answers. */
  readonly errors: number;
  /** Status codes other than 2xx and their counts, e.g. "429×12". */
  readonly otherStatuses: string;
  readonly seconds: number;
}

export interface LoadOptions {
  readonly url: string;
  readonly seconds: number;
  readonly connections?: number;
  /** Requests per second over all connections (fixed-rate run). */
  readonly rate?: number;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** A path per request (e.g. rotating over cases); default the URL's path. */
  readonly path?: () => string;
}

export async function load(options: LoadOptions): Promise<LoadResult> {
  const { path } = options;
  const r = await autocannon({
    url: options.url,
    connections: options.connections ?? 32,
    duration: options.seconds,
    method: options.method ?? 'GET',
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(options.rate ? { overallRate: Math.max(1, Math.round(options.rate)) } : {}),
    ...(path
      ? {
          requests: [
            {
              setupRequest: (req: autocannon.Request) => ({ ...req, path: path() }),
            },
          ],
        }
      : {}),
  });
  const ok = r['2xx'];
  return {
    rps: ok / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    ok,
    errors: r.errors + r.non2xx,
    otherStatuses: Object.entries(r.statusCodeStats ?? {})
      .filter(([code]) => !code.startsWith('2'))
      .map(([code, s]) => `${code}×${s.count ?? 0}`)
      .join(' '),
    seconds: r.duration,
  };
}

/**
 * A truly open loop at a fixed rate: request i is due at start + i / rate (evenly spaced), sent when
 * due whether or not earlier ones have answered (fetch, i.e. undici, opens connections as needed),
 * and its latency is counted from when it was due, not from when it was sent (no coordinated
 * omission). Hand-written because autocannon's rate mode is not this: each of its connections
 * sends its share of a second's requests back to back when its one-second timer fires (the
 * connections' timers start together: a burst of up to `connections` concurrent requests each
 * second), and it corrects its histogram with an expected interval of ceil(1 / per-connection
 * rate in req/s) = 1 ms (autocannon 9, lib/run.js and lib/httpClient.js). Against a server
 * spending 3-5 ms of CPU per request, 10-20 % busy, autocannon's rate mode read p50 48-105 ms
 * where this loop read 5-18 ms (7 Dec 2026, 2 shared cores, load average 12).
 */
export async function openLoop(
  options: LoadOptions & { readonly rate: number },
): Promise<LoadResult & { readonly sent: number }> {
  const { rate, seconds } = options;
  const total = Math.max(1, Math.round(rate * seconds));
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  const other = new Map<string, number>();
  const base = new URL(options.url);
  const one = async (due: number) => {
    const url = options.path ? new URL(options.path(), base) : base;
    try {
      const res = await fetch(url, {
        method: options.method ?? 'GET',
        ...(options.headers ? { headers: options.headers } : {}),
        ...(options.body !== undefined ? { body: options.body } : {}),
      });
      await res.arrayBuffer();
      if (res.status >= 200 && res.status < 300) {
        ok++;
        latencies.push(performance.now() - due);
      } else {
        errors++;
        other.set(String(res.status), (other.get(String(res.status)) ?? 0) + 1);
      }
    } catch {
      errors++;
    }
  };
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    const now = performance.now();
    while (sent < total && started + (sent * 1000) / rate <= now) {
      inFlight.push(one(started + (sent * 1000) / rate));
      sent++;
    }
    const next = started + (sent * 1000) / rate;
    await new Promise((r) => setTimeout(r, Math.max(0, Math.min(5, next - performance.now()))));
  }
  await Promise.all(inFlight);
  const duration = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    rps: ok / duration,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? NaN,
    ok,
    errors,
    otherStatuses: [...other].map(([code, n]) => `${code}×${n}`).join(' '),
    seconds: duration,
    sent,
  };
}
