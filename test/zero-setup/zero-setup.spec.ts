import { freePort } from '@remedy/embedded-database';
import {
  useBuiltSupervisor,
  childPids,
  connectEmbedded,
  embeddedPort,
  isAlive,
  newDataDir,
  postmasterPid,
  startSupervisor,
  waitForHealth,
  waitUntilDead,
  within,
} from './supervisor-harness';

/**
 * The zero-setup start (`npm start` without DATABASE_URL): the compiled supervisor, its embedded
 * PostgreSQL and two child processes. The API and worker are stand-ins (fixtures/) that read the
 * same environment; CI (.ci/run) also boots the real ones.
 */
describe('zero-setup supervisor', () => {
  useBuiltSupervisor();

  it('given two data dirs and two ports, when two instances start side by side, then both are healthy on their own databases', async () => {
    const [dirA, dirB] = [newDataDir(), newDataDir()];
    const [portA, portB] = [await freePort(), await freePort()];
    const a = startSupervisor(dirA, portA);
    const b = startSupervisor(dirB, portB);

    const [healthA, healthB] = await Promise.all([
      waitForHealth(a, portA),
      waitForHealth(b, portB),
    ]);
    expect(healthA).toMatchObject({
      status: 'ok',
      embedded: 'true',
      migrations: expect.any(Number),
    });
    expect(healthB).toMatchObject({ status: 'ok', embedded: 'true' });
    expect(healthA.pid).not.toBe(healthB.pid);
    expect(embeddedPort(dirA)).not.toBe(embeddedPort(dirB));
    expect([embeddedPort(dirA), embeddedPort(dirB)]).not.toContain(5432);
    expect(a.output()).toContain(
      'database: embedded PostgreSQL; events: PostgreSQL; queues: BullMQ on PostgreSQL',
    );
    expect(a.output()).not.toMatch(/postgres:\/\/postgres:/); // the URL with its password is never logged

    a.process.kill('SIGINT');
    b.process.kill('SIGINT');
    const [exitA, exitB] = await within(
      40_000,
      'both supervisors stop',
      Promise.all([a.exited, b.exited]),
    );
    expect(exitA).toEqual({ code: 0, signal: null });
    expect(exitB).toEqual({ code: 0, signal: null });
    expect(a.output()).toContain('embedded PostgreSQL stopped');
    expect(postmasterPid(dirA)).toBeUndefined();
    expect(postmasterPid(dirB)).toBeUndefined();
  }, 90_000);

  it('given a running instance with data, when the supervisor is killed with SIGKILL and started again, then it comes back with all data', async () => {
    const dir = newDataDir();
    const port = await freePort();
    const first = startSupervisor(dir, port);
    await waitForHealth(first, port);
    const pgPort = embeddedPort(dir);

    const marker = `probe-${Date.now()}`;
    const db = await connectEmbedded(dir);
    await db.query('CREATE TABLE zero_setup_probe (v text PRIMARY KEY)');
    await db.query('INSERT INTO zero_setup_probe VALUES ($1)', [marker]);
    await db.end();

    const children = childPids(first.pid);
    // The API, the worker and the linkage unit (zero-setup starts all three).
    expect(children).toHaveLength(3);
    const postmaster = postmasterPid(dir)!;
    first.process.kill('SIGKILL');
    await first.exited;

    // The children notice that their supervisor is gone and leave; PostgreSQL (its own session) stays.
    for (const pid of children) expect(await waitUntilDead(pid, 10_000)).toBe(true);
    expect(isAlive(postmaster)).toBe(true);

    const second = startSupervisor(dir, port);
    await waitForHealth(second, port);
    expect(second.output()).toContain(`still running (pid ${postmaster}): stopping it cleanly`);
    expect(embeddedPort(dir)).toBe(pgPort); // the remembered port is reused
    const again = await connectEmbedded(dir);
    expect((await again.query('SELECT v FROM zero_setup_probe')).rows).toEqual([{ v: marker }]);
    await again.end();

    // Worse: supervisor and PostgreSQL both killed -> a stale postmaster.pid whose process is gone.
    const postmaster2 = postmasterPid(dir)!;
    second.process.kill('SIGKILL');
    process.kill(postmaster2, 'SIGKILL');
    await second.exited;
    expect(await waitUntilDead(postmaster2, 10_000)).toBe(true);
    for (const pid of childPids(second.pid)) await waitUntilDead(pid, 10_000);

    const third = startSupervisor(dir, port);
    await waitForHealth(third, port);
    expect(third.output()).toContain('removing a stale postmaster.pid');
    const last = await connectEmbedded(dir);
    expect((await last.query('SELECT v FROM zero_setup_probe')).rows).toEqual([{ v: marker }]);
    await last.end();

    third.process.kill('SIGINT');
    expect(await within(30_000, 'supervisor stops', third.exited)).toEqual({
      code: 0,
      signal: null,
    });
    expect(postmasterPid(dir)).toBeUndefined();
  }, 90_000);

  it('given a child that dies, when the supervisor notices, then it stops everything and exits non-zero', async () => {
    const dir = newDataDir();
    const port = await freePort();
    const s = startSupervisor(dir, port, { STAND_IN_WORKER_CRASH_AFTER_MS: '1500' });
    const exit = await within(60_000, 'supervisor exits after its worker died', s.exited);
    expect(exit).toEqual({ code: 1, signal: null });
    expect(s.output()).toContain('worker exited unexpectedly (code 3): stopping everything');
    expect(s.output()).toContain('embedded PostgreSQL stopped');
    expect(postmasterPid(dir)).toBeUndefined();
  }, 90_000);

  it('given a bad setting, when started, then it exits at once naming the setting', async () => {
    const s = startSupervisor(newDataDir(), 3000, {
      PORT: 'abc',
      REMEDY_MIN_REFLECTION_DAYS: '10',
    });
    expect(await within(20_000, 'supervisor exits', s.exited)).toEqual({ code: 78, signal: null });
    expect(s.output()).toContain(
      "Invalid configuration: PORT must be an integer 1-65535 (got 'abc'); REMEDY_MIN_REFLECTION_DAYS must be an integer of at least 30",
    );
  }, 30_000);
});
