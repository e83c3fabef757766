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
  return forwardingTo(() => started);
}

/**
 * A value the enclosing `describe` block makes in its `beforeAll` (an organisation with its staff,
 * say), with nothing to close: the handle forwards to it as `perSuite`'s does, so a suite writes
 * `const org = beforeSuite(...)` instead of a `let` and its assignment in a `beforeAll`.
 */
export function beforeSuite<T extends object>(make: () => Promise<T>): T {
  let made: T | undefined;
  beforeAll(async () => {
    made = await make();
  });
  return forwardingTo(() => made);
}

/** A handle forwarding every property to `current()`, which must have been made by then. */
function forwardingTo<T extends object>(current: () => T | undefined): T {
  return new Proxy({} as T, {
    get(_target, property) {
      const target = current();
      if (!target) throw new Error(`perSuite: '${String(property)}' used before the suite started`);
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
