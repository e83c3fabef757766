/**
 * A resource that lives as long as the enclosing `describe` block: started in its `beforeAll`,
 * closed in its `afterAll`. The returned handle forwards every property to the started resource,
 * so a suite writes `const api = perSuite(createCommandsApp)` once and its tests use `api` as
 * before; touching the handle before the suite has started throws.
 *
 * Written by hand (a Proxy of a few lines): Jest has no per-describe fixture of its own.
 */
export function perSuite<T extends { close(): Promise<void> }>(
  start: () => Promise<T>,
  timeoutMs?: number,
): T {
  let started: T | undefined;
  beforeAll(async () => {
    started = await start();
  }, timeoutMs);
  afterAll(async () => {
    await started?.close();
    started = undefined;
  });
  return new Proxy({} as T, {
    get(_target, property) {
      if (!started)
        throw new Error(`perSuite: '${String(property)}' used before the suite started`);
      const value: unknown = Reflect.get(started, property);
      return typeof value === 'function' ? value.bind(started) : value;
    },
  });
}
