/**
 * HTTP load with autocannon: at saturation (closed loop, N connections) or at a fixed rate
 * (open loop, latencies corrected for coordinated omission). Throughput counts 2xx answers only.
 */
import autocannon from 'autocannon';

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
