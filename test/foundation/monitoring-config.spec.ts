import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@remedy/config';

/**
 * The documented Prometheus set-up (docker/prometheus.yml with docker/compose.yml's `monitoring`
 * profile) points at the internal listeners compose configures, and those are never published.
 * The scrape itself (path, Prometheus's headers, bearer token) is tested on the listener
 * (libs/observability internal-listener.spec.ts) and on the real API and worker (system.e2e).
 */
const docker = (file: string) => readFileSync(join(__dirname, '../../docker', file), 'utf8');

describe('docker: Prometheus scrapes the internal listeners', () => {
  const compose = docker('compose.yml');
  const prometheus = docker('prometheus.yml');
  const env = (key: string) =>
    new RegExp(`^  ${key}: "?([^"\\n]+)"?$`, 'm').exec(compose)?.[1] ?? 'unset';

  it('scrapes api and worker at the ports compose gives their internal listeners, at /metrics', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://remedy@postgres:5432/remedy',
      METRICS_HOST: env('METRICS_HOST'),
      METRICS_PORT: env('METRICS_PORT'),
      WORKER_METRICS_PORT: env('WORKER_METRICS_PORT'),
    }).internalListener;
    expect(config.host).toBe('0.0.0.0'); // reachable from the prometheus container
    const targets = /targets: \[([^\]]*)\]/.exec(prometheus)?.[1].match(/"[^"]+"/g);
    expect(targets).toEqual([`"api:${config.apiPort}"`, `"worker:${config.workerPort}"`]);
    expect(prometheus).toMatch(/^ {4}metrics_path: \/metrics$/m);
    expect(compose).toContain('./prometheus.yml:/etc/prometheus/prometheus.yml:ro');
  });

  it('publishes neither internal port: only the API port, and the Prometheus UI and Keycloak on loopback', () => {
    const published = [...compose.matchAll(/^ {6}- "([^"]+:\d+)"$/gm)].map((m) => m[1]);
    expect(published).toEqual([
      '${REMEDY_HTTP_PORT:-3000}:3000',
      '127.0.0.1:8080:8080',
      '127.0.0.1:9090:9090',
    ]);
  });
});
